

namespace LiveAvatar.Engine.Checkpoints;

/// <summary>One tensor inside a mapped checkpoint file: its layout plus where its first element lives.
/// No data is copied until <see cref="CopyTo"/> is called.</summary>
public sealed unsafe class CheckpointTensor
{
    private readonly MappedFile _file;
    private readonly long _byteOffset;

    private CheckpointTensor(string name, CheckpointDType dtype, long[] shape, long[] strides, MappedFile file, long byteOffset,
        long numel)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        Strides = strides;
        _file = file;
        _byteOffset = byteOffset;
        ElementCount = numel;
        ByteLength = numel * dtype.ElementSize();
        IsContiguous = ComputeIsContiguous(shape, strides);
    }

    public string Name { get; }
    public CheckpointDType DType { get; }
    public long[] Shape { get; }

    /// <summary>Strides in elements, as PyTorch reports them.</summary>
    public long[] Strides { get; }

    public bool IsContiguous { get; }
    public long ElementCount { get; }

    /// <summary>numel × element size: the size of the dense copy, not of the storage span.</summary>
    public long ByteLength { get; }

    public string SourceFile => _file.Path;

    /// <summary>Address of the first element. Valid while the owning reader is alive; describes the whole tensor
    /// only when <see cref="IsContiguous"/>.</summary>
    public byte* DataPointer => _file.Base + _byteOffset;

    /// <summary>Writes the tensor densely (row-major) into <paramref name="destination"/>, gathering strided views.</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length != ByteLength)
            throw new ArgumentException(
                $"tensor '{Name}' needs a destination of exactly {ByteLength} bytes, got {destination.Length}",
                nameof(destination));
        if (ByteLength == 0) return;
        var src = DataPointer;
        if (IsContiguous)
        {
            new ReadOnlySpan<byte>(src, destination.Length).CopyTo(destination);
            return;
        }
        Gather(src, destination);
    }

    public override string ToString() => $"{Name} {DType.Name()} [{string.Join(", ", Shape)}]";

    private void Gather(byte* src, Span<byte> destination)
    {
        int es = DType.ElementSize();
        int rank = Shape.Length;
        long inner = Shape[rank - 1];
        long innerStride = Strides[rank - 1];
        // A unit innermost stride lets each row go as one block copy; otherwise copy element by element.
        int runBytes = innerStride == 1 ? checked((int)(inner * es)) : es;
        long runsPerRow = innerStride == 1 ? 1 : inner;
        var index = new long[rank - 1];
        int written = 0;
        while (written < destination.Length)
        {
            long rowOffset = 0;
            for (int d = 0; d < rank - 1; d++) rowOffset += index[d] * Strides[d];
            for (long i = 0; i < runsPerRow; i++)
            {
                var from = src + (rowOffset + i * innerStride) * es;
                new ReadOnlySpan<byte>(from, runBytes).CopyTo(destination.Slice(written, runBytes));
                written += runBytes;
            }
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++index[d] < Shape[d]) break;
                index[d] = 0;
            }
        }
    }

    private static bool ComputeIsContiguous(long[] shape, long[] strides)
    {
        long expected = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 0) return true;
            // Size-1 dimensions may carry any stride in PyTorch without changing the memory order.
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    internal static long[] ContiguousStrides(long[] shape)
    {
        var strides = new long[shape.Length];
        long s = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = s;
            s *= Math.Max(shape[d], 1);
        }
        return strides;
    }

    /// <summary>Validates that the view fits inside [storageByteOffset, storageByteOffset + storageBytes) of the
    /// file and builds the tensor. <paramref name="elementOffset"/> counts elements from the storage start.</summary>
    internal static CheckpointTensor Create(string name, CheckpointDType dtype, long[] shape, long[] strides, MappedFile file,
        long storageByteOffset, long storageBytes, long elementOffset)
    {
        string path = file.Path;
        if (shape.Length != strides.Length)
            throw new CheckpointFormatException(path, name, $"shape has {shape.Length} dims but stride has {strides.Length}");
        long numel = 1;
        long lastElement = elementOffset;
        try
        {
            for (int d = 0; d < shape.Length; d++)
            {
                if (shape[d] < 0)
                    throw new CheckpointFormatException(path, name, $"negative dimension {shape[d]} in shape [{string.Join(", ", shape)}]");
                if (strides[d] < 0)
                    throw new CheckpointFormatException(path, name, $"negative stride {strides[d]}");
                numel = checked(numel * shape[d]);
                if (shape[d] > 0) lastElement = checked(lastElement + (shape[d] - 1) * strides[d]);
            }
            checked { _ = numel * dtype.ElementSize(); }
        }
        catch (OverflowException e)
        {
            throw new CheckpointFormatException(path, name, $"shape [{string.Join(", ", shape)}] is too large", e);
        }
        if (elementOffset < 0)
            throw new CheckpointFormatException(path, name, $"negative storage offset {elementOffset}");
        int es = dtype.ElementSize();
        if (numel > 0 && (lastElement + 1) * es > storageBytes)
            throw new CheckpointFormatException(path, name,
                $"view (offset {elementOffset}, shape [{string.Join(", ", shape)}], stride [{string.Join(", ", strides)}]) " +
                $"reaches element {lastElement} but its storage holds only {storageBytes / es} elements");
        if (storageByteOffset < 0 || storageByteOffset + storageBytes > file.Length)
            throw new CheckpointFormatException(path, name, "storage lies outside the file; it may be truncated");
        return new CheckpointTensor(name, dtype, shape, strides, file, storageByteOffset + elementOffset * es, numel);
    }
}
