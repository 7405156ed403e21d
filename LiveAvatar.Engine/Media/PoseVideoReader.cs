using FFMpegCore;
using FFMpegCore.Exceptions;
using FFMpegCore.Pipes;
using System.Threading.Channels;
using System.Globalization;
using System.Runtime.CompilerServices;

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
        IMediaAnalysis analysis;
        try
        {
            analysis = await FFProbe.AnalyseAsync(InputFile.ForFfmpeg(path, "pose video"), options.Tools.ForFfprobe(), "-pattern_type none", ct)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is FFProbeProcessException or FormatNullException)
        {
            throw new MediaException($"'{path}' is not a video ffmpeg can read: {FfmpegException.Quote(e is FFProbeProcessException p ? FfmpegException.Tail(p.StandardError) : e.Message)}", e);
        }
        var v = analysis.PrimaryVideoStream
            ?? throw new MediaException($"'{path}' has no video stream: the pose input must be a video of rendered poses (e.g. an MP4).");
        var format = analysis.Format.FormatName ?? "";
        if (format == "image2" || format.EndsWith("_pipe", StringComparison.Ordinal))
            throw new MediaException($"'{path}' is a still image ({format}); the pose input must be a video of rendered poses (e.g. an MP4).");
        if (v.Width is not > 0 || v.Height is not > 0) throw new MediaException($"'{path}': ffmpeg cannot read the size of its video stream.");
        var fps = v.AverageFrameRate is > 0 and < 1000 ? v.AverageFrameRate : v.RealFrameRate;
        if (!(fps > 0) || double.IsInfinity(fps))
            throw new MediaException($"'{path}': its video stream has no frame rate (a still image is not a pose video).");
        return new PoseVideoInfo(path, v.Width!.Value, v.Height!.Value, fps, Interval(fps));
    }

    /// <summary>k = max(1, round(fps / 25)), rounding halves to even as Python does.</summary>
    public static int Interval(double fps) => Math.Max(1, (int)Math.Round(fps / TargetFps, MidpointRounding.ToEven));

    /// <summary>Up to <paramref name="count"/> frames (0, k, 2k, …) as RGB24 bytes, one array per frame; at most
    /// two frames wait in memory while the caller works.</summary>
    public static async IAsyncEnumerable<byte[]> ReadFramesAsync(PoseVideoInfo info, int count, MediaOptions? options = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        options ??= MediaOptions.Default;
        var select = info.Interval == 1 ? "null" : $"select=not(mod(n\\,{info.Interval.ToString(CultureInfo.InvariantCulture)}))";
        var frameBytes = info.Width * info.Height * 3;
        var frames = Channel.CreateBounded<byte[]>(2);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // passthrough: every decoded frame reaches the filter once, so n counts the file's frames as decord does.
        var command = FFMpegArguments.FromFileInput(InputFile.ForFfmpeg(info.Path, "pose video"), false, o => o.WithCustomArgument("-noautorotate"))
            .OutputToPipe(new FramePipeSink(info.Path, frameBytes, frames.Writer, stop.Token), o => o.WithCustomArgument(
                $"-map 0:v:0 -vf {select},format=rgb24 -fps_mode passthrough -frames:v {count.ToString(CultureInfo.InvariantCulture)} -pix_fmt rgb24"));
        var run = Task.Run(async () =>
        {
            try { return await FfmpegRun.RunAsync(command, options.Tools, stop.Token).ConfigureAwait(false); }
            finally { frames.Writer.TryComplete(); }
        }, CancellationToken.None);
        var produced = 0;
        try
        {
            await foreach (var frame in frames.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                produced++;
                yield return frame;
                if (produced == count) break;
            }
        }
        finally
        {
            if (produced < count) await stop.CancelAsync().ConfigureAwait(false);
            try { await run.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
        var outcome = await run.ConfigureAwait(false);
        if (produced == 0 || (produced < count && !outcome.Succeeded))
            throw new MediaException($"'{info.Path}' could not be decoded as a pose video ({produced} frames): {FfmpegException.Quote(outcome.StderrTail)}");
    }

    // Cuts ffmpeg's raw RGB24 output into whole frames and hands each over as soon as it is complete. It stops on
    // `abandoned` (the reader gave up; ffmpeg is killed), never on FFMpegCore's token: that one is cancelled as soon
    // as ffmpeg exits, while frames can still be in the pipe or waiting for room in the channel (a slow consumer
    // got 2 of 10 frames).
    private sealed class FramePipeSink(string path, int frameBytes, ChannelWriter<byte[]> frames, CancellationToken abandoned) : IPipeSink
    {
        public string GetStreamArguments() => "-f rawvideo";

        public async Task ReadAsync(Stream inputStream, CancellationToken cancellationToken)
        {
            while (true)
            {
                var frame = new byte[frameBytes];
                var got = await inputStream.ReadAtLeastAsync(frame, frameBytes, throwOnEndOfStream: false, abandoned).ConfigureAwait(false);
                if (got == 0) return;
                if (got < frameBytes)
                    throw new MediaException($"'{path}' ended inside a frame ({got} of {frameBytes} bytes): the video is truncated or corrupt.");
                await frames.WriteAsync(frame, abandoned).ConfigureAwait(false);
            }
        }
    }
}
