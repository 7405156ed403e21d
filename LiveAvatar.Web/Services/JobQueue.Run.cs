using System.Globalization;
using LiveAvatar.Engine.Pipelines;
using Microsoft.Extensions.Logging;

namespace LiveAvatar.Web.Services;

public sealed partial class JobQueue
{
    private async Task RunJobAsync(Job job, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(job.Cancellation.Token, stopping);
        try
        {
            await foreach (var update in generator!.GenerateAsync(job.Request, linked.Token))
            {
                await ApplyAsync(job, update);
            }
            if (job.Record.Status == JobStatus.Running)
                Fail(job, new JobError(GenerationErrorKind.Internal,
                    "The generator ended the job without a result.", ErrorHints.Internal));
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            var status = stopping.IsCancellationRequested ? JobStatus.Interrupted : JobStatus.Cancelled;
            history.TrySave(job.Update(r => r with
            {
                Status = status,
                FinishedAt = time.GetUtcNow(),
                Log = Job.Append(r.Log, $"{Stamp()} {status.ToString().ToLowerInvariant()} after {r.Segments} finished segment(s) ({r.PreviewFrames} frames)"),
            }), logger);
        }
        catch (GenerationException e) when (e.Kind == GenerationErrorKind.Cancelled)
        {
            history.TrySave(job.Update(r => r with
            {
                Status = JobStatus.Cancelled,
                FinishedAt = time.GetUtcNow(),
                Log = Job.Append(r.Log, $"{Stamp()} cancelled: {ErrorText.ForClient(e.Message, folders)}"),
            }), logger);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {Id} failed", job.Id);
            Fail(job, ErrorFor(e));
        }
    }

    public const string DiskFullHint =
        "Free space on the disk that holds the data folder (delete old runs from the history), then submit again.";

    /// <summary>What the page and the API show for a failure: a full disk says so; nothing names server paths or
    /// memory addresses.</summary>
    private JobError ErrorFor(Exception e)
    {
        if (DiskSpace.IsDiskFull(e))
            return new JobError(GenerationErrorKind.Internal,
                $"{DiskSpace.DiskFullTitle}: the data folder has no space left, so the job stopped; finished clips stay playable.", DiskFullHint);
        var error = ErrorHints.From(e);
        return error with { Message = ErrorText.ForClient(error.Message, folders), Hint = ErrorText.ForClient(error.Hint, folders) };
    }

    /// <summary>Marks the job failed. Never throws: on a full disk the record stays right in memory (and on the
    /// page) even though it cannot be written.</summary>
    private void Fail(Job job, JobError error)
    {
        LastError = error;
        LastErrorAt = time.GetUtcNow();
        history.TrySave(job.Update(r => r with
        {
            Status = JobStatus.Failed,
            FinishedAt = time.GetUtcNow(),
            Error = error,
            Log = Job.Append(r.Log, $"{Stamp()} failed ({error.Kind}): {error.Message}"),
        }), logger);
    }

    private async Task ApplyAsync(Job job, GenerationUpdate update)
    {
        switch (update)
        {
            case GenerationStarted s:
                string stamp = Stamp();
                history.Save(job.Update(r =>
                {
                    var log = Job.Append(r.Log, $"{stamp} {s.Width}×{s.Height}, {s.Clips} clip(s), {s.TotalFrames} frames " +
                        $"at {s.Fps.ToString(CultureInfo.InvariantCulture)} fps" + (s.Untrained ? " (untrained demo weights)" : ""));
                    // What the memory profile picked (auto says which budget it chose and why) goes under the geometry
                    // line, as the CLI prints it.
                    if (s.Memory is { } plan) log = Job.Append(log, $"{stamp} {plan.Summary}");
                    return r with
                    {
                        Width = s.Width, Height = s.Height, Clips = s.Clips, TotalFrames = s.TotalFrames, Fps = s.Fps,
                        Untrained = s.Untrained, MemoryPlan = s.Memory?.Summary, Log = log,
                    };
                }));
                break;
            case PreviewReady preview:
                // The init segment is on disk before the record names a type, so the player never fetches a missing one.
                await AtomicFile.WriteAllBytesAsync(folders.InitSegmentPath(job.Id), preview.InitSegment);
                history.Save(job.Update(r => r with { MimeType = preview.MimeType }));
                break;
            case GenerationProgress p:
                job.Update(r => string.IsNullOrWhiteSpace(p.Message) || r.Log.Count > 0 && r.Log[^1].EndsWith(p.Message, StringComparison.Ordinal)
                    ? r
                    : r with { Log = Job.Append(r.Log, $"{Stamp()} clip {p.Clip}/{p.Clips} block {p.Block}/{p.Blocks} step {p.Step}/{p.Steps}: {p.Message}") },
                    p);
                break;
            case ClipReady c:
                int number = job.Record.Segments + 1;
                await AtomicFile.WriteAllBytesAsync(folders.SegmentPath(job.Id, number), c.Segment);
                history.Save(job.Update(r => r with
                {
                    Segments = number,
                    PreviewFrames = r.PreviewFrames + c.FrameCount,
                    Log = Job.Append(r.Log, $"{Stamp()} segment {c.Index + 1} ready: frames {c.FirstFrame}–{c.FirstFrame + c.FrameCount - 1} " +
                        $"after {DisplayFormat.Duration(c.Elapsed)}"),
                }));
                break;
            case GenerationCompleted done:
                history.Save(job.Update(r => r with
                {
                    Status = JobStatus.Completed,
                    FinishedAt = time.GetUtcNow(),
                    OutputPath = done.VideoPath,
                    OutputFrames = done.Frames,
                    Elapsed = done.Elapsed,
                    TimeToFirstClip = done.TimeToFirstClip,
                    Untrained = done.Untrained,
                    Log = Job.Append(r.Log, $"{Stamp()} done: {done.Frames} frames in {DisplayFormat.Duration(done.Elapsed)}"),
                }));
                break;
        }
    }

    private string Stamp() => time.GetLocalNow().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
