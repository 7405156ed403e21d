using System.Globalization;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// Streams RGB24 frames into ffmpeg and writes an H.264 yuv420p MP4 at 25 fps, muxed with the source audio as
/// AAC 192k and cut to the shorter stream (the original's save + mux, in one pass). ffmpeg writes to a hidden temp
/// file beside the target, renamed into place only after a clean exit, so the final name never holds half a video.
/// Disposing without <see cref="CompleteAsync"/> aborts: the child is killed and the temp file deleted.
/// </summary>
public sealed class Mp4VideoWriter : IAsyncDisposable
{
    public const int Fps = 25;
    private readonly ChildProcess _child;
    private readonly string _tempPath;
    private bool _finished;
    private bool _ffmpegEnded;

    private Mp4VideoWriter(ChildProcess child, string outputPath, string tempPath, int width, int height)
    {
        _child = child;
        OutputPath = outputPath;
        _tempPath = tempPath;
        Width = width;
        Height = height;
    }

    public string OutputPath { get; }
    public int Width { get; }
    public int Height { get; }
    public int FramesWritten { get; private set; }

    /// <param name="audioPath">Source audio (any format, first audio stream); null writes a silent video.</param>
    /// <param name="crf">x264 quality; 18 is visually lossless for talking heads.</param>
    public static async Task<Mp4VideoWriter> StartAsync(string outputPath, int width, int height, string? audioPath,
        FfmpegTools? tools = null, int crf = 18, string preset = "medium", CancellationToken ct = default)
    {
        tools ??= FfmpegTools.Default;
        if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0)
            throw new ArgumentException($"yuv420p needs positive even sides; got {width}×{height}.");
        var full = Path.GetFullPath(outputPath);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new MediaException($"The output folder '{dir}' does not exist.");
        double? audioSeconds = null;
        if (audioPath is not null)
        {
            InputFile.EnsureReadable(audioPath, "audio");
            var probe = await MediaProbe.ProbeAsync(audioPath, tools, ct).ConfigureAwait(false);
            var stream = probe.AudioStreams.FirstOrDefault()
                ?? throw new MediaException($"'{audioPath}' has no audio stream: ffprobe sees {probe.Describe()}.");
            audioSeconds = stream.Duration ?? probe.Duration;
        }
        var temp = Path.Combine(dir, $".{Path.GetFileNameWithoutExtension(full)}.{Guid.NewGuid():N}.partial.mp4");
        var fps = Fps.ToString(CultureInfo.InvariantCulture);
        var args = new List<string>
        {
            "-nostdin", "-v", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}", "-r", fps, "-i", "pipe:0",
        };
        if (audioPath is not null) args.AddRange(["-i", InputFile.FfmpegUrl(audioPath), "-map", "0:v:0", "-map", "1:a:0"]);
        // -shortest alone overshoots by the encoder's lookahead when the audio is the shorter stream (the original
        // muxes already-encoded video, where it is exact), so the video is trimmed to the audio length up front.
        if (audioSeconds is { } seconds)
            args.AddRange(["-vf", string.Create(CultureInfo.InvariantCulture, $"trim=duration={seconds:0.######}")]);
        args.AddRange(["-c:v", "libx264", "-preset", preset, "-crf", crf.ToString(CultureInfo.InvariantCulture),
            "-pix_fmt", "yuv420p", "-r", fps]);
        if (audioPath is not null) args.AddRange(["-c:a", "aac", "-b:a", "192k", "-shortest"]);
        args.AddRange(["-movflags", "+faststart", "-f", "mp4", "file:" + temp]);
        return new Mp4VideoWriter(ChildProcess.Start(tools.Ffmpeg, args, redirectStdin: true), full, temp, width, height);
    }

    public async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> rgb, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (rgb.Length != Width * Height * 3)
            throw new ArgumentException($"A frame must be {Width}×{Height}×3 = {Width * Height * 3} bytes; got {rgb.Length}.");
        // With -shortest ffmpeg stops once the audio runs out; later frames are past the cut and are dropped.
        if (_ffmpegEnded) return;
        try
        {
            await _child.Stdin.WriteAsync(rgb, ct).ConfigureAwait(false);
            FramesWritten++;
        }
        catch (IOException)
        {
            // ffmpeg closed the pipe: either -shortest ended it cleanly, or it failed and its stderr says why.
            if (await _child.WaitAsync(CancellationToken.None).ConfigureAwait(false) != 0) throw await FailAsync().ConfigureAwait(false);
            _ffmpegEnded = true;
        }
        catch (OperationCanceledException)
        {
            await AbortAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Ends the stream, waits for ffmpeg and moves the finished file to <see cref="OutputPath"/>.</summary>
    public async Task CompleteAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (FramesWritten == 0)
        {
            await AbortAsync().ConfigureAwait(false);
            throw new MediaException("No frames were written; refusing to create an empty video.");
        }
        try
        {
            await _child.Stdin.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // the pipe was already closed by ffmpeg; its exit code below decides
        }
        int code;
        try
        {
            code = await _child.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await AbortAsync().ConfigureAwait(false);
            throw;
        }
        if (code != 0) throw await FailAsync().ConfigureAwait(false);
        File.Move(_tempPath, OutputPath, overwrite: true);
        _finished = true;
        await _child.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_finished) await AbortAsync().ConfigureAwait(false);
    }

    private async Task<FfmpegException> FailAsync()
    {
        _child.Kill();
        var code = await _child.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        var tail = await _child.StderrTailAsync().ConfigureAwait(false);
        await AbortAsync().ConfigureAwait(false);
        return new FfmpegException("ffmpeg", code, tail);
    }

    private async Task AbortAsync()
    {
        if (_finished) return;
        _finished = true;
        await _child.DisposeAsync().ConfigureAwait(false);
        try { File.Delete(_tempPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
