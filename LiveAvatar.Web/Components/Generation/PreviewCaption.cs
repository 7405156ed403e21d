using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Components.Generation;

/// <summary>What the live preview holds, in seconds of video rather than clips: the engine may send one segment per
/// clip or one per 12-frame block, and the person only cares how much is ready.</summary>
public static class PreviewCaption
{
    public static string For(JobRecord? record) => record switch
    {
        null => "The video plays here while it is made: each finished part joins the preview as soon as it is encoded.",
        { HasPreview: false, IsActive: true } => "Waiting for the first frames…",
        { HasPreview: false } => "This run has no preview.",
        { Segments: 0, IsActive: true } => "Rendering the first frames…",
        { Segments: 0 } => "No part of this run finished.",
        var r => Ready(r) + (r.Untrained ? " (demo weights: the picture is noise, the timing is real)" : ""),
    };

    private static string Ready(JobRecord r)
    {
        string parts = $"{r.Segments} part{(r.Segments == 1 ? "" : "s")}";
        if (r.PreviewFrames <= 0 || r.TotalFrames <= 0) return $"{parts} in the preview";
        double ready = Math.Min(r.PreviewFrames, r.TotalFrames) / (r.Fps > 0 ? r.Fps : VideoTiming.Fps);
        double total = r.TotalFrames / (r.Fps > 0 ? r.Fps : VideoTiming.Fps);
        return $"{DisplayFormat.Seconds(ready)} of {DisplayFormat.Seconds(total)} ready ({parts})";
    }
}
