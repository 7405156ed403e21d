namespace LiveAvatar.Engine.Media;

/// <summary>Collects what ffmpeg writes to its output pipe, up to a cap (<see cref="CappedPipeReader"/>).</summary>
internal sealed class CappedPipeSink(string format, long maxBytes) : CappedPipeReader(format, maxBytes)
{
    private readonly MemoryStream _buffer = new();

    public ReadOnlySpan<byte> Bytes => _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length);

    protected override void Take(ReadOnlySpan<byte> chunk) => _buffer.Write(chunk);
}
