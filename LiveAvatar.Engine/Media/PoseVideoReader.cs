using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace LiveAvatar.Engine.Media;

/// <summary>A pose video as ffprobe sees it, and the frame step the original samples it with.</summary>
public sealed record PoseVideoInfo(string Path, int Width, int Height, double Fps, int Interval);

/// <summary>
/// Reads a rendered pose video (DWPose-style skeletons) the way the original's read_last_n_frames(reverse=True)
/// does: despite its name that call starts at frame 0 and keeps frames 0, k, 2k, … in forward order, with
/// k = max(1, round(fps / 25)) (Python's round: halves go to even), stopping at n frames or the end of the video.
/// Frames come out as packed RGB24 at the video's own size; resizing and cropping are the caller's (torchvision's
/// tensor Resize is what the original uses). Kept apart from the other loaders so the media layer can move to
/// FFMpegCore without touching it.
/// </summary>
public static class PoseVideoReader
{
    public const double TargetFps = 25;

    public static async Task<PoseVideoInfo> InspectAsync(string path, MediaOptions? options = null, CancellationToken ct = default)
    {
        options ??= MediaOptions.Default;
        InputFile.EnsureReadable(path, "pose video");
        var r = await FfmpegRunner.RunAsync(options.Tools.Ffprobe,
            ["-v", "error", "-select_streams", "v:0", "-of", "json", "-show_entries", "stream=width,height,avg_frame_rate,r_frame_rate,codec_name:format=format_name",
             InputFile.FfmpegUrl(path)], ct).ConfigureAwait(false);
        if (r.ExitCode != 0)
            throw new MediaException($"'{path}' is not a video ffmpeg can read: {FfmpegException.Quote(r.StderrTail)}");
        using var doc = JsonDocument.Parse(r.Stdout);
        var streams = doc.RootElement.TryGetProperty("streams", out var s) ? s.EnumerateArray().ToList() : [];
        if (streams.Count == 0)
            throw new MediaException($"'{path}' has no video stream: the pose input must be a video of rendered poses (e.g. an MP4).");
        var format = doc.RootElement.TryGetProperty("format", out var fe) && fe.TryGetProperty("format_name", out var fn) ? fn.GetString() ?? "" : "";
        if (format == "image2" || format.EndsWith("_pipe", StringComparison.Ordinal))
            throw new MediaException($"'{path}' is a still image ({format}); the pose input must be a video of rendered poses (e.g. an MP4).");
        var v = streams[0];
        int w = v.TryGetProperty("width", out var we) ? we.GetInt32() : 0, h = v.TryGetProperty("height", out var he) ? he.GetInt32() : 0;
        if (w <= 0 || h <= 0) throw new MediaException($"'{path}': ffmpeg cannot read the size of its video stream.");
        var fps = Rate(v, "avg_frame_rate") ?? Rate(v, "r_frame_rate")
            ?? throw new MediaException($"'{path}': its video stream has no frame rate (a still image is not a pose video).");
        return new PoseVideoInfo(path, w, h, fps, Interval(fps));
    }

    /// <summary>k = max(1, round(fps / 25)), rounding halves to even as Python does.</summary>
    public static int Interval(double fps) => Math.Max(1, (int)Math.Round(fps / TargetFps, MidpointRounding.ToEven));

    /// <summary>Up to <paramref name="count"/> frames (0, k, 2k, …) as RGB24 bytes, one array per frame.</summary>
    public static async IAsyncEnumerable<byte[]> ReadFramesAsync(PoseVideoInfo info, int count, MediaOptions? options = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        options ??= MediaOptions.Default;
        var select = info.Interval == 1 ? "null" : $"select=not(mod(n\\,{info.Interval.ToString(CultureInfo.InvariantCulture)}))";
        // passthrough: every decoded frame reaches the filter once, so n counts the file's frames as decord does.
        await using var child = ChildProcess.Start(options.Tools.Ffmpeg,
            ["-nostdin", "-v", "error", "-noautorotate", "-i", InputFile.FfmpegUrl(info.Path), "-map", "0:v:0", "-vf", select + ",format=rgb24",
             "-fps_mode", "passthrough", "-frames:v", count.ToString(CultureInfo.InvariantCulture), "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        var frameBytes = info.Width * info.Height * 3;
        var produced = 0;
        while (produced < count)
        {
            var frame = new byte[frameBytes];
            var got = await child.Stdout.ReadAtLeastAsync(frame, frameBytes, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (got == 0) break;
            if (got < frameBytes)
                throw new MediaException($"'{info.Path}' ended inside a frame ({got} of {frameBytes} bytes): the video is truncated or corrupt.");
            produced++;
            yield return frame;
        }
        var code = await child.WaitAsync(ct).ConfigureAwait(false);
        if (code != 0 || produced == 0)
            throw new MediaException($"'{info.Path}' could not be decoded as a pose video ({produced} frames): {FfmpegException.Quote(await child.StderrTailAsync().ConfigureAwait(false))}");
    }

    private static double? Rate(JsonElement v, string name)
    {
        if (!v.TryGetProperty(name, out var e) || e.GetString() is not { } text) return null;
        var parts = text.Split('/');
        if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var num)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var den) || den == 0 || num <= 0) return null;
        return num / den;
    }
}
