namespace LiveAvatar.Engine.Generation;

/// <summary>What a running job reports, in order: Started, then Progress, PreviewReady (once) and ClipReady interleaved,
/// then Completed.
/// Failures end the stream with a <see cref="GenerationException"/>; clips already reported stay valid.</summary>
public abstract record GenerationUpdate;

/// <summary>The job's geometry, known once inputs are decoded.</summary>
public sealed record GenerationStarted(
    int Width, int Height, int Clips, int TotalFrames, double Fps, bool Untrained) : GenerationUpdate
{
    /// <summary>What the memory profile decided for this job (its <see cref="MemoryPlan.Summary"/> is for the log).</summary>
    public MemoryPlan? Memory { get; init; }
}

/// <summary>The live preview's fMP4 init segment and MediaSource type. ffmpeg writes them with the first media
/// segment (the encoder must have seen frames to describe its stream), so this comes just before the first ClipReady.</summary>
public sealed record PreviewReady(byte[] InitSegment, string MimeType) : GenerationUpdate;

public sealed record DeviceMemory(string Device, long AllocatedBytes, long? TotalBytes);

/// <summary>Position inside the job: clip, block and denoising step (1-based for display), timing and memory.</summary>
public sealed record GenerationProgress(
    int Clip, int Clips, int Block, int Blocks, int Step, int Steps,
    TimeSpan Elapsed, TimeSpan? Eta, IReadOnlyList<DeviceMemory> Memory, string Message) : GenerationUpdate
{
    /// <summary>Fraction of denoising work done, 0..1.</summary>
    public double Fraction => Clips * Blocks * Steps == 0 ? 0
        : ((double)(Clip - 1) * Blocks * Steps + (Block - 1) * Steps + Step) / ((double)Clips * Blocks * Steps);
}

/// <summary>A finished clip: its frames as one fragmented-MP4 media segment (append after the init segment) and,
/// when the job writes them, the frame range it covers in the final video.</summary>
public sealed record ClipReady(int Index, int FirstFrame, int FrameCount, byte[] Segment, TimeSpan Elapsed) : GenerationUpdate;

public sealed record GenerationCompleted(string VideoPath, int Frames, double Fps, TimeSpan Elapsed,
    TimeSpan TimeToFirstClip, bool Untrained) : GenerationUpdate;
