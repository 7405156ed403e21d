using static TorchSharp.torch;

namespace LiveAvatar.Engine.Runtime;

/// <summary>Copies of tensor values into .NET arrays (results, parity reports, video frames).</summary>
public static class HostArrays
{
    /// <summary>The values converted to <typeparamref name="T"/> (float, double, long, int, byte), row-major.</summary>
    public static T[] Read<T>(Tensor t) where T : unmanaged
    {
        var type = ScalarTypeOf<T>();
        if (t.device_type == TorchSharp.DeviceType.CPU && t.dtype == type && t.is_contiguous()) return t.data<T>().ToArray();
        using var host = t.to(type, CPU).contiguous();
        return host.data<T>().ToArray();
    }

    /// <summary>The raw bytes in the tensor's own dtype (e.g. uint8 pixels, bf16 bit patterns), row-major.</summary>
    public static byte[] Bytes(Tensor t)
    {
        using var scope = NewDisposeScope(); // the intermediate of to(CPU) too, not only the contiguous copy
        var host = t.to(CPU).contiguous();
        return host.bytes.ToArray();
    }

    public static bool[] Bools(Tensor t)
    {
        using var host = t.to(ScalarType.Bool, CPU).contiguous();
        return host.data<bool>().ToArray();
    }

    private static ScalarType ScalarTypeOf<T>() =>
        typeof(T) == typeof(float) ? ScalarType.Float32
        : typeof(T) == typeof(double) ? ScalarType.Float64
        : typeof(T) == typeof(long) ? ScalarType.Int64
        : typeof(T) == typeof(int) ? ScalarType.Int32
        : typeof(T) == typeof(byte) ? ScalarType.Byte
        : throw new NotSupportedException($"no tensor dtype for host type {typeof(T).Name}");
}
