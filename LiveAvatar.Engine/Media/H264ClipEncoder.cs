using System.Globalization;

namespace LiveAvatar.Engine.Media;

/// <summary>Encodes a short run of RGB24 frames with x264 into MP4-ready access units, all in memory.</summary>
internal static class H264ClipEncoder
{
    internal sealed record Result(List<AccessUnit> AccessUnits, byte[] Sps, byte[] Pps);

    public static async Task<Result> EncodeAsync(
        IReadOnlyList<ReadOnlyMemory<byte>> frames, int width, int height, FfmpegTools tools, CancellationToken ct)
    {
        var frameBytes = width * height * 3;
        foreach (var f in frames)
            if (f.Length != frameBytes)
                throw new ArgumentException($"A frame must be {width}×{height}×3 = {frameBytes} bytes; got {f.Length}.");

        await using var child = ChildProcess.Start(tools.Ffmpeg,
        [
            "-nostdin", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}",
            "-r", Mp4VideoWriter.Fps.ToString(CultureInfo.InvariantCulture), "-i", "pipe:0",
            // No B-frames keeps pts = dts, so samples need no composition offsets; AUDs mark frame boundaries.
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-bf", "0",
            "-x264-params", "aud=1", "-f", "h264", "pipe:1",
        ], redirectStdin: true);

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writer = WriteAllAsync(child, frames, linked.Token);
        using var output = new MemoryStream();
        try
        {
            await child.Stdout.CopyToAsync(output, linked.Token).ConfigureAwait(false);
            await writer.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            child.Kill();
            throw;
        }
        catch (IOException)
        {
            // the write side broke because ffmpeg died; the exit code and stderr below explain it
        }
        var code = await child.WaitAsync(ct).ConfigureAwait(false);
        if (code != 0) throw new FfmpegException("ffmpeg", code, await child.StderrTailAsync().ConfigureAwait(false));

        var units = AnnexB.AccessUnits(output.ToArray(), out var sps, out var pps);
        if (sps is null || pps is null || units.Count == 0 || !units[0].IsKeyframe)
            throw new MediaException("x264 output lacks SPS/PPS or does not start with an IDR frame.");
        return new Result(units, sps, pps);
    }

    private static async Task WriteAllAsync(ChildProcess child, IReadOnlyList<ReadOnlyMemory<byte>> frames, CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            foreach (var f in frames) await child.Stdin.WriteAsync(f, ct).ConfigureAwait(false);
        }
        finally
        {
            try { await child.Stdin.DisposeAsync().ConfigureAwait(false); } catch (IOException) { }
        }
    }
}
