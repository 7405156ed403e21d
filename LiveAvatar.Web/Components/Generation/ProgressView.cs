using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Components.Generation;

/// <summary>Display text for a watched job: where it is (queue position or clip/block/step), how far, how long
/// to go, memory (in use, and what the memory profile picked), the error with its hint, and the last lines of its log.</summary>
public sealed record ProgressView(
    JobStatus Status, string Headline, string? Position, double Percent, string? Eta, string? Elapsed, string? Memory,
    IReadOnlyList<string> LogTail, string? Error, string? Hint, string? MemoryPlan = null)
{
    public const int TailLines = 12;
    private const double GiB = 1024d * 1024 * 1024;

    public bool IsActive => Status is JobStatus.Queued or JobStatus.Running;

    public static ProgressView From(JobRecord record, GenerationProgress? progress, int queuePosition)
    {
        string? position = null, eta = null, elapsed = null, memory = null;
        double percent = 0;
        string headline;
        switch (record.Status)
        {
            case JobStatus.Queued:
                headline = queuePosition switch
                {
                    <= 1 => "Queued: next to run",
                    int n => $"Queued: position {n}, {n - 1} job{(n == 2 ? "" : "s")} ahead",
                };
                break;
            case JobStatus.Running when progress is not null:
                headline = $"Generating clip {progress.Clip} of {progress.Clips}";
                position = $"Clip {progress.Clip}/{progress.Clips} · block {progress.Block}/{progress.Blocks} · step {progress.Step}/{progress.Steps}";
                percent = Math.Round(progress.Fraction * 100, 1);
                eta = progress.Eta is { } left ? $"ETA {DisplayFormat.Duration(left)}" : "ETA estimating…";
                elapsed = $"elapsed {DisplayFormat.Duration(progress.Elapsed)}";
                memory = progress.Memory.Count == 0 ? null : string.Join(", ", progress.Memory.Select(FormatMemory));
                break;
            case JobStatus.Running:
                headline = record.MimeType is null ? "Starting: loading inputs" : "Starting the first clip";
                break;
            case JobStatus.Completed:
                headline = $"Done: {record.OutputFrames} frames in {DisplayFormat.Duration(record.Elapsed ?? TimeSpan.Zero)}";
                percent = 100;
                if (record.TimeToFirstClip is { } first) elapsed = $"first clip after {DisplayFormat.Duration(first)}";
                break;
            case JobStatus.Failed:
                headline = "Failed" + (record.Error is { } e ? $" ({Describe(e.Kind)})" : "");
                break;
            case JobStatus.Cancelled:
                headline = $"Cancelled; {Kept(record)}";
                break;
            default:
                headline = $"Interrupted by a server restart; {Kept(record)}";
                break;
        }
        var tail = record.Log.Skip(Math.Max(0, record.Log.Count - TailLines)).ToList();
        return new ProgressView(record.Status, headline, position, percent, eta, elapsed, memory, tail,
            record.Error?.Message, record.Error?.Hint, record.MemoryPlan);
    }

    public static string Describe(GenerationErrorKind kind) => kind switch
    {
        GenerationErrorKind.BadInput => "bad input",
        GenerationErrorKind.OutOfMemory => "out of memory",
        GenerationErrorKind.MissingCheckpoint => "missing checkpoint file",
        GenerationErrorKind.Cancelled => "cancelled",
        _ => "internal error",
    };

    public static string FormatMemory(DeviceMemory m) =>
        $"{m.Device} {DisplayFormat.Number(m.AllocatedBytes / GiB, "0.0")}" +
        (m.TotalBytes is long total ? $" / {DisplayFormat.Number(total / GiB, "0.0")} GiB" : " GiB");

    // What a stopped run kept, in seconds of video (segments are blocks or clips depending on the sampler).
    private static string Kept(JobRecord record) => record switch
    {
        { PreviewFrames: > 0 } => $"{(record.PreviewFrames / record.Fps).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s of video kept",
        { Segments: > 0 } => $"{record.Segments} finished segment{(record.Segments == 1 ? "" : "s")} kept",
        _ => "nothing had finished yet",
    };
}
