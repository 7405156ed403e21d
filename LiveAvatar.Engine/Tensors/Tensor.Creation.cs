using System.Runtime.InteropServices;
using static LiveAvatar.Engine.Native.NativeMethods;

namespace LiveAvatar.Engine.Tensors;

public sealed partial class Tensor
{
    private static (int Type, int Index) D(Device? d) => d is { } v ? ((int)v.Type, v.Index) : (0, 0);

    public static Tensor Empty(long[] shape, DType dtype = DType.Float32, Device? device = null, bool pinned = false)
    {
        var (t, i) = D(device);
        return Wrap(la_empty(shape, shape.Length, (int)dtype, t, i, pinned ? 1 : 0), "empty");
    }

    public static Tensor Full(long[] shape, double value, DType dtype = DType.Float32, Device? device = null)
    {
        var (t, i) = D(device);
        return Wrap(la_full(shape, shape.Length, value, (int)dtype, t, i), "full");
    }

    public static Tensor Zeros(long[] shape, DType dtype = DType.Float32, Device? device = null) => Full(shape, 0, dtype, device);
    public static Tensor Ones(long[] shape, DType dtype = DType.Float32, Device? device = null) => Full(shape, 1, dtype, device);
    public static Tensor Scalar(double value, DType dtype = DType.Float32, Device? device = null) => Full([], value, dtype, device);

    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Int64, Device? device = null)
    {
        var (t, i) = D(device);
        return Wrap(la_arange(start, end, step, (int)dtype, t, i), "arange");
    }

    public static Tensor Linspace(double start, double end, long steps, DType dtype = DType.Float32, Device? device = null)
    {
        var (t, i) = D(device);
        return Wrap(la_linspace(start, end, steps, (int)dtype, t, i), "linspace");
    }

    /// <summary>Standard normal noise from a CPU generator seeded with <paramref name="seed"/>, then moved:
    /// the same seed gives the same numbers on every device.</summary>
    public static Tensor RandN(long[] shape, ulong seed, DType dtype = DType.Float32, Device? device = null)
    {
        var (t, i) = D(device);
        return Wrap(la_random(shape, shape.Length, 0, seed, (int)dtype, t, i), "randn");
    }

    /// <summary>Uniform [0, 1) noise, seeded like <see cref="RandN"/>.</summary>
    public static Tensor Rand(long[] shape, ulong seed, DType dtype = DType.Float32, Device? device = null)
    {
        var (t, i) = D(device);
        return Wrap(la_random(shape, shape.Length, 1, seed, (int)dtype, t, i), "rand");
    }

    /// <summary>Copies contiguous host memory of <paramref name="sourceType"/> into a new tensor of
    /// <paramref name="dtype"/> on <paramref name="device"/> (one copy: host → device, converting on the way).</summary>
    public static unsafe Tensor FromHost(void* data, long[] shape, DType sourceType, DType? dtype = null, Device? device = null)
    {
        var (t, i) = D(device);
        return Wrap(la_from_host(data, shape, shape.Length, (int)sourceType, (int)(dtype ?? sourceType), t, i), "from_host");
    }

    public static unsafe Tensor FromArray<T>(T[] data, long[]? shape = null, DType? dtype = null, Device? device = null)
        where T : unmanaged
    {
        shape ??= [data.Length];
        long n = 1;
        foreach (var s in shape) n *= s;
        if (n != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {n} elements, the array has {data.Length}");
        var src = HostType<T>();
        fixed (T* p = data) return FromHost(p, shape, src, dtype ?? src, device);
    }

    public static Tensor FromBools(bool[] data, long[]? shape = null, Device? device = null)
    {
        var bytes = new byte[data.Length];
        for (var i = 0; i < data.Length; i++) bytes[i] = data[i] ? (byte)1 : (byte)0;
        using var u8 = FromArray(bytes, shape);
        return u8.To(DType.Bool, device ?? Device.Cpu);
    }

    internal static DType HostType<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? DType.Float32
        : typeof(T) == typeof(double) ? DType.Float64
        : typeof(T) == typeof(long) ? DType.Int64
        : typeof(T) == typeof(int) ? DType.Int32
        : typeof(T) == typeof(byte) ? DType.UInt8
        : typeof(T) == typeof(sbyte) ? DType.Int8
        : typeof(T) == typeof(Half) ? DType.Float16
        : throw new NotSupportedException($"no tensor dtype for host type {typeof(T).Name}");

    /// <summary>Copies the tensor's values to a new host array, converting to <typeparamref name="T"/>.</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        var target = HostType<T>();
        using var c = DType == target && Device.Type == DeviceType.Cpu ? Contiguous() : To(target, Device.Cpu);
        var result = new T[c.NumEl];
        fixed (T* p = result)
            TorchException.Check(la_to_host(c.Handle, p, (long)result.Length * sizeof(T)), "to_host");
        return result;
    }

    public bool[] ToBoolArray()
    {
        using var u8 = To(DType.UInt8, Device.Cpu);
        return u8.ToArray<byte>().Select(b => b != 0).ToArray();
    }

    /// <summary>Raw bytes in this tensor's own dtype (e.g. bf16 bit patterns), row-major.</summary>
    public unsafe byte[] ToBytes()
    {
        using var c = To(Device.Cpu).Contiguous();
        var result = new byte[c.NumEl * DType.ElementSize()];
        fixed (byte* p = result) TorchException.Check(la_to_host(c.Handle, p, result.Length), "to_host");
        return result;
    }

    public double Item()
    {
        var v = la_item(Handle);
        if (la_last_error() != IntPtr.Zero) throw TorchException.FromNative("item");
        return v;
    }

    public Tensor To(DType dtype) => To(Device, dtype);
    public Tensor To(Device device) => To(device, DType);

    public Tensor To(Device device, DType dtype, bool nonBlocking = false, bool copy = false) =>
        Wrap(la_to(Handle, (int)dtype, (int)device.Type, device.Index, nonBlocking ? 1 : 0, copy ? 1 : 0), "to");

    public Tensor To(DType dtype, Device device) => To(device, dtype);

    public Tensor PinMemory() => Wrap(la_pin_memory(Handle), "pin_memory");
    public Tensor Contiguous() => Wrap(la_contiguous(Handle), "contiguous");
    public Tensor Clone() => Wrap(la_clone(Handle), "clone");

    /// <summary>Copies <paramref name="source"/> into this tensor in place (broadcasting, converting dtype/device).</summary>
    public Tensor CopyFrom(Tensor source, bool nonBlocking = false)
    {
        TorchException.Check(la_copy_(Handle, source.Handle, nonBlocking ? 1 : 0), "copy_");
        return this;
    }

    public Tensor Fill(double value)
    {
        TorchException.Check(la_fill_(Handle, value), "fill_");
        return this;
    }

    internal static string Describe(long[] shape) => "[" + string.Join(", ", shape) + "]";

    internal static int SizeOf(DType t) => t.ElementSize();

    internal static IntPtr[] Handles(IReadOnlyList<Tensor> ts)
    {
        var hs = new IntPtr[ts.Count];
        for (var i = 0; i < ts.Count; i++) hs[i] = ts[i].Handle.DangerousGetHandle();
        return hs;
    }

    internal static void KeepAlive(IReadOnlyList<Tensor> ts)
    {
        foreach (var t in ts) GC.KeepAlive(t);
    }

    internal static Tensor[] WrapMany(IntPtr[] hs, string op)
    {
        var r = new Tensor[hs.Length];
        for (var i = 0; i < hs.Length; i++) r[i] = Wrap(hs[i], op);
        return r;
    }

    internal static string Utf8(IntPtr p) => Marshal.PtrToStringUTF8(p) ?? "";
}
