using System.Globalization;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Components.Generation;

public sealed record HistoryRow(
    string Id, string Status, string When, string ImageUrl, string ImageName, string AudioName, string Prompt,
    string Parameters, string Timing, string? VideoUrl, string? DownloadUrl, bool CanDelete, string? Error, string? MemoryPlan = null);

/// <summary>Every run with its inputs, parameters, output and timing, newest first.</summary>
public static class HistoryView
{
    public static IReadOnlyList<HistoryRow> From(IReadOnlyList<JobRecord> records, TimeZoneInfo zone) =>
        records.Select(r => Row(r, zone)).ToList();

    public static HistoryRow Row(JobRecord r, TimeZoneInfo zone)
    {
        var p = r.Parameters;
        string parameters = $"{p.Size} · {p.NumClip} clips · {p.SampleSteps} steps · {p.InferFrames} frames/clip · " +
            $"guide {DisplayFormat.Number(p.GuideScale)} · seed {p.Seed}" +
            (p.OnlineDecode ? " · online decode" : "") + (p.VaeParallel ? " · VAE parallel" : "") + (p.Fp8 ? " · FP8" : "") +
            (p.MemoryProfile == MemoryProfile.Auto ? "" : $" · {GenerationForm.MemoryProfileLabel(p.MemoryProfile)} memory profile") +
            (!p.LoraEnabled ? " · no LoRA" : string.IsNullOrEmpty(p.LoraPath) ? "" : $" · LoRA {p.LoraPath}") +
            (r.PoseVideo is { } pose ? $" · pose {pose.OriginalName}" : "") +
            (r.SecondAudio is null ? "" : r.SpeakerMasks is { Count: > 0 } ? " · two speakers (mask images)" : " · two speakers (marked)");
        string timing = r switch
        {
            { Elapsed: { } e, TimeToFirstClip: { } f } => $"took {DisplayFormat.Duration(e)}, first clip after {DisplayFormat.Duration(f)}",
            { StartedAt: { } s, FinishedAt: { } end } => $"ran {DisplayFormat.Duration(end - s)}",
            { Status: JobStatus.Running, StartedAt: { } } => "running",
            _ => "did not run",
        };
        if (r.Width > 0) timing += $" · {r.Width}×{r.Height}, {r.Segments}/{r.Clips} clips";
        (string? video, string? download) = r switch
        {
            { Status: JobStatus.Completed, OutputPath: not null } => ($"/jobs/{r.Id}/video.mp4", $"/jobs/{r.Id}/video.mp4?download=true"),
            { Segments: > 0 } => ($"/jobs/{r.Id}/partial.mp4", $"/jobs/{r.Id}/partial.mp4"),
            _ => (null, null),
        };
        string when = TimeZoneInfo.ConvertTime(r.SubmittedAt, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        string audio = r.SecondAudio is { } second ? $"{r.Audio.OriginalName} + {second.OriginalName}" : r.Audio.OriginalName;
        return new HistoryRow(r.Id, r.Status.ToString().ToLowerInvariant(), when, r.Image.Url, r.Image.OriginalName,
            audio, r.Parameters.Prompt, parameters, timing, video, download, !r.IsActive,
            r.Error is { } e2 ? $"{e2.Message} — {e2.Hint}" : null, r.MemoryPlan);
    }
}
