using FFMpegCore.Pipes;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// Counts what ffmpeg writes to its output pipe through one small buffer, up to a cap, so measuring a long file
/// keeps memory flat. Past the cap it stops reading (ffmpeg then fails on the closed pipe); <see cref="Overflowed"/>
/// tells the two apart.
/// </summary>
internal sealed class CountingPipeSink(string format, long maxBytes) : IPipeSink
{
    public long Count { get; private set; }

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
            Count += n;
            if (Count > maxBytes)
            {
                Overflowed = true;
                return;
            }
        }
    }
}
