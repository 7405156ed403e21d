namespace LiveAvatar.Web.Components.Generation;

/// <summary>An upload on its way: bytes sent so far, then the server's check of the content.</summary>
public sealed record UploadProgress(string FileName, long Bytes, long Received, bool Checking)
{
    public double Percent => Bytes <= 0 ? 0 : Math.Round(100.0 * Math.Min(Received, Bytes) / Bytes, 1);

    public string Text => Checking ? $"Checking {FileName}…" : $"Uploading {FileName}… {Percent:0}%";
}

/// <summary>Wraps the browser's file stream to report how many bytes have arrived.</summary>
internal sealed class ProgressStream(Stream inner, Action<long, bool> report) : Stream
{
    private long received;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => received; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        received += read;
        report(received, read == 0);
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
