using LiveAvatar.Engine.Tensors;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Tensors;

[Collection(TorchCollection.Name)]
public sealed class TensorCreationTests
{
    [Fact]
    public void An_array_round_trips_through_a_tensor_with_its_shape()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(Device.Cpu, t.Device);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
    }

    [Fact]
    public void A_shape_that_does_not_match_the_array_is_refused_with_both_counts()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new float[5], [2, 3]));
        Assert.Contains("6", e.Message);
        Assert.Contains("5", e.Message);
    }

    [Fact]
    public void Arange_linspace_and_full_give_the_hand_computed_values()
    {
        using var scope = DisposeScope.Enter();
        Assert.Equal(new long[] { 0, 3, 6, 9 }, Tensor.Arange(0, 10, 3).ToArray<long>());
        TensorAssert.Close([0, 0.25, 0.5, 0.75, 1], Tensor.Linspace(0, 1, 5));
        Assert.Equal(new float[] { 7.5f, 7.5f }, Tensor.Full([2], 7.5).ToArray<float>());
        Assert.Equal(0.0, Tensor.Zeros([3]).Sum().Item());
        Assert.Equal(3.0, Tensor.Ones([3]).Sum().Item());
    }

    [Fact]
    public void Seeded_normal_noise_repeats_for_a_seed_and_differs_across_seeds()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.RandN([1000], 42).ToArray<float>();
        var b = Tensor.RandN([1000], 42).ToArray<float>();
        var c = Tensor.RandN([1000], 43).ToArray<float>();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Normal_noise_has_zero_mean_and_unit_variance_within_sampling_error()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.RandN([200_000], 7).ToArray<float>();
        var mean = x.Average(v => (double)v);
        var var = x.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.01, 0.01); // 4.5 sigma for n = 200k
        Assert.InRange(var, 0.98, 1.02);
        var u = Tensor.Rand([100_000], 7).ToArray<float>();
        Assert.All(u, v => Assert.InRange(v, 0f, 1f));
        Assert.InRange(u.Average(v => (double)v), 0.49, 0.51);
    }

    [Fact]
    public void Bfloat16_and_float16_conversion_round_to_nearest_even()
    {
        using var scope = DisposeScope.Enter();
        double[] values = [1.0, 1.00390625, 1.01171875, 3.14159265, -2.71828, 65504, 1e-3];
        var t = Tensor.FromArray(values);
        var bf = t.To(DType.BFloat16).To(DType.Float64).ToArray<double>();
        for (var i = 0; i < values.Length; i++) Assert.Equal(Reference.ToBf16(values[i]), bf[i]);
        var h = t.To(DType.Float16).ToArray<Half>();
        for (var i = 0; i < values.Length; i++) Assert.Equal((double)(Half)values[i], (double)h[i]);
    }

    [Fact]
    public void Bfloat16_bit_patterns_come_back_as_raw_bytes()
    {
        using var scope = DisposeScope.Enter();
        var b = Tensor.FromArray(new float[] { 1.0f, -2.0f }).To(DType.BFloat16).ToBytes();
        Assert.Equal(new byte[] { 0x80, 0x3F, 0x00, 0xC0 }, b); // 0x3F80, 0xC000 little-endian
    }

    [Fact]
    public void Int64_and_bool_tensors_keep_their_values()
    {
        using var scope = DisposeScope.Enter();
        Assert.Equal(new long[] { long.MaxValue, -5 }, Tensor.FromArray(new[] { long.MaxValue, -5L }).ToArray<long>());
        var m = Tensor.FromBools(new[] { true, false, true });
        Assert.Equal(DType.Bool, m.DType);
        Assert.Equal(new[] { true, false, true }, m.ToBoolArray());
    }

    [Fact]
    public void Meta_tensors_have_shape_and_dtype_but_no_data()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.Empty([5120, 5120], DType.BFloat16, Device.Meta);
        Assert.Equal(Device.Meta, t.Device);
        Assert.Equal(new long[] { 5120, 5120 }, t.Shape);
        var r = t.Reshape(-1, 1024);
        Assert.Equal(new long[] { 25600, 1024 }, r.Shape);
        Assert.ThrowsAny<Exception>(() => t.ToArray<float>());
    }

    [Fact]
    public void Copying_in_place_converts_dtype_and_fill_sets_every_element()
    {
        using var scope = DisposeScope.Enter();
        var dst = Tensor.Zeros([2, 2], DType.BFloat16);
        dst.CopyFrom(Tensor.FromArray(new float[] { 1, 2, 3, 4 }, [2, 2]));
        Assert.Equal(new float[] { 1, 2, 3, 4 }, dst.ToArray<float>());
        dst.Narrow(0, 1, 1).Fill(9);
        Assert.Equal(new float[] { 1, 2, 9, 9 }, dst.ToArray<float>());
    }

    [Fact]
    public void A_scalar_tensor_gives_its_item()
    {
        using var scope = DisposeScope.Enter();
        Assert.Equal(2.5, Tensor.Scalar(2.5).Item());
        Assert.Empty(Tensor.Scalar(1).Shape);
    }
}
