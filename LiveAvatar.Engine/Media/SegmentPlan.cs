using System.Globalization;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// Where the preview's media segments are cut: the first after <see cref="FirstSegmentFrames"/> frames, then every
/// <see cref="FramesPerSegment"/>. It must match where the generator hands frames over (today a clip: 48 frames, the
/// first 3 short; with block streaming a 12-frame block, the first 3 short), because ffmpeg can only start a segment
/// on a keyframe and the keyframes are placed from this plan before the frames exist.
/// </summary>
public sealed record SegmentPlan(int FirstSegmentFrames, int FramesPerSegment)
{
    /// <summary>One segment per clip of <paramref name="clipFrames"/>, the first shortened by <paramref name="droppedFirst"/>.</summary>
    public static SegmentPlan PerClip(int clipFrames, int droppedFirst) => new(clipFrames - droppedFirst, clipFrames);

    /// <summary>True when a batch ending after frame <paramref name="endFrame"/> (exclusive) ends on a cut.</summary>
    public bool IsBoundary(long endFrame) =>
        endFrame == FirstSegmentFrames || endFrame > FirstSegmentFrames && (endFrame - FirstSegmentFrames) % FramesPerSegment == 0;

    /// <summary>ffmpeg's -force_key_frames expression: a keyframe at frame 0 and at every cut.</summary>
    internal string KeyframeExpression()
    {
        var f = FirstSegmentFrames.ToString(CultureInfo.InvariantCulture);
        var n = FramesPerSegment.ToString(CultureInfo.InvariantCulture);
        return $"expr:eq(n,0)+gte(n-{f},0)*eq(mod(n-{f},{n}),0)";
    }

    internal void Validate()
    {
        if (FirstSegmentFrames <= 0 || FramesPerSegment <= 0)
            throw new ArgumentException($"Segment lengths must be positive; got {FirstSegmentFrames} then {FramesPerSegment}.");
    }
}
