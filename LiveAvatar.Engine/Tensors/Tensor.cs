using LiveAvatar.Engine.Native;
using static LiveAvatar.Engine.Native.NativeMethods;

namespace LiveAvatar.Engine.Tensors;

/// <summary>
/// A libtorch tensor. Disposal is deterministic: inside a <see cref="DisposeScope"/> the scope owns every
/// new tensor; outside one the creator owns it. Device memory is never left to the GC.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle _handle;
    private long[]? _shape;

    internal Tensor(IntPtr handle)
    {
        _handle = new TensorHandle(handle);
        DisposeScope.Register(this);
    }

    internal static Tensor Wrap(IntPtr handle, string op) => new(TorchException.Check(handle, op));

    internal TensorHandle Handle => _handle.IsClosed ? throw new ObjectDisposedException(nameof(Tensor)) : _handle;

    internal static TensorHandle HandleOrNull(Tensor? t) => t?.Handle ?? TensorHandle.Null;

    public bool IsDisposed => _handle.IsClosed;

    /// <summary>Native tensors alive in this process (all threads). Used by disposal tests and leak checks.</summary>
    public static long LiveCount => la_live_count();

    public long[] Shape
    {
        get
        {
            if (_shape != null) return (long[])_shape.Clone();
            var buf = new long[16];
            var n = la_sizes(Handle, buf, buf.Length);
            TorchException.Check(n, "sizes");
            _shape = buf[..n];
            return (long[])_shape.Clone();
        }
    }

    public long[] Strides
    {
        get
        {
            var buf = new long[16];
            var n = la_strides(Handle, buf, buf.Length);
            TorchException.Check(n, "strides");
            return buf[..n];
        }
    }

    public int Dim => Shape.Length;

    /// <summary>Size of one dimension; negative indices count from the end.</summary>
    public long Size(int dim) { var s = Shape; return s[dim < 0 ? s.Length + dim : dim]; }

    public long NumEl { get { var n = la_numel(Handle); TorchException.Check((int)Math.Sign(n), "numel"); return n; } }

    public DType DType
    {
        get
        {
            var c = la_dtype(Handle);
            if (c < 0) throw TorchException.FromNative("dtype");
            return (DType)c;
        }
    }

    public Device Device
    {
        get
        {
            var t = la_device(Handle, out var idx);
            if (t < 0) throw TorchException.FromNative("device");
            return new Device((DeviceType)t, idx);
        }
    }

    public bool IsContiguous => la_is_contiguous(Handle) == 1;
    public bool IsPinned => la_is_pinned(Handle) == 1;
    internal IntPtr DataPointer => la_data_ptr(Handle);

    /// <summary>Hands this tensor to the enclosing scope (or to the caller when there is none).</summary>
    public Tensor MoveToOuterScope()
    {
        var s = DisposeScope.Current;
        return s == null ? this : s.MoveToOuter(this);
    }

    /// <summary>Takes this tensor out of every scope: the caller owns it (weights, caches).</summary>
    public Tensor DetachFromScope() => DisposeScope.Detach(this);

    public void Dispose()
    {
        DisposeScope.Current?.Remove(this);
        DisposeCore();
    }

    internal void DisposeCore()
    {
        if (!_handle.IsClosed) _handle.Dispose();
    }

    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor([{string.Join(", ", Shape)}], {DType.Name()}, {Device})";
}
