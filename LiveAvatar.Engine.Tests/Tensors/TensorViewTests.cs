using LiveAvatar.Engine.Tensors;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Tensors;

[Collection(TorchCollection.Name)]
public sealed class TensorViewTests
{
    private static Tensor Iota(params long[] shape)
    {
        long n = 1;
        foreach (var s in shape) n *= s;
        return Tensor.Arange(0, n, 1, DType.Float32).Reshape(shape);
    }

    [Fact]
    public void Permute_and_transpose_reorder_elements_as_indices_say()
    {
        using var scope = DisposeScope.Enter();
        var t = Iota(2, 3, 4);
        var p = t.Permute(2, 0, 1).Contiguous();
        Assert.Equal(new long[] { 4, 2, 3 }, p.Shape);
        var v = p.ToArray<float>();
        // p[k, i, j] == t[i, j, k] == i*12 + j*4 + k
        for (var k = 0; k < 4; k++)
            for (var i = 0; i < 2; i++)
                for (var j = 0; j < 3; j++)
                    Assert.Equal(i * 12 + j * 4 + k, v[(k * 2 + i) * 3 + j]);
        Assert.Equal(new float[] { 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }, t.Select(0, 0).Transpose(0, 1).Contiguous().ToArray<float>());
    }

    [Fact]
    public void Narrow_slice_and_select_pick_the_expected_ranges()
    {
        using var scope = DisposeScope.Enter();
        var t = Iota(10);
        Assert.Equal(new float[] { 3, 4, 5 }, t.Narrow(0, 3, 3).ToArray<float>());
        Assert.Equal(new float[] { 1, 4, 7 }, t.Slice(0, 1, 9, 3).ToArray<float>());
        Assert.Equal(6.0, t.Select(0, 6).Item());
        Assert.Equal(new float[] { 8, 9 }, t.Slice(0, -2, long.MaxValue).ToArray<float>());
    }

    [Fact]
    public void Narrow_returns_a_view_that_writes_through()
    {
        using var scope = DisposeScope.Enter();
        var ring = Tensor.Zeros([6]);
        ring.Narrow(0, 2, 2).CopyFrom(Tensor.FromArray(new float[] { 7, 8 }));
        Assert.Equal(new float[] { 0, 0, 7, 8, 0, 0 }, ring.ToArray<float>());
    }

    [Fact]
    public void Cat_stack_split_and_chunk_agree_with_hand_layouts()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.FromArray(new float[] { 1, 2 }, [1, 2]);
        var b = Tensor.FromArray(new float[] { 3, 4 }, [1, 2]);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, Tensor.Cat([a, b], 0).ToArray<float>());
        Assert.Equal(new long[] { 1, 4 }, Tensor.Cat([a, b], 1).Shape);
        Assert.Equal(new long[] { 2, 1, 2 }, Tensor.Stack([a, b], 0).Shape);
        var parts = Iota(7).Split([2, 5], 0);
        Assert.Equal(new float[] { 0, 1 }, parts[0].ToArray<float>());
        Assert.Equal(5, parts[1].NumEl);
        var chunks = Iota(7).Chunk(3, 0);
        Assert.Equal(new long[] { 3, 3, 1 }, chunks.Select(c => c.NumEl).ToArray());
        var six = Iota(6, 2).Chunk(6, 0);
        Assert.Equal(6, six.Length);
    }

    [Fact]
    public void Expand_repeat_and_repeat_interleave_replicate_as_documented()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.FromArray(new float[] { 1, 2 }, [2, 1]);
        Assert.Equal(new float[] { 1, 1, 1, 2, 2, 2 }, t.Expand(2, 3).Contiguous().ToArray<float>());
        Assert.Equal(new float[] { 1, 2, 1, 2 }, Tensor.FromArray(new float[] { 1, 2 }).Repeat(2).ToArray<float>());
        Assert.Equal(new float[] { 1, 1, 2, 2 }, Tensor.FromArray(new float[] { 1, 2 }).RepeatInterleave(2, 0).ToArray<float>());
    }

    [Fact]
    public void Index_select_gather_masked_fill_and_where_index_correctly()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.FromArray(new float[] { 10, 20, 30, 40 });
        Assert.Equal(new float[] { 40, 10 }, t.IndexSelect(0, Tensor.FromArray(new long[] { 3, 0 })).ToArray<float>());
        var m = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, [2, 2]);
        Assert.Equal(new float[] { 2, 1, 3, 3 }, m.Gather(1, Tensor.FromArray(new long[] { 1, 0, 0, 0 }, [2, 2])).ToArray<float>());
        var mask = Tensor.FromBools(new[] { true, false, false, true });
        Assert.Equal(new float[] { -1, 20, 30, -1 }, t.MaskedFill(mask, -1).ToArray<float>());
        Assert.Equal(new float[] { 10, 0, 0, 40 }, Tensor.Where(mask, t, Tensor.Zeros([4])).ToArray<float>());
    }

    [Fact]
    public void Flip_roll_squeeze_unsqueeze_and_flatten_change_shape_or_order()
    {
        using var scope = DisposeScope.Enter();
        var t = Iota(4);
        Assert.Equal(new float[] { 3, 2, 1, 0 }, t.Flip(0).ToArray<float>());
        Assert.Equal(new float[] { 3, 0, 1, 2 }, t.Roll(1, 0).ToArray<float>());
        Assert.Equal(new long[] { 1, 4 }, t.Unsqueeze(0).Shape);
        Assert.Equal(new long[] { 4 }, t.Unsqueeze(0).Squeeze(0).Shape);
        Assert.Equal(new long[] { 6, 4 }, Iota(2, 3, 4).Flatten(0, 1).Shape);
        Assert.Equal(new long[] { 24 }, Iota(2, 3, 4).Flatten().Shape);
    }

    [Fact]
    public void Complex_views_pair_adjacent_reals()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, [2, 2]);
        var c = t.ViewAsComplex();
        Assert.Equal(DType.Complex64, c.DType);
        Assert.Equal(new long[] { 2 }, c.Shape);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, c.ViewAsReal().ToArray<float>());
    }

    [Fact]
    public void A_bad_reshape_reports_libtorchs_message_and_the_target_shape()
    {
        using var scope = DisposeScope.Enter();
        var e = Assert.Throws<TorchException>(() => Iota(6).Reshape(4, 2));
        Assert.Contains("[4, 2]", e.Message);
        Assert.Contains("invalid for input of size 6", e.Message);
    }
}
