using LiveAvatar.Engine.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Common;

/// <summary>One learnable tensor, known by its checkpoint key and expected shape before it has a value.</summary>
public sealed class Parameter(string name, long[] shape) : IDisposable
{
    public string Name { get; } = name;
    public long[] Shape { get; } = shape;
    public Tensor? Value { get; private set; }

    /// <summary>The loaded tensor; throws naming the key when the model was used before loading.</summary>
    public Tensor T => Value ?? throw new InvalidOperationException($"parameter '{Name}' has not been loaded");

    /// <summary>Points the parameter at <paramref name="value"/> without freeing the tensor it held: for a weight
    /// streamer, which owns both (see <see cref="Module.ComputeTensors"/>).</summary>
    internal void Rebind(Tensor value) => Value = value;

    public void Set(Tensor value)
    {
        if (!value.shape.SequenceEqual(Shape))
            throw new ArgumentException($"parameter '{Name}' expects [{string.Join(", ", Shape)}], got [{string.Join(", ", value.shape)}]");
        Value?.Dispose();
        Value = value.DetachFromDisposeScope();
    }

    public void Dispose()
    {
        Value?.Dispose();
        Value = null;
    }
}

/// <summary>
/// Base of every model module. Fields mirror the Python classes and register under the original state-dict
/// names, so loading needs no rename table: <c>blocks.3.self_attn.q.weight</c> is Blocks[3].SelfAttn.Q.Weight.
/// </summary>
public abstract partial class Module : IDisposable
{
    private readonly List<(string Name, Parameter P)> _params = [];
    private readonly List<(string Name, Module M)> _children = [];

    protected Parameter Param(string name, params long[] shape)
    {
        var p = new Parameter(name, shape);
        _params.Add((name, p));
        return p;
    }

    protected T Child<T>(string name, T module) where T : Module
    {
        _children.Add((name, module));
        module._parent = this;
        module._name = name;
        return module;
    }

    /// <summary>Every parameter with its full dotted key.</summary>
    public IEnumerable<(string Key, Parameter P)> NamedParameters(string prefix = "")
    {
        foreach (var (n, p) in _params) yield return (prefix + n, p);
        foreach (var (n, m) in _children)
            foreach (var x in m.NamedParameters(prefix + n + ".")) yield return x;
    }

    /// <summary>This module ("") and every descendant with its dotted path, parents first, like torch named_modules.</summary>
    public IEnumerable<(string Name, Module M)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (n, m) in _children)
            foreach (var x in m.NamedModules(prefix.Length == 0 ? n : prefix + "." + n)) yield return x;
    }

    /// <summary>
    /// Every tensor this module and its descendants compute with, in a fixed order (so two modules of the same
    /// shape list matching tensors), each with a way to point the module at another tensor of the same shape.
    /// Shape-only (meta) parameters, such as the weight of a layer quantised to FP8, are left out.
    /// </summary>
    public virtual IEnumerable<ModuleTensor> ComputeTensors()
    {
        foreach (var (_, p) in _params)
            if (p.Value is { } v && v.device.type != DeviceType.META)
                yield return new ModuleTensor(() => p.T, p.Rebind);
        foreach (var (_, m) in _children)
            foreach (var t in m.ComputeTensors()) yield return t;
    }

    /// <summary>Moves every loaded parameter (or those whose dotted key <paramref name="include"/> accepts) to
    /// <paramref name="device"/>, freeing the old copies as it goes.</summary>
    public void MoveTo(Device device, Func<string, bool>? include = null)
    {
        foreach (var (key, p) in NamedParameters())
            if ((include is null || include(key)) && p.Value is { } v && v.device.type != DeviceType.META && !Devices.Same(v.device, device))
                p.Set(v.to(device));
    }

    public long ParameterCount() => NamedParameters().Sum(x => x.P.Shape.Aggregate(1L, (a, b) => a * b));

    /// <summary>
    /// Loads every parameter from the checkpoint onto <paramref name="device"/> in <paramref name="dtype"/>
    /// (null keeps the file's dtype). Missing, unexpected and mis-shaped keys are all collected and reported
    /// together. <paramref name="prefix"/> is prepended to our keys to find them in the file;
    /// <paramref name="ignoreUnexpected"/> selects file keys that may stay unused (e.g. a CTC head).
    /// </summary>
    public LoadReport Load(ICheckpointReader reader, Device device, ScalarType? dtype = null, string prefix = "",
        Func<string, bool>? ignoreUnexpected = null, bool strictUnexpected = true)
    {
        var ours = NamedParameters().ToList();
        var missing = new List<string>();
        var misShaped = new List<string>();
        foreach (var (key, p) in ours)
        {
            if (!reader.TryGet(prefix + key, out var t)) { missing.Add(prefix + key); continue; }
            if (!t.Shape.SequenceEqual(p.Shape))
                misShaped.Add($"{prefix + key}: file [{string.Join(", ", t.Shape)}], model [{string.Join(", ", p.Shape)}]");
        }
        var known = new HashSet<string>(ours.Select(o => prefix + o.Key));
        var unexpected = reader.Tensors.Select(t => t.Name)
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && !known.Contains(n) && !(ignoreUnexpected?.Invoke(n) ?? false))
            .ToList();
        if (missing.Count > 0 || misShaped.Count > 0 || (strictUnexpected && unexpected.Count > 0))
            throw new CheckpointMismatchException(reader.Path, missing, unexpected, misShaped);
        foreach (var (key, p) in ours)
            p.Set(reader[prefix + key].ToTensor(device, dtype));
        return new LoadReport(ours.Count, unexpected);
    }

    /// <summary>
    /// Runs <paramref name="load"/> on a freshly built model and returns it; when loading fails halfway (a missing
    /// key, a bad file, out of memory), every tensor loaded so far is freed before the error goes on. Every model's
    /// checkpoint loader goes through here.
    /// </summary>
    public static TModel LoadOrDispose<TModel>(TModel model, Action<TModel> load) where TModel : Module
    {
        try
        {
            load(model);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Gives every parameter an uninitialised tensor (meta: shapes only, no memory).</summary>
    public void Materialize(Device device, ScalarType dtype)
    {
        foreach (var (_, p) in NamedParameters()) p.Set(torch.empty(p.Shape, dtype, device));
    }

    public virtual void Dispose()
    {
        foreach (var (_, p) in _params) p.Dispose();
        foreach (var (_, m) in _children) m.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed record LoadReport(int Loaded, IReadOnlyList<string> IgnoredKeys);

/// <summary>Every key problem between a checkpoint and a model, reported at once.</summary>
public sealed class CheckpointMismatchException(string file, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
    IReadOnlyList<string> misShaped) : Exception(Describe(file, missing, unexpected, misShaped))
{
    public IReadOnlyList<string> Missing { get; } = missing;
    public IReadOnlyList<string> Unexpected { get; } = unexpected;
    public IReadOnlyList<string> MisShaped { get; } = misShaped;

    private static string Describe(string file, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> misShaped)
    {
        var parts = new List<string>();
        static string List(IReadOnlyList<string> xs) => string.Join(", ", xs.Take(20)) + (xs.Count > 20 ? $", … ({xs.Count - 20} more)" : "");
        if (missing.Count > 0) parts.Add($"{missing.Count} missing: {List(missing)}");
        if (unexpected.Count > 0) parts.Add($"{unexpected.Count} unexpected: {List(unexpected)}");
        if (misShaped.Count > 0) parts.Add($"{misShaped.Count} mis-shaped: {List(misShaped)}");
        return $"{file} does not fit the model: " + string.Join("; ", parts);
    }
}

/// <summary>Children named "0", "1", … like torch.nn.ModuleList / Sequential.</summary>
public sealed class ModuleList<T> : Module where T : Module
{
    private readonly List<T> _items = [];

    public ModuleList(IEnumerable<T> items)
    {
        foreach (var m in items) _items.Add(Child(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), m));
    }

    public T this[int i] => _items[i];
    public int Count => _items.Count;
    public IReadOnlyList<T> Items => _items;
}
