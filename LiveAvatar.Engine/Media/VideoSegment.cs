namespace LiveAvatar.Engine.Media;

/// <summary>One fragmented-MP4 media segment as ffmpeg's HLS muxer wrote it: frames [FirstFrame, +FrameCount) of the
/// video with their slice of the audio, to append to a MediaSource after the init segment.</summary>
public sealed record VideoSegment(int Number, int FirstFrame, int FrameCount, byte[] Bytes);

/// <summary>How a job's video is encoded. Crf 18 is visually lossless for talking heads.</summary>
/// <param name="AudioPath">Source audio (any format ffmpeg reads, first audio stream); null makes a silent video
/// unless <see cref="LiveAudio"/> is set.</param>
public sealed record VideoEncoderSettings(int Width, int Height, string? AudioPath, SegmentPlan Segments,
    int Crf = 18, string Preset = "medium")
{
    /// <summary>The audio arrives with the frames (16 kHz mono, each batch's own samples; a live session) instead of
    /// from a file.</summary>
    public bool LiveAudio { get; init; }

    internal bool HasAudio => AudioPath is not null || LiveAudio;
}
