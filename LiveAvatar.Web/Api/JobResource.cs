using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Api;

/// <summary>A job as clients see it (API and /api/jobs): state, parameters, progress, timings and URLs. No server
/// paths and no owner id: those stay on the server. MemoryPlan is what the memory profile picked, once the job has
/// started.</summary>
public sealed record JobResource(
    string Id, string Status, int? Position, DateTimeOffset SubmittedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    JobResourceParameters Parameters, JobResourceInput Image, JobResourceInput Audio, JobResourceVideo? Video,
    JobResourceProgress? Progress, JobResourceError? Error, bool Untrained, IReadOnlyList<string> Log, JobResourceLinks Links,
    JobResourceInput? PoseVideo = null, JobResourceInput? SecondAudio = null, IReadOnlyList<JobResourceSpeaker>? Speakers = null,
    string? MemoryPlan = null)
{
    public static JobResource From(JobRecord r, GenerationProgress? progress = null, int position = -1)
    {
        string self = ApiRoutes.Job(r.Id);
        return new JobResource(
            r.Id, r.Status.ToString().ToLowerInvariant(), position >= 0 ? position : null, r.SubmittedAt, r.StartedAt, r.FinishedAt,
            new JobResourceParameters(r.Parameters.Prompt, r.Parameters.Size, r.Parameters.NumClip, r.Parameters.SampleSteps,
                r.Parameters.GuideScale, r.Parameters.InferFrames, r.Parameters.Seed, r.Parameters.OnlineDecode,
                r.Parameters.VaeParallel, r.Parameters.Fp8, r.Parameters.LoraEnabled, r.Parameters.LoraPath,
                MemoryProfiles.Name(r.Parameters.MemoryProfile)),
            new JobResourceInput(r.Image.OriginalName, r.Image.ContentType, r.Image.Bytes, r.Image.Width, r.Image.Height, null),
            new JobResourceInput(r.Audio.OriginalName, r.Audio.ContentType, r.Audio.Bytes, 0, 0, Math.Round(r.Audio.Duration.TotalSeconds, 3)),
            r.HasPreview ? new JobResourceVideo(r.Width, r.Height, r.Clips, r.TotalFrames, r.Fps, r.MimeType!, r.Segments,
                r.Status == JobStatus.Completed ? r.OutputFrames : null,
                r.Elapsed?.TotalSeconds, r.TimeToFirstClip?.TotalSeconds) : null,
            progress is not null && r.Status == JobStatus.Running ? JobResourceProgress.From(progress) : null,
            r.Error is { } e ? new JobResourceError(e.Kind.ToString(), e.Message, e.Hint) : null,
            r.Untrained, r.Log,
            new JobResourceLinks(self, self + "/events", self + "/video",
                r.HasPreview ? $"/jobs/{r.Id}/init.mp4" : null, r.HasPreview ? $"/jobs/{r.Id}/seg/{{n}}" : null),
            r.PoseVideo is { } pose ? new JobResourceInput(pose.OriginalName, pose.ContentType, pose.Bytes, pose.Width, pose.Height,
                Math.Round(pose.Duration.TotalSeconds, 3)) : null,
            r.SecondAudio is { } b ? new JobResourceInput(b.OriginalName, b.ContentType, b.Bytes, 0, 0, Math.Round(b.Duration.TotalSeconds, 3)) : null,
            SpeakersOf(r), r.MemoryPlan);
    }

    /// <summary>Where each speaker is: the marked circle in picture pixels, or the name of the mask image sent.</summary>
    private static IReadOnlyList<JobResourceSpeaker>? SpeakersOf(JobRecord r)
    {
        if (r.SpeakerMasks is { Count: > 0 } masks) return masks.Select(m => new JobResourceSpeaker(null, null, null, m.OriginalName)).ToList();
        return r.Parameters.SpeakerMarks?.Select(m => m.InPixels(r.Image.Width, r.Image.Height))
            .Select(p => new JobResourceSpeaker(Math.Round(p.X, 1), Math.Round(p.Y, 1), Math.Round(p.Radius, 1), null)).ToList();
    }
}

/// <summary>One speaker of a two-speaker job: a marked circle (x, y, radius in picture pixels) or a mask image.</summary>
public sealed record JobResourceSpeaker(double? X, double? Y, double? Radius, string? Mask);

/// <param name="MemoryProfile">As the form field takes it: auto, 24, 48 or 80.</param>
public sealed record JobResourceParameters(string Prompt, string Size, int NumClip, int SampleSteps, double GuideScale,
    int InferFrames, long Seed, bool OnlineDecode, bool VaeParallel, bool Fp8, bool LoraEnabled, string? Lora, string MemoryProfile);

public sealed record JobResourceInput(string Name, string ContentType, long Bytes, int Width, int Height, double? DurationSeconds);

public sealed record JobResourceVideo(int Width, int Height, int Clips, int TotalFrames, double Fps, string MimeType,
    int SegmentsReady, int? OutputFrames, double? ElapsedSeconds, double? TimeToFirstClipSeconds);

public sealed record JobResourceProgress(int Clip, int Clips, int Block, int Blocks, int Step, int Steps, double Fraction,
    double ElapsedSeconds, double? EtaSeconds)
{
    public static JobResourceProgress From(GenerationProgress p) => new(p.Clip, p.Clips, p.Block, p.Blocks, p.Step, p.Steps,
        Math.Round(p.Fraction, 4), Math.Round(p.Elapsed.TotalSeconds, 2), p.Eta is { } eta ? Math.Round(eta.TotalSeconds, 1) : null);
}

public sealed record JobResourceError(string Kind, string Message, string Hint);

public sealed record JobResourceLinks(string Self, string Events, string Video, string? InitSegment, string? Segment);

public static class ApiRoutes
{
    public const string Prefix = "/api/v1";
    public static string Job(string id) => $"{Prefix}/jobs/{id}";
}
