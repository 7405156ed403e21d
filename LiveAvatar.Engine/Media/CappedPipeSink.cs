using FFMpegCore.Pipes;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// Collects what ffmpeg writes to its output pipe, up to a cap. Past the cap it stops reading, so ffmpeg fails on a
/// closed pipe at once instead of decoding hours nobody will use; <see cref="Overflowed"/> tells the two apart.
/// </summary>
internal sealed class CappedPipeSink(string format, long maxBytes) : IPipeSink
{
    private readonly MemoryStream _buffer = new();

    public bool Overflowed { get; private set; }

    public ReadOnlySpan<byte> Bytes => _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length);

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
            if (_buffer.Length + n > maxBytes)
            {
                Overflowed = true;
                return;
            }
            _buffer.Write(chunk, 0, n);
        }
    }
}
