namespace LiveAvatar.Web.Services;

/// <summary>Several files read as one seekable stream, so a concatenation (init segment + media segments = a
/// playable fragmented MP4) can be served with range requests without copying it anywhere first.</summary>
public sealed class ConcatenatedFileStream : Stream
{
    private readonly string[] paths;
    private readonly long[] starts;
    private FileStream? current;
    private int currentIndex = -1;
    private long position;

    public ConcatenatedFileStream(IEnumerable<string> files)
    {
        paths = files.ToArray();
        starts = new long[paths.Length + 1];
        for (int i = 0; i < paths.Length; i++) starts[i + 1] = starts[i] + new FileInfo(paths[i]).Length;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => starts[^1];

    public override long Position
    {
        get => position;
        set => position = Math.Clamp(value, 0, Length);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (position >= Length || buffer.Length == 0) return 0;
        int index = 0;
        while (starts[index + 1] <= position) index++; // the file holding this position (empty files are skipped)
        if (index != currentIndex)
        {
            current?.Dispose();
            current = new FileStream(paths[index], FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            currentIndex = index;
        }
        current!.Position = position - starts[index];
        int wanted = (int)Math.Min(buffer.Length, starts[index + 1] - position);
        int read = current.Read(buffer[..wanted]);
        position += read;
        return read;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => position + offset,
        _ => Length + offset,
    };

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) current?.Dispose();
        base.Dispose(disposing);
    }
}
