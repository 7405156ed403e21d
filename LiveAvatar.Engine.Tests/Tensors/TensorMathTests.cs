using LiveAvatar.Engine.Tensors;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Tensors;

[Collection(TorchCollection.Name)]
public sealed class TensorMathTests
{
    private static readonly double[] X = [-3, -1.5, -0.25, 0, 0.5, 1, 2.75];

    [Fact]
    public void Activations_match_their_closed_forms()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.FromArray(X);
        TensorAssert.Close(X.Select(Reference.Silu).ToArray(), t.Silu(), 1e-12);
        TensorAssert.Close(X.Select(Reference.GeluTanh).ToArray(), t.GeluTanh(), 1e-12);
        TensorAssert.Close(X.Select(v => 0.5 * v * (1 + Erf(v / Math.Sqrt(2)))).ToArray(), t.Gelu(), 1e-7);
        TensorAssert.Close(X.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(), t.Sigmoid(), 1e-12);
        TensorAssert.Close(X.Select(Math.Exp).ToArray(), t.Exp(), 1e-12);
        TensorAssert.Close(X.Select(Math.Tanh).ToArray(), t.Tanh(), 1e-12);
        TensorAssert.Close(X.Select(v => Math.Max(v, 0)).ToArray(), t.Relu(), 0);
        TensorAssert.Close(X.Select(v => v * v).ToArray(), t.Square(), 0);
    }

    [Fact]
    public void Rsqrt_pow_clamp_and_arithmetic_operators_give_the_expected_values()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.FromArray(new double[] { 0.25, 1, 4, 9 });
        TensorAssert.Close([2, 1, 0.5, 1.0 / 3], t.Rsqrt(), 1e-12);
        TensorAssert.Close([0.125, 1, 8, 27], t.Pow(1.5), 1e-12);
        TensorAssert.Close([1, 1, 4, 5], t.Clamp(1, 5), 0);
        TensorAssert.Close([0.25, 1, 4, 5], t.Clamp(max: 5), 0);
        TensorAssert.Close([2.25, 3, 6, 11], t + 2, 0);
        TensorAssert.Close([1.75, 1, -2, -7], 2 - t, 0);
        TensorAssert.Close([8, 2, 0.5, 2.0 / 9], 2 / t, 1e-12);
        TensorAssert.Close([0.0625, 1, 16, 81], t * t, 0);
        TensorAssert.Close([-0.25, -1, -4, -9], -t, 0);
        TensorAssert.Close([0.25, 1, 4, 9], t.Maximum(Tensor.Full([4], 0.1, DType.Float64)), 0);
    }

    [Fact]
    public void Comparisons_give_bool_masks()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.FromArray(new float[] { 1, 2, 3 });
        Assert.Equal(new[] { false, false, true }, t.Gt(2).ToBoolArray());
        Assert.Equal(new[] { true, false, false }, t.Lt(2).ToBoolArray());
        Assert.Equal(new[] { false, true, false }, t.Eq(2).ToBoolArray());
        Assert.Equal(new[] { true, false, true }, t.Ne(Tensor.FromArray(new float[] { 0, 2, 0 })).ToBoolArray());
    }

    [Fact]
    public void Broadcasting_adds_a_row_to_every_row()
    {
        using var scope = DisposeScope.Enter();
        var m = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        var r = Tensor.FromArray(new float[] { 10, 20, 30 });
        Assert.Equal(new float[] { 11, 22, 33, 14, 25, 36 }, (m + r).ToArray<float>());
    }

    [Fact]
    public void In_place_updates_change_the_tensor_itself()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.FromArray(new float[] { 1, 2 });
        t.AddInPlace(Tensor.FromArray(new float[] { 1, 1 })).MulInPlace(3);
        Assert.Equal(new float[] { 6, 9 }, t.ToArray<float>());
    }

    [Fact]
    public void Softmax_sums_to_one_and_matches_the_exponential_formula()
    {
        using var scope = DisposeScope.Enter();
        double[] v = [1, 2, 3, 1000, 1001, 1002];
        var s = Tensor.FromArray(v, [2, 3]).Softmax(-1).ToArray<double>();
        var z = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        TensorAssert.Close([Math.Exp(1) / z, Math.Exp(2) / z, Math.Exp(3) / z, Math.Exp(1) / z, Math.Exp(2) / z, Math.Exp(3) / z], s, 1e-12);
    }

    [Fact]
    public void Reductions_match_sums_computed_by_hand()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        Assert.Equal(21, t.Sum().Item());
        TensorAssert.Close([5, 7, 9], t.Sum(0), 0);
        TensorAssert.Close([2, 5], t.Mean(1), 0);
        Assert.Equal(new long[] { 2, 1 }, t.Mean(1, keepDim: true).Shape);
        TensorAssert.Close([3, 6], t.Amax(1), 0);
        TensorAssert.Close([1, 2, 3], t.Amin(0), 0);
        TensorAssert.Close([2.0 / 3, 2.0 / 3], t.Var([1]), 1e-12); // population variance of 1,2,3
        Assert.Equal(720, t.Prod().Item());
        Assert.Equal(Math.Sqrt(91), t.Norm().Item(), 12);
        Assert.Equal(new long[] { 2, 2 }, t.ArgMax(1).ToArray<long>());
        TensorAssert.Close([1, 3, 6, 4, 9, 15], t.CumSum(1), 0);
        Assert.True(t.Gt(5).Any().Item() == 1);
        Assert.True(t.Gt(0).All().Item() == 1);
    }

    [Fact]
    public void Matmul_linear_addmm_and_bmm_agree_with_loop_products()
    {
        using var scope = DisposeScope.Enter();
        var a = Reference.Seq(3 * 4);
        var b = Reference.Seq(4 * 5, offset: 1);
        var expected = Reference.MatMul(a, b, 3, 4, 5);
        var ta = Tensor.FromArray(a, [3, 4]);
        var tb = Tensor.FromArray(b, [4, 5]);
        TensorAssert.Close(expected, ta.MatMul(tb), 1e-12);
        var bias = Reference.Seq(5, offset: 2);
        var lin = NN.Linear(ta, tb.Transpose(0, 1).Contiguous(), Tensor.FromArray(bias));
        TensorAssert.Close(expected.Select((v, i) => v + bias[i % 5]).ToArray(), lin, 1e-12);
        var mm = Tensor.FromArray(bias).Expand(3, 5).Addmm(ta, tb, beta: 2, alpha: 0.5);
        TensorAssert.Close(expected.Select((v, i) => 2 * bias[i % 5] + 0.5 * v).ToArray(), mm, 1e-12);
        var batched = Tensor.Stack([ta, ta], 0).Bmm(Tensor.Stack([tb, tb], 0));
        TensorAssert.Close(expected.Concat(expected).ToArray(), batched, 1e-12);
        TensorAssert.Close([3, 4, 6, 8], Tensor.FromArray(new double[] { 1, 2 }).Outer(Tensor.FromArray(new double[] { 3, 4 })), 0);
    }

    [Fact]
    public void Float32_matmul_of_a_larger_product_stays_within_rounding_of_the_double_result()
    {
        using var scope = DisposeScope.Enter();
        const int n = 64;
        var a = Reference.Seq(n * n);
        var b = Reference.Seq(n * n, offset: 3);
        var expected = Reference.MatMul(a, b, n, n, n);
        var got = Tensor.FromArray(a.Select(v => (float)v).ToArray(), [n, n]).MatMul(Tensor.FromArray(b.Select(v => (float)v).ToArray(), [n, n]));
        TensorAssert.Close(expected, got.ToArray<double>(), 1e-4);
    }

    internal static double Erf(double x)
    {
        // Abramowitz-Stegun 7.1.26 is too coarse; use the series/continued fraction via high-precision Taylor for |x| < 3.
        double sum = x, term = x;
        for (var n = 1; n < 200; n++)
        {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
