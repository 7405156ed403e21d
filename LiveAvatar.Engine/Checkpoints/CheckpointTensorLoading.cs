using LiveAvatar.Engine.Native;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Checkpoints;

/// <summary>Turns mapped checkpoint tensors into TorchSharp tensors on a device.</summary>
public static class CheckpointTensorLoading
{
    // Host staging per step when the target is a GPU or another dtype: bounded, so a 14B load never holds a
    // second full host copy of the weights.
    private const long StagingBytes = 64L << 20;

    /// <summary>
    /// Copies the tensor from the mapped file to <paramref name="device"/>, converting to <paramref name="dtype"/>
    /// (null keeps the file's dtype; float8 stays its bytes, as uint8). A CPU tensor of the file's dtype is filled
    /// straight from the mapping; other targets go through a bounded staging buffer. On the meta device only the
    /// shape and dtype are made.
    /// </summary>
    public static Tensor ToTensor(this CheckpointTensor t, Device? device = null, ScalarType? dtype = null)
    {
        var target = device ?? CPU;
        var source = t.DType.ToScalarType();
        var wanted = dtype ?? source;
        if (t.DType.IsFloat8() && wanted != ScalarType.Byte) return Float8ToFloat(t, target, wanted);
        var result = empty(t.Shape, wanted, target);
        if (target.type == TorchSharp.DeviceType.META || t.ElementCount == 0) return result;
        try
        {
            if (t.IsContiguous) CopyContiguous(t, result, source);
            else CopyStrided(t, result, source);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Loads the named tensor, checking its shape first so a mismatch names the key and both shapes.</summary>
    public static Tensor Load(this ICheckpointReader reader, string name, long[] expectedShape, Device? device = null, ScalarType? dtype = null)
    {
        var t = reader[name];
        if (!t.Shape.SequenceEqual(expectedShape))
            throw new CheckpointFormatException(t.SourceFile, name,
                $"has shape [{string.Join(", ", t.Shape)}], the model expects [{string.Join(", ", expectedShape)}]");
        return t.ToTensor(device, dtype);
    }

    private static unsafe void CopyContiguous(CheckpointTensor t, Tensor result, ScalarType source)
    {
        var es = t.DType.ElementSize();
        using var flat = result.view(-1);
        var direct = result.device_type == TorchSharp.DeviceType.CPU && result.dtype == source;
        var chunk = Math.Max(1, StagingBytes / es);
        using var staging = direct ? null : empty(Math.Min(chunk, t.ElementCount), source);
        for (long start = 0; start < t.ElementCount; start += chunk)
        {
            var n = Math.Min(chunk, t.ElementCount - start);
            var from = new ReadOnlySpan<byte>(t.DataPointer + start * es, checked((int)(n * es)));
            using var part = flat.narrow(0, start, n);
            if (direct)
            {
                from.CopyTo(part.bytes);
                continue;
            }
            using var stage = staging!.narrow(0, 0, n);
            from.CopyTo(stage.bytes);
            part.copy_(stage);
        }
    }

    // Strided views (rare: torch.save of a slice) are gathered once into a host tensor of their own size.
    private static void CopyStrided(CheckpointTensor t, Tensor result, ScalarType source)
    {
        if (t.ByteLength > int.MaxValue)
            throw new CheckpointFormatException(t.SourceFile, t.Name, $"is a strided view of {t.ByteLength} bytes; views over 2 GiB are not supported");
        using var host = empty(t.Shape, source);
        t.CopyTo(host.bytes);
        result.copy_(host);
    }

    private static Tensor Float8ToFloat(CheckpointTensor t, Device target, ScalarType wanted)
    {
        if (t.DType != CheckpointDType.Float8E4M3)
            throw new CheckpointFormatException(t.SourceFile, t.Name, $"is {t.DType.Name()}; only float8_e4m3fn can be converted to {wanted}");
        NativeExtension.Require($"converting the float8 tensor '{t.Name}' to {wanted}");
        using var bytes = t.ToTensor(target, ScalarType.Byte);
        return Float8.DequantizeE4M3(bytes, wanted);
    }
}
