using FFMpegCore.Pipes;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// Reads what ffmpeg writes to its output pipe, chunk by chunk, up to a cap. Past the cap it stops reading, so ffmpeg
/// fails on a closed pipe at once instead of decoding hours nobody will use; <see cref="Overflowed"/> tells the two
/// apart. What to do with the bytes is the subclass's.
/// </summary>
internal abstract class CappedPipeReader(string format, long maxBytes) : IPipeSink
{
    private long _read;

    public bool Overflowed { get; private set; }

    public string GetStreamArguments() => $"-f {format}";

    // FFMpegCore cancels the token it passes here as soon as ffmpeg exits, even when the pipe still holds the output's
    // last chunks (a reader slower than ffmpeg, e.g. under load, lost the tail). So the token is not used: the read
    // ends at the pipe's end, which comes when ffmpeg exits or is killed (our cancellation kills it, FfmpegRun).
    public async Task ReadAsync(Stream inputStream, CancellationToken cancellationToken)
    {
        var chunk = new byte[1 << 16];
        int n;
        while ((n = await inputStream.ReadAsync(chunk, CancellationToken.None).ConfigureAwait(false)) > 0)
        {
            _read += n;
            if (_read > maxBytes)
            {
                Overflowed = true;
                return;
            }
            Take(chunk.AsSpan(0, n));
        }
    }

    /// <summary>One chunk read within the cap.</summary>
    protected abstract void Take(ReadOnlySpan<byte> chunk);
}
