using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Tests.TestSupport;

public static class TensorAssert
{
    public static void Close(double[] expected, Tensor actual, double tol = 1e-5, string what = "tensor")
    {
        var got = actual.ToArray<double>();
        Close(expected, got, tol, what);
    }

    public static void Close(double[] expected, double[] actual, double tol = 1e-5, string what = "values")
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        for (var i = 0; i < expected.Length; i++)
        {
            var err = Math.Abs(expected[i] - actual[i]);
            Assert.True(err <= tol * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (|err| {err:E2} > tol {tol:E1})");
        }
    }

    public static void Shape(long[] expected, Tensor t) => Assert.Equal(expected, t.Shape);
}
