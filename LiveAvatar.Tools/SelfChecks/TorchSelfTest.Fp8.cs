using LiveAvatar.Engine.Models.Fp8;
using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Runtime;
using static TorchSharp.torch;

namespace LiveAvatar.Tools.SelfChecks;

/// <summary>FP8 on the GPU: the quantisation ways give the same bytes, the cuBLASLt linear the _scaled_mm product.</summary>
public static partial class TorchSelfTest
{
    // The fast and the fused per-tensor quantisation must give the reference's bytes and scale exactly (they only
    // leave out passes that change nothing): activations of the DiT's width with outliers, bf16 and float32, a tensor
    // whose amax is under the floor, zeros, and a view that is not 16-byte aligned with a row count the matmul pads.
    private static IEnumerable<(string, Action)> Fp8QuantisationChecks(Device dev)
    {
        if (dev.type != TorchSharp.DeviceType.CUDA) yield break;
        yield return ("fast and fused FP8 quantisation give the reference's bytes and scale", () =>
        {
            if (!Float8.IsSupported(dev, out var why)) throw new SkipCheck(why);
            var activations = Noise.Randn([3168, 5120], 21, ScalarType.Float32, dev) * 2;
            activations[7, 11].fill_(-97.5);
            var odd = (Noise.Randn([101, 37], 22, ScalarType.Float32, dev) * 5).to(ScalarType.BFloat16);
            var cases = new (string Name, TorchSharp.torch.Tensor T, long Pad)[]
            {
                ("bf16 activations", activations.to(ScalarType.BFloat16), 0),
                ("float32 activations", activations, 0),
                ("amax under the floor", (activations * 1e-16).to(ScalarType.Float32), 0),
                ("zeros", TorchSharp.torch.zeros([64, 5120], ScalarType.BFloat16, dev), 0),
                ("an unaligned view of 100 rows, padded to 112", odd.narrow(0, 1, 100), 12),
            };
            foreach (var (name, t, pad) in cases)
            {
                var (q, inverse) = Fp8Weight.QuantizePerTensor(t, Fp8QuantisationMode.Reference, pad);
                foreach (var mode in new[] { Fp8QuantisationMode.Fast, Fp8QuantisationMode.Fused })
                {
                    var (q2, inverse2) = Fp8Weight.QuantizePerTensor(t, mode, pad);
                    Expect(q2.shape.SequenceEqual(q.shape), $"{mode}, {name}: shape [{string.Join(", ", q2.shape)}]");
                    var differing = q.ne(q2).sum().item<long>();
                    Expect(differing == 0, $"{mode}, {name}: {differing} bytes differ");
                    Expect(inverse.item<float>() == inverse2.item<float>(), $"{mode}, {name}: scale {inverse2.item<float>()} instead of {inverse.item<float>()}");
                }
            }
        });
    }

    // The one-call cuBLASLt FP8 linear must compute what the quantisation + _scaled_mm path computes: the same bytes
    // go into a GEMM with the same attributes; only the algorithm cuBLASLt picks (and so its summation order) may
    // differ, so every output must be within one bf16 step.
    private static IEnumerable<(string, Action)> Fp8LinearChecks(Device dev)
    {
        if (dev.type != TorchSharp.DeviceType.CUDA) yield break;
        yield return ("FP8 linear through cuBLASLt matches the _scaled_mm path (with and without bias, padded rows)", () =>
        {
            if (!Float8.IsSupported(dev, out var why)) throw new SkipCheck(why);
            if (!NativeExtension.HasExport("lax_f8_linear")) throw new SkipCheck("the native extension predates the cuBLASLt FP8 linear; rebuild it");
            var saved = Fp8Gemm.Path;
            try
            {
                foreach (var (m, k, n, withBias) in new[] { (3168, 5120, 5120, true), (100, 5120, 13824, false), (3168, 13824, 5120, true) })
                {
                    var weight = (Noise.Randn([n, k], 31, ScalarType.Float32, dev) * 0.02).to(ScalarType.BFloat16);
                    var bias = withBias ? (Noise.Randn([n], 32, ScalarType.Float32, dev) * 0.1).to(ScalarType.BFloat16) : null;
                    using var layer = Fp8Weight.Quantize(weight, bias);
                    var x = (Noise.Randn([m, k], 33, ScalarType.Float32, dev) * 2).to(ScalarType.BFloat16);
                    Fp8Gemm.Path = Fp8GemmPath.Torch;
                    var expected = layer.Forward(x).to(ScalarType.Float32);
                    Fp8Gemm.Path = Fp8GemmPath.CublasLt;
                    var got = layer.Forward(x).to(ScalarType.Float32);
                    Expect(got.shape.SequenceEqual(expected.shape), $"[{m}, {k}] x [{k}, {n}]: shape [{string.Join(", ", got.shape)}]");
                    var worst = ((got - expected).abs() - expected.abs() * (1.0 / 128) - 1e-3).max().item<float>();
                    Expect(worst <= 0, $"[{m}, {k}] x [{k}, {n}]: max |diff| {(got - expected).abs().max().item<float>()}, " +
                        $"{got.ne(expected).to(ScalarType.Float32).mean().item<float>():P1} of the outputs differ");
                }
            }
            finally
            {
                Fp8Gemm.Path = saved;
            }
        });
        yield return ("FP8 linears on one shared quantised input give each linear's own result, also written into a ring's rows", () =>
        {
            if (!Float8.IsSupported(dev, out var why)) throw new SkipCheck(why);
            if (!NativeExtension.HasExport("lax_f8_gemm")) throw new SkipCheck("the native extension predates the shared FP8 input; rebuild it");
            foreach (var m in new long[] { 3168, 100 })
            {
                var layers = Enumerable.Range(0, 3).Select(i => new LiveAvatar.Engine.Models.Common.Linear(5120, 5120)).ToArray();
                foreach (var (layer, i) in layers.Select((l, i) => (l, i)))
                {
                    layer.Weight.Set((Noise.Randn([5120, 5120], (ulong)(41 + i), ScalarType.Float32, dev) * 0.02).to(ScalarType.BFloat16));
                    layer.Bias!.Set((Noise.Randn([5120], (ulong)(51 + i), ScalarType.Float32, dev) * 0.1).to(ScalarType.BFloat16));
                    layer.QuantizeFp8();
                }
                try
                {
                    var x = (Noise.Randn([1, m, 5120], 61, ScalarType.Float32, dev) * 2).to(ScalarType.BFloat16);
                    Expect(Fp8Activation.Applies(x, layers), $"M = {m}: the shared input does not apply on this device");
                    using var shared = Fp8Activation.Quantize(x);
                    var ring = TorchSharp.torch.zeros([1, m + 7, 40, 128], ScalarType.BFloat16, dev);
                    for (var i = 0; i < 3; i++)
                    {
                        var expected = layers[i].Forward(x);
                        var got = i < 2 ? layers[i].Fp8!.Forward(shared) : layers[i].Fp8!.Forward(shared, into: ring.narrow(1, 3, m)).view(1, m, 5120);
                        Expect(got.shape.SequenceEqual(expected.shape), $"M = {m}, linear {i}: shape [{string.Join(", ", got.shape)}]");
                        var differing = got.ne(expected).sum().item<long>();
                        Expect(differing == 0, $"M = {m}, linear {i}: {differing} outputs differ from the linear's own call");
                    }
                    Expect(ring.narrow(1, 0, 3).count_nonzero().item<long>() == 0 && ring.narrow(1, 3 + m, 4).count_nonzero().item<long>() == 0,
                        $"M = {m}: rows outside the written ones changed");
                }
                finally
                {
                    foreach (var l in layers) l.Dispose();
                }
            }
        });
        yield return ("FP8 quantisation of tanh-GELU(x) gives the bytes and scale of gelu then the quantisation", () =>
        {
            if (!NativeExtension.HasExport("lax_f8_quantize_gelu_per_tensor")) throw new SkipCheck("the native extension predates the GELU prologue; rebuild it");
            var results = new List<string>();
            var defaultMatches = true;
            foreach (var (rows, pad) in new[] { (3168L, 0L), (100L, 12L) })
            {
                var x = (Noise.Randn([rows, 13824], 71, ScalarType.Float32, dev) * 3).to(ScalarType.BFloat16);
                var (q, inverse) = Float8.QuantizePerTensor(x.gelu(TorchSharp.Modules.GELU.Approximate.tanh), pad);
                foreach (var rounding in new[] { 1, 2 })
                {
                    var (q2, inverse2) = Float8.QuantizeGeluPerTensor(x, pad, rounding);
                    var differing = q2.ne(q).sum().item<long>();
                    var sameScale = inverse.item<float>() == inverse2.item<float>();
                    results.Add($"rows {rows}, rounding {rounding}: {differing} bytes differ{(sameScale ? "" : ", scale differs")}");
                    if (rounding == Fp8Activation.GeluRounding) defaultMatches &= differing == 0 && sameScale;
                }
            }
            Expect(defaultMatches, $"the default rounding ({Fp8Activation.GeluRounding}) is not torch's gelu: {string.Join("; ", results)}");
        });
    }
}
