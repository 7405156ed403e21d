namespace LiveAvatar.Engine.Media;

/// <summary>Counts what ffmpeg writes to its output pipe through one small buffer, up to a cap
/// (<see cref="CappedPipeReader"/>), so measuring a long file keeps memory flat.</summary>
internal sealed class CountingPipeSink(string format, long maxBytes) : CappedPipeReader(format, maxBytes)
{
    public long Count { get; private set; }

    protected override void Take(ReadOnlySpan<byte> chunk) => Count += chunk.Length;
}
