using LiveAvatar.Web.Components.Generation;

namespace LiveAvatar.Web.Services;

/// <summary>
/// The checks a submission passes before it is queued, keyed by the field to fix (the API's form field names).
/// The range rules are the page form's own (<see cref="GenerationForm.Validate"/>), so the page and the API accept
/// exactly the same jobs; when the engine's generation contract lands, this is the one place to re-point.
/// </summary>
public static class SubmissionRules
{
    /// <summary>The page's control ids and the API field each one stands for.</summary>
    private static readonly Dictionary<string, string> FieldOfControl = new()
    {
        ["prompt"] = "prompt", ["image-upload"] = "image", ["audio-upload"] = "audio", ["size"] = "size",
        ["num-clip"] = "num_clip", ["sample-steps"] = "sample_steps", ["guide-scale"] = "guide_scale",
        ["infer-frames"] = "infer_frames", ["seed"] = "seed", ["lora-path"] = "lora",
    };

    public static Dictionary<string, string[]> Check(JobParameters p, StoredUpload? image, StoredUpload? audio, LoraCatalog? loras)
    {
        var form = new GenerationForm();
        form.Load(p, image is { Kind: UploadKind.Image } ? image : null, audio is { Kind: UploadKind.Audio } ? audio : null);
        var problems = form.Validate()
            .GroupBy(e => FieldOfControl.GetValueOrDefault(e.Key, e.Key))
            .ToDictionary(g => g.Key, g => g.Select(e => e.Value).ToArray());
        if (p.LoraEnabled && !string.IsNullOrWhiteSpace(p.LoraPath) && loras?.Resolve(p.LoraPath) is null)
        {
            var names = loras?.Names ?? [];
            problems["lora"] = [names.Count == 0
                ? $"'{TextSanitizer.SingleLine(p.LoraPath, 80)}' is not a LoRA file of this server; none are in the checkpoint folder."
                : $"'{TextSanitizer.SingleLine(p.LoraPath, 80)}' is not in the list of LoRA files; pick one of: {string.Join(", ", names)}."];
        }
        return problems;
    }

    /// <summary>Engine messages carry no field; each goes under the field its words name, else "request".</summary>
    public static string FieldOfEngineMessage(string message)
    {
        string m = message.ToLowerInvariant();
        return m.StartsWith("size", StringComparison.Ordinal) ? "size"
            : m.StartsWith("sample steps", StringComparison.Ordinal) ? "sample_steps"
            : m.StartsWith("frames per clip", StringComparison.Ordinal) ? "infer_frames"
            : m.StartsWith("clips", StringComparison.Ordinal) ? "num_clip"
            : m.StartsWith("guide scale", StringComparison.Ordinal) ? "guide_scale"
            : m.Contains("fp8", StringComparison.Ordinal) ? "fp8"
            : m.Contains("reference image", StringComparison.Ordinal) ? "image"
            : m.Contains("audio", StringComparison.Ordinal) ? "audio"
            : "request";
    }
}
