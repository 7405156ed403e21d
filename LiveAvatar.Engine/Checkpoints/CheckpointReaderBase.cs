namespace LiveAvatar.Engine.Checkpoints;

/// <summary>Name lookup and lifetime shared by every reader; subclasses fill the table and own the mappings.</summary>
internal abstract class CheckpointReaderBase : ICheckpointReader
{
    private readonly Dictionary<string, CheckpointTensor> _byName = new(StringComparer.Ordinal);
    private readonly List<CheckpointTensor> _tensors = [];
    private readonly List<IDisposable> _owned = [];
    private bool _disposed;

    protected CheckpointReaderBase(string path)
    {
        Path = path;
    }

    public string Path { get; }
    public IReadOnlyList<CheckpointTensor> Tensors => _tensors;
    public IReadOnlyDictionary<string, string> Metadata => MetadataTable;
    protected Dictionary<string, string> MetadataTable { get; } = new(StringComparer.Ordinal);

    public CheckpointTensor this[string name] => TryGet(name, out var t) ? t
        : throw new KeyNotFoundException($"tensor '{name}' is not in checkpoint {Path} ({_tensors.Count} tensors)");

    public bool TryGet(string name, out CheckpointTensor tensor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _byName.TryGetValue(name, out tensor!);
    }

    /// <summary>Reads the file's header or index and fills the table (called once, by <see cref="LoadOrDispose{T}"/>).</summary>
    protected abstract void Load();

    /// <summary>Loads a new reader, releasing its mappings when the file turns out to be bad.</summary>
    protected static T LoadOrDispose<T>(T reader) where T : CheckpointReaderBase
    {
        try
        {
            reader.Load();
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    protected void Add(CheckpointTensor tensor)
    {
        if (!_byName.TryAdd(tensor.Name, tensor))
            throw new CheckpointFormatException(tensor.SourceFile, tensor.Name, "appears more than once");
        _tensors.Add(tensor);
    }

    protected T Own<T>(T resource) where T : IDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _owned.Clear();
    }
}
