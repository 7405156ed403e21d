using System.Globalization;
using LiveAvatar.Engine.Live;
using LiveAvatar.Web.Api;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Live;

public sealed partial class LiveSocketSession
{
    /// <summary>Stores a session that made video as a completed run (its audio becomes the run's audio upload, so the
    /// history can show and regenerate it like any job) and returns the "stopped" event.</summary>
    private async Task<LiveEvent> SaveRecordingAsync(LiveRun run, LiveEnded ended, string wavPath, CancellationToken ct)
    {
        var stopped = new LiveEvent("stopped")
        {
            SessionId = run.Id, Frames = ended.Frames, DurationSeconds = Math.Round(ended.Duration.TotalSeconds, 3), Blocks = ended.Blocks,
            MeanLatencyMs = ended.MeanLatency is { } l ? Math.Round(l.TotalMilliseconds, 1) : null,
        };
        if (ended.RecordingPath is null) return stopped with { Message = "No audio arrived, so there is no recording." };
        StoredUpload audio;
        await using (var wav = File.OpenRead(wavPath))
            audio = await uploads.SaveAsync(UploadKind.Audio, wav, "live-audio.wav", ct);
        var now = time.GetUtcNow();
        var p = run.Request;
        var stamp = now.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        history.Save(new JobRecord
        {
            Id = run.Id,
            Parameters = new JobParameters
            {
                Prompt = p.Prompt, ImageId = run.Image.Id, AudioId = audio.Id, Size = p.Size, SampleSteps = p.SampleSteps,
                InferFrames = p.InferFrames, Seed = p.Seed, NumClip = Math.Max(1, (ended.Frames + p.InferFrames - 1) / p.InferFrames),
                OnlineDecode = true,
            },
            Image = run.Image,
            Audio = audio,
            OwnerId = client.Id,
            Status = JobStatus.Completed,
            SubmittedAt = run.StartedAt,
            StartedAt = run.StartedAt,
            FinishedAt = now,
            Width = run.Width,
            Height = run.Height,
            Clips = ended.Blocks,
            TotalFrames = ended.Frames,
            MimeType = run.MimeType,
            Untrained = run.Untrained,
            Segments = ended.Blocks,
            PreviewFrames = ended.Frames,
            OutputPath = ended.RecordingPath,
            OutputFrames = ended.Frames,
            Elapsed = now - run.StartedAt,
            TimeToFirstClip = run.FirstBlockAfter,
            Log = [$"{stamp} live session: {ended.Blocks} blocks, {ended.Frames} frames" +
                   (ended.MeanLatency is { } m ? $", mean latency {m.TotalMilliseconds:0} ms from audio to video" : "")],
        });
        return stopped with { RecordingUrl = ApiRoutes.Job(run.Id) + "/video", JobUrl = ApiRoutes.Job(run.Id) };
    }
}
