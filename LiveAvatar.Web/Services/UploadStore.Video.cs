using LiveAvatar.Engine.Media;

namespace LiveAvatar.Web.Services;

public sealed partial class UploadStore
{
    /// <summary>A pose video: ffprobe (through the engine's pose reader, the same check a job makes) must find a
    /// real video stream with a size and frame rate; its length and frame size are held to the limits.</summary>
    private async Task<StoredUpload> InspectVideoAsync(string id, string path, long bytes, string? name, CancellationToken ct)
    {
        PoseVideoInfo info;
        ProbeResult probe;
        try
        {
            info = await PoseVideoReader.InspectAsync(path, media, ct);
            probe = await MediaProbe.ProbeAsync(path, media.Tools, ct);
        }
        catch (MediaException e)
        {
            throw new UploadRejectedException(Scrub(e.Message, path));
        }
        if (info.Width > limits.MaxVideoSide || info.Height > limits.MaxVideoSide)
            throw new UploadRejectedException($"The pose video is {info.Width}×{info.Height}; at most {limits.MaxVideoSide} pixels a side " +
                "are accepted (its frames are scaled to the output size anyway).");
        var duration = TimeSpan.FromSeconds(probe.Duration ?? probe.VideoStreams.Select(v => v.Duration ?? 0).DefaultIfEmpty(0).Max());
        if (duration > limits.MaxVideoDuration)
            throw new UploadRejectedException($"The pose video is {DisplayFormat.Seconds(duration.TotalSeconds)} long; the limit is " +
                $"{DisplayFormat.Seconds(limits.MaxVideoDuration.TotalSeconds)}. Cut it to the part that drives the motion.");
        var (ext, type) = probe.FormatName switch
        {
            string f when f.Contains("mp4", StringComparison.Ordinal) => (".mp4", "video/mp4"),
            string f when f.Contains("webm", StringComparison.Ordinal) => (".webm", "video/webm"),
            string f when f.Contains("matroska", StringComparison.Ordinal) => (".mkv", "video/x-matroska"),
            "avi" => (".avi", "video/x-msvideo"),
            "gif" => (".gif", "image/gif"),
            _ => (".video", "application/octet-stream"),
        };
        return new StoredUpload(id, UploadKind.Video, id + ext, type, DisplayName(name), bytes, info.Width, info.Height,
            VideoSeconds: Math.Round(duration.TotalSeconds, 3), VideoFps: Math.Round(info.Fps, 3));
    }
}
