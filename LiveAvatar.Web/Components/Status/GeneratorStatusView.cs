using System.Globalization;
using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Components.Status;

/// <summary>What the status panel says about the video generator: there or not, demo or real weights, its
/// devices, and the last engine error with what to try.</summary>
public sealed record GeneratorStatusView(
    bool Available, string Headline, string? Weights, IReadOnlyList<string> Devices, string? Features,
    string? LastError, string? LastErrorHint, string? LastErrorAt)
{
    /// <summary>"Model loaded" or when it will load, in words.</summary>
    public string? ModelState { get; init; }

    /// <summary>FP8 from the engine's real check (a tiny FP8 matmul on the device).</summary>
    public string? Fp8 { get; init; }

    public static GeneratorStatusView From(GeneratorInfo? info, JobError? lastError, DateTimeOffset? lastErrorAt, TimeZoneInfo zone)
    {
        string? error = lastError is null ? null : $"{lastError.Message} ({lastError.Kind})";
        string? at = lastErrorAt is { } t
            ? TimeZoneInfo.ConvertTime(t, zone).ToString("HH:mm:ss", CultureInfo.InvariantCulture) : null;
        if (info is null)
            return new(false, JobQueue.GeneratorMissing, null, [], null, error, lastError?.Hint, at);
        string weights = info.IsDemo
            ? $"demo checkpoint (untrained test weights) from {info.CheckpointDirectory}"
            : $"real checkpoint from {info.CheckpointDirectory}";
        string features = info.LoraLoaded ? "Live Avatar LoRA merged" : "Live Avatar LoRA not merged yet";
        return new(true, "Generator ready", weights, info.Devices, features, error, lastError?.Hint, at)
        {
            ModelState = info.ModelsLoaded ? "Model loaded" : "Model not loaded yet (it loads at start-up or with the first job)",
            Fp8 = info.SupportsFp8 ? "FP8 supported on this GPU" : "FP8 not available here",
        };
    }
}
