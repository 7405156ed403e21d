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

    public async Task ReadAsync(Stream inputStream, CancellationToken cancellationToken)
    {
        var chunk = new byte[1 << 16];
        int n;
        while ((n = await inputStream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
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
