using System.Globalization;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace LiveAvatar.Web.Api;

/// <summary>
/// Reads POST /api/v1/jobs (multipart/form-data) section by section: the image and audio stream straight into
/// <see cref="UploadStore"/> (the page's limits and content checks, flat memory), the other fields become
/// <see cref="JobParameters"/>. Field names are the original CLI's (num_clip, sample_steps, …).
/// </summary>
public static class JobSubmissionReader
{
    private const int MaxFieldBytes = 64 * 1024;

    public sealed record Result(JobParameters Parameters, StoredUpload? Image, StoredUpload? Audio, Dictionary<string, string[]> Problems)
    {
        /// <summary>Every upload this submission stored (a refused one removes them all).</summary>
        public IReadOnlyList<StoredUpload> Stored { get; init; } = [];

        /// <summary>Whether the speakers came as speaker_points (problems about them are named so).</summary>
        public bool UsedSpeakerPoints { get; init; }
    }

    public static readonly IReadOnlyList<string> TextFields =
    [
        "prompt", "size", "num_clip", "sample_steps", "guide_scale", "infer_frames", "seed", "online_decode", "vae_parallel",
        "fp8", "memory_profile", "lora_enabled", "lora", SpeakerPoints.Field,
    ];

    /// <summary>File fields and what each holds; speaker_masks comes twice (one image per speaker).</summary>
    public static readonly IReadOnlyDictionary<string, UploadKind> FileFields = new Dictionary<string, UploadKind>
    {
        ["image"] = UploadKind.Image, ["audio"] = UploadKind.Audio, ["audio_2"] = UploadKind.Audio,
        ["pose_video"] = UploadKind.Video, ["speaker_masks"] = UploadKind.Image,
    };

    public static async Task<Result> ReadAsync(HttpRequest request, UploadStore uploads, CancellationToken ct)
    {
        var problems = new Dictionary<string, string[]>();
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            problems["request"] = ["Send the job as multipart/form-data (curl -F image=@face.png -F audio=@speech.wav -F prompt=…)."];
            return new Result(new JobParameters(), null, null, problems);
        }
        // The body may hold every upload at its limit, plus the fields.
        var limits = uploads.Limits;
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = 3 * limits.MaxImageBytes + 2 * limits.MaxAudioBytes + limits.MaxVideoBytes + UploadLimits.MiB;

        var fields = new Dictionary<string, string>();
        var files = new Dictionary<string, List<StoredUpload>>();
        var stored = new List<StoredUpload>();
        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync(ct)) is not null)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
            string name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            if (disposition.IsFileDisposition() && FileFields.TryGetValue(name, out var kind))
            {
                var already = files.GetValueOrDefault(name)?.Count ?? 0;
                if (already >= (name == "speaker_masks" ? SpeakerMarking.Speakers : 1))
                {
                    problems[name] = [name == "speaker_masks"
                        ? $"Send exactly {SpeakerMarking.Speakers} speaker_masks parts, the first speaker's mask then the second's."
                        : $"Send one '{name}' file."];
                    continue;
                }
                string? fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                try
                {
                    var upload = await uploads.SaveAsync(kind, section.Body, fileName, ct);
                    stored.Add(upload);
                    (files.TryGetValue(name, out var list) ? list : files[name] = []).Add(upload);
                }
                catch (UploadRejectedException e)
                {
                    problems[name] = [name == "speaker_masks" ? $"Speaker mask {already + 1}: {e.Message}" : e.Message];
                }
            }
            else if (TextFields.Contains(name))
            {
                using var text = new StreamReader(section.Body);
                var buffer = new char[MaxFieldBytes + 1];
                int read = await text.ReadBlockAsync(buffer, ct);
                if (read > MaxFieldBytes) problems[name] = [$"The {name} field is longer than {MaxFieldBytes / 1024} KB."];
                else fields[name] = new string(buffer, 0, read);
            }
            else
            {
                problems[name.Length == 0 ? "request" : name] = [$"'{TextSanitizer.SingleLine(name, 40)}' is not a field of a job; the fields are " +
                    $"{string.Join(", ", FileFields.Keys)}, {string.Join(", ", TextFields)}."];
            }
        }
        StoredUpload? First(string name) => files.GetValueOrDefault(name)?.FirstOrDefault();
        var image = First("image");
        var audio = First("audio");
        if (image is null && !problems.ContainsKey("image")) problems["image"] = ["Attach the reference image as the 'image' file field."];
        if (audio is null && !problems.ContainsKey("audio")) problems["audio"] = ["Attach the audio as the 'audio' file field."];
        var marks = fields.TryGetValue(SpeakerPoints.Field, out var points) ? SpeakerPoints.Parse(points, image, problems) : null;
        if (marks is not null && files.ContainsKey("speaker_masks"))
            problems[SpeakerPoints.Field] = ["Give the speakers either as speaker_masks images or as speaker_points, not both."];
        var parameters = Parse(fields, problems) with
        {
            ImageId = image?.Id ?? "",
            AudioId = audio?.Id ?? "",
            SecondAudioId = First("audio_2")?.Id,
            PoseVideoId = First("pose_video")?.Id,
            SpeakerMaskIds = files.GetValueOrDefault("speaker_masks")?.Select(m => m.Id).ToList(),
            SpeakerMarks = marks,
        };
        return new Result(parameters, image, audio, problems) { Stored = stored, UsedSpeakerPoints = marks is not null || points is not null };
    }

    /// <summary>Missing fields take the page's defaults; each unreadable one is a problem under its name.</summary>
    private static JobParameters Parse(Dictionary<string, string> f, Dictionary<string, string[]> problems)
    {
        var d = new JobParameters();
        return d with
        {
            Prompt = f.GetValueOrDefault("prompt") ?? "",
            Size = f.GetValueOrDefault("size")?.Trim() ?? d.Size,
            NumClip = Int(f, "num_clip", d.NumClip, problems),
            SampleSteps = Int(f, "sample_steps", d.SampleSteps, problems),
            GuideScale = Double(f, "guide_scale", d.GuideScale, problems),
            InferFrames = Int(f, "infer_frames", d.InferFrames, problems),
            Seed = Long(f, "seed", d.Seed, problems),
            OnlineDecode = Bool(f, "online_decode", d.OnlineDecode, problems),
            VaeParallel = Bool(f, "vae_parallel", d.VaeParallel, problems),
            Fp8 = Bool(f, "fp8", d.Fp8, problems),
            MemoryProfile = Profile(f, "memory_profile", d.MemoryProfile, problems),
            LoraEnabled = Bool(f, "lora_enabled", d.LoraEnabled, problems),
            LoraPath = f.GetValueOrDefault("lora") is { Length: > 0 } lora ? lora.Trim() : null,
        };
    }

    private static int Int(Dictionary<string, string> f, string name, int fallback, Dictionary<string, string[]> problems) =>
        !f.TryGetValue(name, out var text) ? fallback
        : int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
        : Bad(problems, name, text, "a whole number", fallback);

    private static long Long(Dictionary<string, string> f, string name, long fallback, Dictionary<string, string[]> problems) =>
        !f.TryGetValue(name, out var text) ? fallback
        : long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v
        : Bad(problems, name, text, "a whole number", fallback);

    private static double Double(Dictionary<string, string> f, string name, double fallback, Dictionary<string, string[]> problems) =>
        !f.TryGetValue(name, out var text) ? fallback
        : double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v
        : Bad(problems, name, text, "a number", fallback);

    private static bool Bool(Dictionary<string, string> f, string name, bool fallback, Dictionary<string, string[]> problems) =>
        !f.TryGetValue(name, out var text) ? fallback
        : text.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "on" or "yes" => true,
            "false" or "0" or "off" or "no" => false,
            _ => Bad(problems, name, text, "true or false", fallback),
        };

    private static MemoryProfile Profile(Dictionary<string, string> f, string name, MemoryProfile fallback, Dictionary<string, string[]> problems) =>
        !f.TryGetValue(name, out var text) ? fallback
        : MemoryProfiles.TryParse(text, out var profile) ? profile
        : Bad(problems, name, text, $"one of {string.Join(", ", MemoryProfiles.Names)} (GB of GPU memory)", fallback);

    private static T Bad<T>(Dictionary<string, string[]> problems, string name, string text, string expected, T fallback)
    {
        problems[name] = [$"{name} must be {expected}, got '{TextSanitizer.SingleLine(text, 40)}'."];
        return fallback;
    }
}
