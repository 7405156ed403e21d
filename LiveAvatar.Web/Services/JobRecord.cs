using LiveAvatar.Engine.Pipelines;

namespace LiveAvatar.Web.Services;

public enum JobStatus { Queued, Running, Completed, Failed, Cancelled, Interrupted }

/// <summary>The form's values for one run, enough to regenerate it.</summary>
public sealed record JobParameters
{
    public string Prompt { get; init; } = "";
    public string ImageId { get; init; } = "";
    public string AudioId { get; init; } = "";
    public string Size { get; init; } = GenerationDefaults.Size;
    public int NumClip { get; init; } = GenerationDefaults.PageNumClip;
    public int SampleSteps { get; init; } = GenerationDefaults.SampleSteps;
    public double GuideScale { get; init; } = GenerationDefaults.GuideScale;
    public int InferFrames { get; init; } = GenerationDefaults.InferFrames;
    public long Seed { get; init; } = GenerationDefaults.Seed;
    public bool OnlineDecode { get; init; }
    public bool VaeParallel { get; init; }
    public bool Fp8 { get; init; }

    /// <summary>The GPU memory budget the engine plans for; runs recorded before profiles existed load as auto.</summary>
    public MemoryProfile MemoryProfile { get; init; } = MemoryProfile.Auto;

    public bool LoraEnabled { get; init; } = GenerationDefaults.LoadLora;

    /// <summary>A LoRA file's name in the checkpoint folder's list (<see cref="LoraCatalog"/>); null: the default.</summary>
    public string? LoraPath { get; init; }

    /// <summary>An uploaded pose video (rendered skeletons) that drives the body; null: none (runs before pose
    /// videos were taken have none).</summary>
    public string? PoseVideoId { get; init; }

    /// <summary>The second speaker's audio; with it the run has two speakers and needs a mask for each.</summary>
    public string? SecondAudioId { get; init; }

    /// <summary>Each speaker marked on the picture (the page's clicks, the API's speaker_points), in speaker order;
    /// the masks are painted from these when the job is queued.</summary>
    public IReadOnlyList<SpeakerMark>? SpeakerMarks { get; init; }

    /// <summary>Or mask images uploaded through the API (speaker_masks), in speaker order.</summary>
    public IReadOnlyList<string>? SpeakerMaskIds { get; init; }
}

public sealed record JobError(GenerationErrorKind Kind, string Message, string Hint);

/// <summary>Everything a run keeps: inputs, parameters, geometry, output, timing and the tail of its log.
/// Stored as data/jobs/&lt;id&gt;/job.json; this is also the history entry.</summary>
public sealed record JobRecord
{
    public required string Id { get; init; }
    public required JobParameters Parameters { get; init; }
    public required StoredUpload Image { get; init; }
    public required StoredUpload Audio { get; init; }

    /// <summary>The optional conditioning inputs (null in records written before they existed).</summary>
    public StoredUpload? PoseVideo { get; init; }
    public StoredUpload? SecondAudio { get; init; }
    public IReadOnlyList<StoredUpload>? SpeakerMasks { get; init; }

    /// <summary>The client that submitted the run; only it (or a key holder) may cancel or delete it. Null for runs
    /// recorded before owners were kept: anyone on the server may manage those.</summary>
    public string? OwnerId { get; init; }

    public JobStatus Status { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public int Clips { get; init; }
    public int TotalFrames { get; init; }
    public double Fps { get; init; } = VideoTiming.Fps;
    public string? MimeType { get; init; }
    public bool Untrained { get; init; }

    /// <summary>Media segments on disk (seg-0001.m4s ..), one per finished clip or block, in order.</summary>
    public int Segments { get; init; }

    /// <summary>Video frames those segments hold, so the page can say how much of the video is ready.</summary>
    public int PreviewFrames { get; init; }

    public string? OutputPath { get; init; }
    public int OutputFrames { get; init; }
    public TimeSpan? Elapsed { get; init; }
    public TimeSpan? TimeToFirstClip { get; init; }
    public JobError? Error { get; init; }

    /// <summary>What the engine's memory profile decided when the job started (<see cref="LiveAvatar.Engine.Generation.MemoryPlan.Summary"/>),
    /// so the page and the API can say what auto picked; null until then, and for runs before profiles existed.</summary>
    public string? MemoryPlan { get; init; }

    public IReadOnlyList<string> Log { get; init; } = [];

    /// <summary>Every upload this run uses, so clean-up keeps them while the run is in the history.</summary>
    public IEnumerable<string> UploadIds =>
        new[] { Image.Id, Audio.Id, PoseVideo?.Id, SecondAudio?.Id }.Concat((SpeakerMasks ?? []).Select(m => m.Id)).OfType<string>();

    public bool IsActive => Status is JobStatus.Queued or JobStatus.Running;
    public bool HasPreview => MimeType is not null;
}
