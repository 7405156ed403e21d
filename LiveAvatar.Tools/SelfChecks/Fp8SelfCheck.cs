using System.Diagnostics;
using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Models.Fp8;

/// <summary>FP8 against bf16 on one Linear: error relative to the largest bf16 output, and mean milliseconds per call.</summary>
public sealed record Fp8LinearComparison(int M, int K, int N, double MaxAbsErr, double MaxRelErr, double Fp8Ms, double Bf16Ms);

/// <summary>
/// GPU check of the FP8 Linear path (the CPU build has no float8 kernels): a Linear with random bf16 weights runs
/// once as bf16 and once after <see cref="Linear.QuantizeFp8"/> on the same input.
/// </summary>
public static class Fp8SelfCheck
{
    /// <summary>MaxRelErr = max|y_fp8 − y_bf16| / max|y_bf16|; about 0.02–0.06 is what E4M3 on both operands gives.
    /// Ms is the FP8 layer's mean time per call.</summary>
    public static (double MaxRelErr, double Ms) CompareLinear(Device cuda, int m, int k, int n)
    {
        var r = CompareLinearDetailed(cuda, m, k, n);
        return (r.MaxRelErr, r.Fp8Ms);
    }

    public static Fp8LinearComparison CompareLinearDetailed(Device cuda, int m, int k, int n, int iterations = 20, ulong seed = 7)
    {
        Fp8Conversion.EnsureSupported(cuda);
        using var scope = DisposeScope.Enter();
        using var layer = new Linear(k, n);
        // Kaiming-like magnitudes and a bias, as in a trained layer; activations are standard normal.
        layer.Weight.Set((Tensor.RandN([n, k], seed) * (1.0 / Math.Sqrt(k))).To(DType.BFloat16).To(cuda));
        layer.Bias!.Set((Tensor.RandN([n], seed + 1) * 0.1).To(DType.BFloat16).To(cuda));
        var x = Tensor.RandN([m, k], seed + 2).To(DType.BFloat16).To(cuda);

        var reference = layer.Forward(x).To(DType.Float32);
        var bf16Ms = Time(() => layer.Forward(x), cuda, iterations);
        layer.QuantizeFp8();
        var y = layer.Forward(x);
        if (y.DType != DType.BFloat16 || !y.Shape.SequenceEqual(reference.Shape))
            throw new InvalidOperationException($"FP8 Linear returned {y.DType.Name()} [{string.Join(", ", y.Shape)}], expected bfloat16 [{string.Join(", ", reference.Shape)}]");
        var fp8Ms = Time(() => layer.Forward(x), cuda, iterations);

        var maxAbs = (y.To(DType.Float32) - reference).Abs().Amax().Item();
        var peak = reference.Abs().Amax().Item();
        return new Fp8LinearComparison(m, k, n, maxAbs, maxAbs / Math.Max(peak, 1e-30), fp8Ms, bf16Ms);
    }

    private static double Time(Func<Tensor> run, Device cuda, int iterations)
    {
        for (var i = 0; i < 3; i++) run().Dispose();
        Cuda.Synchronize(cuda.Index);
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++) run().Dispose();
        Cuda.Synchronize(cuda.Index);
        return sw.Elapsed.TotalMilliseconds / iterations;
    }
}
