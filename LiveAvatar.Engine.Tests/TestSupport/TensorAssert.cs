using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Tests.TestSupport;

public static class TensorAssert
{
    public static void Close(double[] expected, Tensor actual, double tol = 1e-5, string what = "tensor")
    {
        var got = HostArrays.Read<double>(actual);
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

    public static void Shape(long[] expected, Tensor t) => Assert.Equal(expected, t.shape);

    /// <summary>max |a − b| in float64 on the host (a diagnostic for parity and determinism checks).</summary>
    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var scope = torch.NewDisposeScope();
        return (a.to(ScalarType.Float64, torch.CPU) - b.to(ScalarType.Float64, torch.CPU)).abs().max().ToDouble();
    }
}
