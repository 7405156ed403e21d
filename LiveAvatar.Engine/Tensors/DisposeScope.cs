namespace LiveAvatar.Engine.Tensors;

/// <summary>
/// Collects every tensor created on this thread while it is the innermost scope and disposes them when
/// the scope ends. Results that must outlive the scope are moved out explicitly with
/// <see cref="MoveToOuter"/> (or <see cref="Tensor.MoveToOuterScope"/>), which hands them to the
/// enclosing scope, or to the caller when there is none.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? _current;
    private readonly DisposeScope? _outer;
    private readonly HashSet<Tensor> _owned = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    private DisposeScope(DisposeScope? outer) => _outer = outer;

    public static DisposeScope? Current => _current;

    public static DisposeScope Enter()
    {
        var s = new DisposeScope(_current);
        _current = s;
        return s;
    }

    public int Count => _owned.Count;

    internal static void Register(Tensor t) => _current?._owned.Add(t);

    /// <summary>Moves tensors into the enclosing scope (or out of scoping altogether) and returns the first.</summary>
    public Tensor MoveToOuter(Tensor tensor)
    {
        if (_owned.Remove(tensor)) _outer?._owned.Add(tensor);
        return tensor;
    }

    public void MoveToOuter(params Tensor[] tensors)
    {
        foreach (var t in tensors) MoveToOuter(t);
    }

    /// <summary>Takes a tensor out of every scope: the caller now owns it and must dispose it.</summary>
    public static Tensor Detach(Tensor tensor)
    {
        for (var s = _current; s != null; s = s._outer)
            if (s._owned.Remove(tensor)) break;
        return tensor;
    }

    internal static bool Owns(Tensor t)
    {
        for (var s = _current; s != null; s = s._outer)
            if (s._owned.Contains(t)) return true;
        return false;
    }

    internal bool Remove(Tensor t) => _owned.Remove(t);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_current != this)
            throw new InvalidOperationException("DisposeScope disposed out of order: inner scopes must end first");
        _current = _outer;
        foreach (var t in _owned) t.DisposeCore();
        _owned.Clear();
    }
}
