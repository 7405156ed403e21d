

namespace LiveAvatar.Engine.Checkpoints.Pickle;

/// <summary>The allow-list of globals a torch.save pickle may name, and what "calling" each one means here.
/// Anything else is refused by name before it could be resolved.</summary>
internal static class TorchGlobals
{
    private static readonly Dictionary<string, CheckpointDType> StorageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = CheckpointDType.Float32, ["HalfStorage"] = CheckpointDType.Float16, ["BFloat16Storage"] = CheckpointDType.BFloat16,
        ["DoubleStorage"] = CheckpointDType.Float64, ["LongStorage"] = CheckpointDType.Int64, ["IntStorage"] = CheckpointDType.Int32,
        ["CharStorage"] = CheckpointDType.Int8, ["ByteStorage"] = CheckpointDType.UInt8, ["BoolStorage"] = CheckpointDType.Bool,
        ["Float8_e4m3fnStorage"] = CheckpointDType.Float8E4M3, ["Float8_e5m2Storage"] = CheckpointDType.Float8E5M2,
        ["ComplexFloatStorage"] = CheckpointDType.Complex64,
    };

    private static readonly Dictionary<string, CheckpointDType> DTypeObjects = new(StringComparer.Ordinal)
    {
        ["float32"] = CheckpointDType.Float32, ["float"] = CheckpointDType.Float32, ["float16"] = CheckpointDType.Float16, ["half"] = CheckpointDType.Float16,
        ["bfloat16"] = CheckpointDType.BFloat16, ["float64"] = CheckpointDType.Float64, ["double"] = CheckpointDType.Float64,
        ["int64"] = CheckpointDType.Int64, ["long"] = CheckpointDType.Int64, ["int32"] = CheckpointDType.Int32, ["int"] = CheckpointDType.Int32,
        ["int8"] = CheckpointDType.Int8, ["uint8"] = CheckpointDType.UInt8, ["bool"] = CheckpointDType.Bool,
        ["float8_e4m3fn"] = CheckpointDType.Float8E4M3, ["float8_e5m2"] = CheckpointDType.Float8E5M2, ["complex64"] = CheckpointDType.Complex64,
    };

    /// <summary>Returns the token for an allowed global, or null when the pickle must be refused.</summary>
    public static PyGlobal? Resolve(string module, string name)
    {
        GlobalKind? kind = (module, name) switch
        {
            ("collections", "OrderedDict") => GlobalKind.OrderedDict,
            ("torch._utils", "_rebuild_tensor_v2") => GlobalKind.RebuildTensorV2,
            ("torch._utils", "_rebuild_tensor") => GlobalKind.RebuildTensor,
            ("torch._utils", "_rebuild_parameter") => GlobalKind.RebuildParameter,
            ("torch._utils", "_rebuild_parameter_with_state") => GlobalKind.RebuildParameterWithState,
            ("torch._tensor", "_rebuild_from_type_v2") => GlobalKind.RebuildFromTypeV2,
            ("torch", "Tensor") or ("torch.nn.parameter", "Parameter") => GlobalKind.TensorType,
            ("builtins" or "__builtin__", "set") => GlobalKind.Set,
            ("builtins" or "__builtin__", "frozenset") => GlobalKind.FrozenSet,
            _ => null,
        };
        if (kind is { } k) return new PyGlobal(module, name, k);
        if (module == "torch" && StorageTypes.TryGetValue(name, out var st))
            return new PyGlobal(module, name, GlobalKind.StorageType, st);
        if (module is "torch" or "torch.storage" && name == "UntypedStorage")
            return new PyGlobal(module, name, GlobalKind.StorageType, CheckpointDType.UInt8);
        if (module == "torch" && DTypeObjects.TryGetValue(name, out var dt))
            return new PyGlobal(module, name, GlobalKind.DTypeObject, dt);
        return null;
    }

    /// <summary>REDUCE / NEWOBJ on an allowed global. Returns the constructed value or throws with a reason.</summary>
    public static object? Call(PyGlobal fn, object?[] args, Func<string, Exception> fail)
    {
        switch (fn.Kind)
        {
            case GlobalKind.OrderedDict:
                var dict = new PyDict();
                if (args.Length == 1 && args[0] is PyList pairs)
                    foreach (var p in pairs.Items)
                        if (p is object?[] { Length: 2 } kv) dict.Set(kv[0], kv[1]);
                        else throw fail("OrderedDict argument is not a list of pairs");
                return dict;
            case GlobalKind.RebuildTensorV2 when args.Length is >= 4 and <= 7:
            case GlobalKind.RebuildTensor when args.Length == 4:
                if (args[0] is not PyStorage storage) throw fail($"{fn.FullName} expects a storage first");
                return new PyTensor(storage, AsLong(args[1], fail), Longs(args[2], fail), Longs(args[3], fail));
            case GlobalKind.RebuildParameter when args.Length == 3:
            case GlobalKind.RebuildParameterWithState when args.Length == 4:
                return args[0] as PyTensor ?? throw fail($"{fn.FullName} expects a tensor first");
            case GlobalKind.RebuildFromTypeV2 when args.Length == 4:
                // The wrapped rebuild may not be another wrapper, so a hostile pickle cannot recurse here.
                if (args[0] is not PyGlobal { Kind: not GlobalKind.RebuildFromTypeV2 } inner
                    || args[1] is not PyGlobal { Kind: GlobalKind.TensorType }
                    || args[2] is not object?[] innerArgs)
                    throw fail($"{fn.FullName} has unexpected arguments");
                return Call(inner, innerArgs, fail);
            case GlobalKind.Set or GlobalKind.FrozenSet:
                if (args.Length == 0) return new PySet([]);
                if (args.Length == 1 && args[0] is PyList l) return new PySet([.. l.Items]);
                throw fail($"{fn.FullName} called with unexpected arguments");
            default:
                throw fail($"refuses to call {fn.FullName} with {args.Length} arguments");
        }
    }

    /// <summary>torch's persistent id: ('storage', storage_type, key, location, numel).</summary>
    public static PyStorage PersistentLoad(object? pid, Func<string, Exception> fail)
    {
        if (pid is not object?[] { Length: 5 } t || t[0] is not string { } tag || tag != "storage")
            throw fail("persistent id is not a ('storage', type, key, location, numel) tuple");
        if (t[1] is not PyGlobal { Kind: GlobalKind.StorageType } type)
            throw fail("persistent id names no storage type");
        if (t[2] is not string key || t[3] is not string location)
            throw fail("persistent id has a non-string key or location");
        return new PyStorage(type.DType, key, location, AsLong(t[4], fail));
    }

    internal static long AsLong(object? v, Func<string, Exception> fail) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw fail($"expected an integer, found {Describe(v)}"),
    };

    private static long[] Longs(object? v, Func<string, Exception> fail) => v is object?[] t
        ? t.Select(x => AsLong(x, fail)).ToArray()
        : throw fail($"expected a tuple of integers, found {Describe(v)}");

    internal static string Describe(object? v) => v switch
    {
        null => "None",
        object?[] t => $"tuple of {t.Length}",
        PyGlobal g => g.FullName,
        _ => v.GetType().Name,
    };
}
