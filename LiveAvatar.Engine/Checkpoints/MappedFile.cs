using System.IO.MemoryMappedFiles;

namespace LiveAvatar.Engine.Checkpoints;

/// <summary>One read-only mapping of a whole file. The pointer is acquired once, so tensors can hand out raw
/// addresses for device uploads without a second host copy; it is released on Dispose.</summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private byte* _base;

    private MappedFile(string path, long length, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* basePtr)
    {
        Path = path;
        Length = length;
        _map = map;
        _view = view;
        _base = basePtr;
    }

    public string Path { get; }
    public long Length { get; }
    public bool IsDisposed { get; private set; }

    public byte* Base
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return _base;
        }
    }

    public static MappedFile Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = stream.Length;
        if (length == 0)
        {
            // An empty file cannot be mapped; callers report it as too short.
            stream.Dispose();
            return new MappedFile(full, 0, null, null, null);
        }
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read,
                HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            return new MappedFile(full, length, map, view, p + view.PointerOffset);
        }
        catch
        {
            view?.Dispose();
            if (map is null) stream.Dispose();
            map?.Dispose();
            throw;
        }
    }

    /// <summary>A span over part of the file, for headers and pickles (small regions only).</summary>
    public ReadOnlySpan<byte> Span(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset + length > Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, {offset + length}) is outside {Path} ({Length} bytes)");
        return length == 0 ? ReadOnlySpan<byte>.Empty : new ReadOnlySpan<byte>(Base + offset, length);
    }

    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
        _base = null;
    }
}
