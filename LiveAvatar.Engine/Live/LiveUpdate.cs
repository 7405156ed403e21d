namespace LiveAvatar.Engine.Live;

/// <summary>What a live session reports, in order. Segments are fragmented-MP4 bytes for a MediaSource.</summary>
public abstract record LiveUpdate;

/// <summary>The models are loaded and audio is being taken: frames are <paramref name="Width"/>×<paramref name="Height"/>
/// at <paramref name="Fps"/>, generated in blocks of <paramref name="SamplesPerBlock"/> 16 kHz samples.</summary>
public sealed record LiveStarted(int Width, int Height, int Fps, int SamplesPerBlock, double AudioContextSeconds, bool Untrained) : LiveUpdate;

/// <summary>The fMP4 init segment and its MediaSource type; comes once, just before the first block.</summary>
public sealed record LiveInitSegment(byte[] Bytes, string MimeType) : LiveUpdate;

/// <summary>
/// Block <paramref name="Block"/> is encoded: its frames and their audio as one media segment. Latency runs from the
/// arrival of the block's last audio sample to this moment (the segment of a block closes when the next block's first
/// frame reaches the encoder, or when the session stops); <paramref name="Generation"/> is the sampler's share.
/// </summary>
public sealed record LiveBlockReady(int Block, int FirstFrame, int FrameCount, byte[] Segment, TimeSpan Latency, TimeSpan Generation,
    double QueuedAudioSeconds) : LiveUpdate;

/// <summary>The waiting audio crossed <see cref="LiveSessionLimits.BehindAfter"/> (Behind true: generation is slower than
/// real time and the queue grows) or fell back under it. <paramref name="Full"/>: the queue is at its cap and the
/// sender is being held back.</summary>
public sealed record LiveBehind(bool Behind, double QueuedAudioSeconds, bool Full) : LiveUpdate;

/// <summary>The session stopped and the recording (every block with its audio) is at <paramref name="RecordingPath"/> (null when no block was made).</summary>
public sealed record LiveEnded(string? RecordingPath, int Frames, TimeSpan Duration, int Blocks, TimeSpan? MeanLatency) : LiveUpdate;
