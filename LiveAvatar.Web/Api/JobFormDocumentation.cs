using LiveAvatar.Web.Services;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LiveAvatar.Web.Api;

/// <summary>POST /api/v1/jobs reads its multipart body itself (to stream uploads), so the OpenAPI generator cannot
/// see the fields; this describes them.</summary>
internal static class JobFormDocumentation
{
    private static readonly (string Name, JsonSchemaType Type, string? Format, string Description)[] Fields =
    [
        ("image", JsonSchemaType.String, "binary", "Reference image (PNG, JPEG, WebP, GIF, BMP); checked by content."),
        ("audio", JsonSchemaType.String, "binary", "Speech audio (any format ffmpeg reads: WAV, MP3, OGG/Opus, FLAC, M4A)."),
        ("prompt", JsonSchemaType.String, null, $"Scene description, at most {GenerationLimits.MaxPromptLength} characters."),
        ("size", JsonSchemaType.String, null, "Output area key, e.g. 704*384 (default); the image picks the aspect."),
        ("num_clip", JsonSchemaType.Integer, null, "Clips to generate (default 10; the audio caps it)."),
        ("sample_steps", JsonSchemaType.Integer, null, "Denoising steps, 1-4 (default 4)."),
        ("guide_scale", JsonSchemaType.Number, null, "0 (default): no guidance; above 1: classifier-free guidance."),
        ("infer_frames", JsonSchemaType.Integer, null, "Frames per clip, a multiple of 12 (default 48)."),
        ("seed", JsonSchemaType.Integer, null, "Random seed (default 420)."),
        ("online_decode", JsonSchemaType.Boolean, null, "Decode each block as it finishes (less memory)."),
        ("vae_parallel", JsonSchemaType.Boolean, null, "Decode on its own GPU (needs 2+ GPUs)."),
        ("fp8", JsonSchemaType.Boolean, null, "FP8 DiT weights (GPUs that support it)."),
        ("memory_profile", JsonSchemaType.String, null, $"GPU memory budget: {string.Join(", ", MemoryProfiles.Names)} (default auto: picked " +
            "from the GPU's free memory; the job's memoryPlan says what). " + string.Join("; ", MemoryProfiles.All.Select(MemoryProfiles.Describe)) + "."),
        ("lora_enabled", JsonSchemaType.Boolean, null, "Apply the Live Avatar LoRA (default true)."),
        ("lora", JsonSchemaType.String, null, "A LoRA file name from the server's list (default: LiveAvatar/liveavatar.safetensors)."),
        ("pose_video", JsonSchemaType.String, "binary", "Optional: a rendered pose video (DWPose-style skeletons, any video ffmpeg reads) " +
            "that drives the body; read at 25 fps from its start, scaled and centre-cropped to the output."),
        ("audio_2", JsonSchemaType.String, "binary", "Optional: the second speaker's audio (the original's --audio a.wav+b.wav); " +
            "needs speaker_masks or speaker_points. Both tracks are mixed (amix) into the video."),
        ("speaker_masks", JsonSchemaType.Array, null, "With audio_2: two mask images at the reference picture's size, white where " +
            "that speaker is (first part = the first audio's speaker). Or send speaker_points."),
        ("speaker_points", JsonSchemaType.String, null, $"With audio_2, instead of speaker_masks: {SpeakerPoints.Format}, e.g. " +
            "\"256,300;768,300\"; the server paints a filled circle around each point (radius 20% of the shorter side unless given)."),
    ];

    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (operation.OperationId != "CreateJob") return Task.CompletedTask;
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "image", "audio", "prompt" },
            Properties = Fields.ToDictionary(f => f.Name, f => (IOpenApiSchema)(f.Type == JsonSchemaType.Array
                ? new OpenApiSchema
                {
                    Type = f.Type, Description = f.Description, MinItems = 2, MaxItems = 2,
                    Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                }
                : new OpenApiSchema { Type = f.Type, Format = f.Format, Description = f.Description })),
        };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["multipart/form-data"] = new() { Schema = schema } },
        };
        return Task.CompletedTask;
    }
}
