using System.Runtime.InteropServices;
using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Checkpoints;

/// <summary>Turns mapped checkpoint tensors into libtorch tensors on a device.</summary>
public static class CheckpointTensorLoading
{
    /// <summary>
    /// Copies the tensor from the mapped file straight to <paramref name="device"/>, converting to
    /// <paramref name="dtype"/> on the way. Contiguous tensors (all safetensors, nearly all torch
    /// state dicts) make no host copy at all; strided views are gathered once into native memory.
    /// </summary>
    public static unsafe Tensor ToTensor(this CheckpointTensor t, Device? device = null, DType? dtype = null)
    {
        var target = device ?? Device.Cpu;
        if (t.IsContiguous || t.ByteLength == 0)
            return Tensor.FromHost(t.DataPointer, t.Shape, t.DType, dtype ?? t.DType, target);
        var buffer = NativeMemory.Alloc((nuint)t.ByteLength);
        try
        {
            t.CopyTo(new Span<byte>(buffer, checked((int)t.ByteLength)));
            return Tensor.FromHost(buffer, t.Shape, t.DType, dtype ?? t.DType, target);
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }

    /// <summary>Loads the named tensor, checking its shape first so a mismatch names the key and both shapes.</summary>
    public static Tensor Load(this ICheckpointReader reader, string name, long[] expectedShape, Device? device = null, DType? dtype = null)
    {
        var t = reader[name];
        if (!t.Shape.SequenceEqual(expectedShape))
            throw new CheckpointFormatException(t.SourceFile, name,
                $"has shape [{string.Join(", ", t.Shape)}], the model expects [{string.Join(", ", expectedShape)}]");
        return t.ToTensor(device, dtype);
    }
}
