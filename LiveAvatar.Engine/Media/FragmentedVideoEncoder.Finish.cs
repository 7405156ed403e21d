using System.Globalization;
using FFMpegCore;

namespace LiveAvatar.Engine.Media;

public sealed partial class FragmentedVideoEncoder
{
    /// <summary>
    /// Ends the input, waits for ffmpeg to close the last segments, and writes <see cref="OutputPath"/> as a stream
    /// copy of init + segments (no second encode), cut to the shorter of video and audio like the original's
    /// `-shortest` mux. The MP4 is written beside the target and renamed into place only when complete.
    /// Also used after a cancellation or failure: what was encoded so far still becomes a playable MP4.
    /// </summary>
    public async Task<IReadOnlyList<VideoSegment>> CompleteAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (FramesWritten == 0)
        {
            await DisposeAsync().ConfigureAwait(false);
            throw new MediaException("No frames were written; refusing to create an empty video.");
        }
        _source.Complete();
        _pcm?.Complete();
        var result = await _ffmpeg.WaitAsync(ct).ConfigureAwait(false);
        if (result.ExitCode != 0) throw await FailureAsync().ConfigureAwait(false);
        lock (_stderr)
            EncodedFrames = _stderr.Select(l => X264FrameSummary().Match(l)).Where(m => m.Success)
                .Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        var rest = await TakeSegmentsAsync(ListedSegments(), ct).ConfigureAwait(false);
        await WriteMp4Async(ct).ConfigureAwait(false);
        _finished = true;
        DeleteWorkFolder();
        return rest;
    }

    private async Task WriteMp4Async(CancellationToken ct)
    {
        // Init + segments, byte for byte, is itself a fragmented MP4; ffmpeg remuxes it from a file (its mp4 reader
        // needs to seek, which a pipe cannot).
        var stream = Path.Combine(WorkFolder, "stream.mp4");
        await using (var joined = File.Create(stream))
        {
            foreach (var part in Enumerable.Range(1, ListedSegments()).Select(SegmentPath).Prepend(Path.Combine(WorkFolder, "init.mp4")))
            {
                await using var input = File.OpenRead(part);
                await input.CopyToAsync(joined, ct).ConfigureAwait(false);
            }
        }
        var temp = Path.Combine(Path.GetDirectoryName(OutputPath)!,
            $".{Path.GetFileNameWithoutExtension(OutputPath)}.{Guid.NewGuid():N}.partial.mp4");
        var videoSeconds = FramesWritten / (double)Fps;
        // Live audio is exactly as long as the video, but the AAC encoder's last frames can overhang it: cut there.
        double? until = _audioSeconds is { } a && a < videoSeconds ? a : Settings.LiveAudio ? videoSeconds : null;
        var cut = until is { } t ? string.Create(CultureInfo.InvariantCulture, $" -t {t:0.######}") : "";
        var command = FFMpegArguments.FromFileInput(stream, verifyExists: true)
            .OutputToFile(temp, overwrite: true, o => o.WithCustomArgument($"-map 0 -c copy{cut} -movflags +faststart"));
        try
        {
            await FfmpegRun.RunCheckedAsync(command, Tools, ct).ConfigureAwait(false);
            File.Move(temp, OutputPath, overwrite: true);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>Aborts when not completed: ffmpeg is asked to quit (then killed) and the work folder removed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_finished) return;
        _finished = true;
        _source.Complete();
        _pcm?.Complete();
        if (!_ffmpeg.IsCompleted) _quit();
        try { await _ffmpeg.ConfigureAwait(false); } catch (OperationCanceledException) { } catch (IOException) { }
        DeleteWorkFolder();
    }

    private async Task<FfmpegException> FailureAsync()
    {
        int code;
        try { code = (await _ffmpeg.ConfigureAwait(false)).ExitCode; }
        catch (IOException) { code = -1; }
        string tail;
        lock (_stderr) tail = FfmpegException.Tail(_stderr, 1500);
        await DisposeAsync().ConfigureAwait(false);
        return new FfmpegException("ffmpeg", code, tail);
    }

    private void DeleteWorkFolder()
    {
        try { Directory.Delete(WorkFolder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
