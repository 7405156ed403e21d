using static LiveAvatar.Engine.Native.NativeMethods;

namespace LiveAvatar.Engine.Tensors;

public sealed partial class Tensor
{
    public Tensor Reshape(params long[] shape) => Wrap(la_reshape(Handle, shape, shape.Length), $"reshape to {Describe(shape)}");
    public Tensor View(params long[] shape) => Wrap(la_view(Handle, shape, shape.Length), $"view as {Describe(shape)}");
    public Tensor Permute(params long[] dims) => Wrap(la_permute(Handle, dims, dims.Length), "permute");
    public Tensor Transpose(long dim0, long dim1) => Wrap(la_transpose(Handle, dim0, dim1), "transpose");
    public Tensor Narrow(long dim, long start, long length) => Wrap(la_narrow(Handle, dim, start, length), "narrow");

    /// <summary>Python-style slice t[..., start:end:step, ...] along <paramref name="dim"/>.</summary>
    public Tensor Slice(long dim, long start, long end, long step = 1) => Wrap(la_slice(Handle, dim, start, end, step), "slice");

    public Tensor Select(long dim, long index) => Wrap(la_select(Handle, dim, index), "select");
    public Tensor Squeeze(long dim) => Wrap(la_squeeze(Handle, dim), "squeeze");
    public Tensor Unsqueeze(long dim) => Wrap(la_unsqueeze(Handle, dim), "unsqueeze");
    public Tensor Flatten(long startDim = 0, long endDim = -1) => Wrap(la_flatten(Handle, startDim, endDim), "flatten");
    public Tensor Expand(params long[] shape) => Wrap(la_expand(Handle, shape, shape.Length), $"expand to {Describe(shape)}");
    public Tensor Repeat(params long[] repeats) => Wrap(la_repeat(Handle, repeats, repeats.Length), "repeat");
    public Tensor RepeatInterleave(long repeats, long dim) => Wrap(la_repeat_interleave(Handle, repeats, dim), "repeat_interleave");
    public Tensor IndexSelect(long dim, Tensor index) => Wrap(la_index_select(Handle, dim, index.Handle), "index_select");
    public Tensor Gather(long dim, Tensor index) => Wrap(la_gather(Handle, dim, index.Handle), "gather");
    public Tensor MaskedFill(Tensor mask, double value) => Wrap(la_masked_fill(Handle, mask.Handle, value), "masked_fill");
    public Tensor Flip(params long[] dims) => Wrap(la_flip(Handle, dims, dims.Length), "flip");
    public Tensor Roll(long shift, long dim) => Wrap(la_roll(Handle, shift, dim), "roll");
    public Tensor ViewAsComplex() => Wrap(la_view_as_complex(Handle), "view_as_complex");
    public Tensor ViewAsReal() => Wrap(la_view_as_real(Handle), "view_as_real");
    public Tensor Tril(long diagonal = 0) => Wrap(la_tril(Handle, diagonal), "tril");

    /// <summary>Splits into pieces of the given sizes along <paramref name="dim"/> (views).</summary>
    public Tensor[] Split(long[] sizes, long dim)
    {
        var outs = new IntPtr[sizes.Length];
        TorchException.Check(la_split(Handle, sizes, sizes.Length, dim, outs), "split");
        return WrapMany(outs, "split");
    }

    /// <summary>Splits into equal pieces of <paramref name="size"/> (the last may be smaller).</summary>
    public Tensor[] Split(long size, long dim)
    {
        var total = Size((int)dim);
        var sizes = new List<long>();
        for (long s = 0; s < total; s += size) sizes.Add(Math.Min(size, total - s));
        return Split(sizes.ToArray(), dim);
    }

    /// <summary>torch.chunk: <paramref name="chunks"/> pieces of ceil(n/chunks) (fewer if it divides so).</summary>
    public Tensor[] Chunk(int chunks, long dim)
    {
        var total = Size((int)dim);
        var each = (total + chunks - 1) / chunks;
        return Split(Math.Max(each, 1), dim);
    }

    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim)
    {
        if (tensors.Count == 0) throw new ArgumentException("cat of an empty list");
        var h = Handles(tensors);
        var r = Wrap(la_cat(h, h.Length, dim), "cat");
        KeepAlive(tensors);
        return r;
    }

    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim)
    {
        if (tensors.Count == 0) throw new ArgumentException("stack of an empty list");
        var h = Handles(tensors);
        var r = Wrap(la_stack(h, h.Length, dim), "stack");
        KeepAlive(tensors);
        return r;
    }

    public static Tensor Where(Tensor condition, Tensor a, Tensor b) =>
        Wrap(la_where(condition.Handle, a.Handle, b.Handle), "where");
}
