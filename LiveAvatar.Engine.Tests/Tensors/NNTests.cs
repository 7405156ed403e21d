using LiveAvatar.Engine.Tensors;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Tensors;

[Collection(TorchCollection.Name)]
public sealed class NNTests
{
    [Fact]
    public void Conv1d_with_stride_matches_a_hand_computed_sliding_sum()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6, 7 }, [1, 1, 7]);
        var w = Tensor.FromArray(new double[] { 1, 0, -1 }, [1, 1, 3]);
        // windows at 0, 2, 4: (1-3), (3-5), (5-7), plus bias 0.5
        TensorAssert.Close([-1.5, -1.5, -1.5], NN.Conv1d(x, w, Tensor.FromArray(new double[] { 0.5 }), stride: 2), 1e-12);
        TensorAssert.Close([-2, -2, -2, -2, -2, 6], NN.Conv1d(x, w, null, padding: 1).Narrow(2, 1, 6), 1e-12);
    }

    [Theory]
    [InlineData(1, 1, 0, 1)]
    [InlineData(2, 2, 1, 1)]
    [InlineData(1, 2, 1, 2)]
    public void Conv2d_matches_a_direct_loop_convolution(int sh, int sw, int pad, int groups)
    {
        using var scope = DisposeScope.Enter();
        const int cin = 4, h = 7, w = 9, cout = 6, kh = 3, kw = 2;
        var x = Reference.Seq(cin * h * w);
        var wt = Reference.Seq(cout * cin / groups * kh * kw, offset: 5);
        var b = Reference.Seq(cout, offset: 9);
        var expected = Reference.Conv2d(x, cin, h, w, wt, cout, kh, kw, b, sh, sw, pad, pad, groups, out var oh, out var ow);
        var got = NN.Conv2d(Tensor.FromArray(x, [1, cin, h, w]), Tensor.FromArray(wt, [cout, cin / groups, kh, kw]),
            Tensor.FromArray(b), [sh, sw], [pad, pad], groups: groups);
        Assert.Equal(new long[] { 1, cout, oh, ow }, got.Shape);
        TensorAssert.Close(expected, got, 1e-12);
    }

    [Fact]
    public void Conv3d_with_a_1x1x1_kernel_is_a_per_voxel_channel_mix()
    {
        using var scope = DisposeScope.Enter();
        var x = Reference.Seq(2 * 3 * 2 * 2);
        var wt = new double[] { 1, 2, -1, 0.5 };
        var got = NN.Conv3d(Tensor.FromArray(x, [1, 2, 3, 2, 2]), Tensor.FromArray(wt, [2, 2, 1, 1, 1]), null).ToArray<double>();
        const int vox = 12;
        for (var v = 0; v < vox; v++)
        {
            Assert.Equal(x[v] * 1 + x[vox + v] * 2, got[v], 12);
            Assert.Equal(x[v] * -1 + x[vox + v] * 0.5, got[vox + v], 12);
        }
    }

    [Fact]
    public void Conv3d_temporal_kernel_sums_consecutive_frames()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.FromArray(new double[] { 1, 2, 4, 8, 16 }, [1, 1, 5, 1, 1]);
        var w = Tensor.Ones([1, 1, 3, 1, 1], DType.Float64);
        TensorAssert.Close([7, 14, 28], NN.Conv3d(x, w, null), 1e-12);
        TensorAssert.Close([7, 28], NN.Conv3d(x, w, null, stride: [2, 1, 1]), 1e-12);
    }

    [Fact]
    public void Layer_norm_and_group_norm_normalise_with_population_variance()
    {
        using var scope = DisposeScope.Enter();
        double[] v = [1, 2, 3, 4, 10, 20, 30, 40];
        var t = Tensor.FromArray(v, [2, 4]);
        var ln = NN.LayerNorm(t, [4], eps: 1e-6).ToArray<double>();
        var mu = 2.5; var sd = Math.Sqrt(1.25 + 1e-6);
        TensorAssert.Close(new[] { 1, 2, 3, 4 }.Select(a => (a - mu) / sd).ToArray(), ln[..4], 1e-9);
        var w = Tensor.FromArray(new double[] { 1, 2, 3, 4 });
        var b = Tensor.FromArray(new double[] { 0, 0, 0, 1 });
        var lnAffine = NN.LayerNorm(t, [4], w, b, 1e-6).ToArray<double>();
        Assert.Equal((4 - mu) / sd * 4 + 1, lnAffine[3], 9);
        var gn = NN.GroupNorm(Tensor.FromArray(v, [1, 4, 2]), 2, eps: 0).ToArray<double>();
        // group 0 = {1,2,3,4}; group 1 = {10,20,30,40}: mean 25, var 125
        Assert.Equal((10 - 25) / Math.Sqrt(125), gn[4], 9);
    }

    [Fact]
    public void Constant_and_replicate_padding_extend_the_edges_as_asked()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.FromArray(new double[] { 1, 2, 3 }, [1, 1, 3]);
        TensorAssert.Close([9, 9, 1, 2, 3, 9], NN.Pad(t, [2, 1], PadMode.Constant, 9), 0);
        TensorAssert.Close([1, 1, 1, 2, 3], NN.Pad(t, [2, 0], PadMode.Replicate), 0);
        var img = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, [1, 1, 2, 2]);
        TensorAssert.Close([1, 2, 0, 3, 4, 0, 0, 0, 0], NN.Pad(img, [0, 1, 0, 1]), 0);
        var vol = Tensor.FromArray(new double[] { 5 }, [1, 1, 1, 1, 1]);
        Assert.Equal(new long[] { 1, 1, 3, 1, 1 }, NN.Pad(vol, [0, 0, 0, 0, 2, 0], PadMode.Replicate).Shape);
    }

    [Fact]
    public void Nearest_and_nearest_exact_differ_exactly_where_pytorch_documents()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.FromArray(new double[] { 1, 2, 3 }, [1, 1, 3]);
        // 3 -> 5: nearest takes floor(i * 3/5) = 0,0,1,1,2; nearest-exact floor((i + .5) * 3/5) = 0,0,1,2,2
        TensorAssert.Close([1, 1, 2, 2, 3], NN.Interpolate(t, [5], InterpolationMode.Nearest), 0);
        TensorAssert.Close([1, 1, 2, 3, 3], NN.Interpolate(t, [5], InterpolationMode.NearestExact), 0);
        var img = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, [1, 1, 2, 2]);
        TensorAssert.Close([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4],
            NN.Interpolate(img, [2.0, 2.0], InterpolationMode.NearestExact), 0);
    }

    [Fact]
    public void Linear_and_bilinear_interpolation_follow_align_corners()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.FromArray(new double[] { 0, 10 }, [1, 1, 2]);
        TensorAssert.Close([0, 5, 10], NN.Interpolate(t, [3], InterpolationMode.Linear, alignCorners: true), 1e-12);
        // align_corners=False: src = (i + .5) * 2/4 - .5 = -.25, .25, .75, 1.25 -> clamp -> 0, 2.5, 7.5, 10
        TensorAssert.Close([0, 2.5, 7.5, 10], NN.Interpolate(t, [4], InterpolationMode.Linear), 1e-12);
        var img = Tensor.FromArray(new double[] { 0, 1, 2, 3 }, [1, 1, 2, 2]);
        TensorAssert.Close([0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3], NN.Interpolate(img, [3, 3], InterpolationMode.Bilinear, alignCorners: true), 1e-12);
    }

    [Fact]
    public void Attention_matches_a_loop_softmax_with_and_without_a_mask()
    {
        using var scope = DisposeScope.Enter();
        const int lq = 3, lk = 5, d = 4;
        var q = Reference.Seq(lq * d, 0.5);
        var k = Reference.Seq(lk * d, 0.5, 1);
        var v = Reference.Seq(lk * d, 1, 2);
        var got = NN.ScaledDotProductAttention(Tensor.FromArray(q, [1, 1, lq, d]), Tensor.FromArray(k, [1, 1, lk, d]), Tensor.FromArray(v, [1, 1, lk, d]));
        TensorAssert.Close(Reference.Attention(q, k, v, lq, lk, d), got, 1e-6);
        var keep = Enumerable.Range(0, lq * lk).Select(i => i % lk != 1).ToArray();
        var masked = NN.ScaledDotProductAttention(Tensor.FromArray(q, [1, 1, lq, d]), Tensor.FromArray(k, [1, 1, lk, d]),
            Tensor.FromArray(v, [1, 1, lk, d]), Tensor.FromBools(keep, [lq, lk]));
        TensorAssert.Close(Reference.Attention(q, k, v, lq, lk, d, keep), masked, 1e-6);
    }

    [Fact]
    public void Attention_in_bfloat16_stays_within_bfloat16_rounding_of_fp64()
    {
        using var scope = DisposeScope.Enter();
        const int l = 16, d = 32;
        var q = Reference.Seq(2 * l * d, 0.3);
        var k = Reference.Seq(2 * l * d, 0.3, 1);
        var v = Reference.Seq(2 * l * d, 1, 2);
        var got = NN.ScaledDotProductAttention(Tensor.FromArray(q, [1, 2, l, d]).To(DType.BFloat16), Tensor.FromArray(k, [1, 2, l, d]).To(DType.BFloat16),
            Tensor.FromArray(v, [1, 2, l, d]).To(DType.BFloat16)).ToArray<double>();
        var e0 = Reference.Attention(q[..(l * d)], k[..(l * d)], v[..(l * d)], l, l, d);
        for (var i = 0; i < e0.Length; i++) Assert.True(Math.Abs(e0[i] - got[i]) < 0.05, $"[{i}] {e0[i]} vs {got[i]}");
    }

    [Fact]
    public void Rope_rotates_each_adjacent_pair_like_a_complex_product()
    {
        using var scope = DisposeScope.Enter();
        double[] x = [1, 2, 3, 4, -1, 0.5];
        double[] ang = [0.3, -1.2, 2.0];
        var got = NN.RopePairs(Tensor.FromArray(x, [1, 6]), Tensor.FromArray(ang.Select(Math.Cos).ToArray(), [1, 3]),
            Tensor.FromArray(ang.Select(Math.Sin).ToArray(), [1, 3])).ToArray<double>();
        for (var j = 0; j < 3; j++)
        {
            var z = new System.Numerics.Complex(x[2 * j], x[2 * j + 1]) * System.Numerics.Complex.FromPolarCoordinates(1, ang[j]);
            Assert.Equal(z.Real, got[2 * j], 6);
            Assert.Equal(z.Imaginary, got[2 * j + 1], 6);
        }
    }

    [Fact]
    public void Float8_and_scaled_matmul_say_what_they_need_when_unavailable()
    {
        if (Torch.HasFloat8) return; // exercised by `liveavatar selftest` on a GPU machine
        var e = Assert.Throws<TorchException>(() => Tensor.Zeros([2], DType.Float8E4M3));
        Assert.Contains("float8 needs libtorch 2.1", e.Message);
    }
}
