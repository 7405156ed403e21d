

namespace LiveAvatar.Engine.Checkpoints.Pickle;

/// <summary>What an allowed global stands for. Globals are resolved to these tokens when the pickle names them,
/// so nothing outside this list can ever be looked up, let alone called.</summary>
internal enum GlobalKind
{
    OrderedDict,
    RebuildTensorV2,
    RebuildTensor,
    RebuildParameter,
    RebuildParameterWithState,
    RebuildFromTypeV2,
    StorageType,
    DTypeObject,
    TensorType,
    Set,
    FrozenSet,
}

internal sealed record PyGlobal(string Module, string Name, GlobalKind Kind, CheckpointDType DType = default)
{
    public string FullName => $"{Module}.{Name}";
}

/// <summary>A storage reference from persistent_load: the bytes live in <c>data/&lt;Key&gt;</c> of the archive.</summary>
internal sealed record PyStorage(CheckpointDType DType, string Key, string Location, long Numel);

internal sealed record PyTensor(PyStorage Storage, long Offset, long[] Shape, long[] Stride);

internal sealed class PyList(List<object?> items)
{
    public List<object?> Items { get; } = items;
}

internal sealed class PySet(List<object?> items)
{
    public List<object?> Items { get; } = items;
}

/// <summary>An insertion-ordered dict; torch state dicts are OrderedDicts and key order is part of what we show.</summary>
internal sealed class PyDict
{
    private readonly Dictionary<object, int> _index = [];
    private readonly List<KeyValuePair<object?, object?>> _items = [];

    public IReadOnlyList<KeyValuePair<object?, object?>> Items => _items;

    public void Set(object? key, object? value)
    {
        // Pickled keys are hashable primitives; null (None) keys are kept but not deduplicated.
        if (key is not null && _index.TryGetValue(key, out var at))
        {
            _items[at] = new(key, value);
            return;
        }
        if (key is not null) _index[key] = _items.Count;
        _items.Add(new(key, value));
    }
}

internal sealed class PickleMark
{
    public static readonly PickleMark Instance = new();
}
