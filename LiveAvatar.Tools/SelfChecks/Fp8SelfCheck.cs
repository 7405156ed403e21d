using LiveAvatar.Engine.Native;
using System.Diagnostics;
using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Models.Fp8;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.SelfChecks;

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
        using var scope = torch.NewDisposeScope();
        using var layer = new Linear(k, n);
        // Kaiming-like magnitudes and a bias, as in a trained layer; activations are standard normal.
        layer.Weight.Set((Noise.Randn([n, k], seed) * (1.0 / Math.Sqrt(k))).to(ScalarType.BFloat16).to(cuda));
        layer.Bias!.Set((Noise.Randn([n], seed + 1) * 0.1).to(ScalarType.BFloat16).to(cuda));
        var x = Noise.Randn([m, k], seed + 2).to(ScalarType.BFloat16).to(cuda);

        var reference = layer.Forward(x).to(ScalarType.Float32);
        var bf16Ms = Time(() => layer.Forward(x), cuda, iterations);
        layer.QuantizeFp8();
        var y = layer.Forward(x);
        if (y.dtype != ScalarType.BFloat16 || !y.shape.SequenceEqual(reference.shape))
            throw new InvalidOperationException($"FP8 Linear returned {DTypeNames.Name(y.dtype)} [{string.Join(", ", y.shape)}], expected bfloat16 [{string.Join(", ", reference.shape)}]");
        var fp8Ms = Time(() => layer.Forward(x), cuda, iterations);

        var maxAbs = (y.to(ScalarType.Float32) - reference).abs().amax().ToDouble();
        var peak = reference.abs().amax().ToDouble();
        return new Fp8LinearComparison(m, k, n, maxAbs, maxAbs / Math.Max(peak, 1e-30), fp8Ms, bf16Ms);
    }

    private static double Time(Func<Tensor> run, Device cuda, int iterations)
    {
        for (var i = 0; i < 3; i++) run().Dispose();
        CudaDevices.Synchronize(Devices.Index(cuda));
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++) run().Dispose();
        CudaDevices.Synchronize(Devices.Index(cuda));
        return sw.Elapsed.TotalMilliseconds / iterations;
    }
}
