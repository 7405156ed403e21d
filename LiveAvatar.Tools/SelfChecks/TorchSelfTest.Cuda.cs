using System.Runtime.InteropServices;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Models.Fp8;
using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Runtime;
using static TorchSharp.torch;

namespace LiveAvatar.Tools.SelfChecks;

public static partial class TorchSelfTest
{
    private static IEnumerable<(string, Action)> CudaChecks(Device dev)
    {
        if (dev.type != TorchSharp.DeviceType.CUDA) yield break;
        var i = Devices.Index(dev);
        yield return ("pinned host memory and non-blocking copies round-trip", () =>
        {
            var host = tensor(Seq(1 << 16), ScalarType.Float32).pin_memory();
            Expect(host.is_pinned(), "tensor is not pinned");
            var d = empty([1 << 16], ScalarType.Float32, dev);
            d.copy_(host, nonBlocking: true);
            var back = empty([1 << 16], ScalarType.Float32).pin_memory();
            back.copy_(d, nonBlocking: true);
            CudaDevices.Synchronize(i);
            Expect(HostArrays.Read<float>(back).SequenceEqual(HostArrays.Read<float>(host)), "values changed in transit");
        });
        yield return ("streams and events order work and time it", () =>
        {
            RequireExtension();
            using var s = CudaStream.Create(i);
            using var start = new CudaEvent();
            using var end = new CudaEvent();
            var x = Noise.Randn([2048, 2048], 1, ScalarType.BFloat16, dev);
            using var prev = CudaStream.Current(i);
            s.MakeCurrent();
            start.Record(s);
            for (var k = 0; k < 10; k++) { using var sc = NewDisposeScope(); _ = x.matmul(x); }
            end.Record(s);
            prev.MakeCurrent();
            prev.Wait(end);
            end.Synchronize();
            var ms = end.ElapsedMsSince(start);
            Expect(ms > 0, $"elapsed {ms} ms");
        });
        yield return ("memory statistics follow an allocation and its release", () =>
        {
            RequireExtension();
            CudaDevices.Synchronize(i);
            var before = CudaDevices.MemoryStats(i).Allocated;
            CudaDevices.ResetPeakMemory(i);
            var big = empty([256L << 20], ScalarType.Byte, dev);
            var during = CudaDevices.MemoryStats(i);
            Expect(during.Allocated - before >= 256L << 20, $"allocated grew by {during.Allocated - before}");
            big.Dispose();
            var after = CudaDevices.MemoryStats(i);
            Expect(after.Allocated == before, $"allocated {after.Allocated} after free, {before} before");
            Expect(after.PeakAllocated >= during.Allocated, "peak below the allocation");
            var (free, total) = CudaDevices.MemoryInfo(i);
            Expect(free > 0 && total >= free, $"mem info free {free} total {total}");
            CudaDevices.EmptyCache();
        });
        yield return ("a per-process memory cap turns a large allocation into a clear error", () =>
        {
            RequireExtension();
            var (_, total) = CudaDevices.MemoryInfo(i);
            CudaDevices.EmptyCache();
            CudaDevices.SetMemoryCap(total / 20, i);
            try
            {
                var ex = Record(() => empty([total / 10], ScalarType.Byte, dev));
                Expect(ex is ExternalException && ex.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase),
                    "expected an out-of-memory error, got " + (ex?.Message ?? "none"));
            }
            finally
            {
                CudaDevices.SetMemoryCap(total, i);
            }
        });
        yield return ("float8 e4m3 scaled matmul approximates the bf16 product", () =>
        {
            if (!Float8.IsSupported(dev, out var why)) throw new SkipCheck(why);
            const int m = 64, k = 128, n = 96;
            var x = Seq(m * k, 0.5); var y = Seq(k * n, 0.5, 3);
            var expected = HostMatMul(x, y, m, k, n);
            var a = On(x, [m, k], ScalarType.Float32, dev);
            var b = On(y, [k, n], ScalarType.Float32, dev);
            var sa = a.abs().amax() / 448.0;
            var sb = b.abs().amax() / 448.0;
            var a8 = Float8.QuantizeE4M3(a, sa.reciprocal());
            var b8 = Float8.QuantizeE4M3(b.transpose(0, 1).contiguous(), sb.reciprocal()).transpose(0, 1); // column-major
            var got = HostArrays.Read<double>(Float8.ScaledMm(a8, b8, sa, sb, null, ScalarType.BFloat16));
            var scale = expected.Max(Math.Abs);
            for (var j = 0; j < expected.Length; j++)
                Expect(Math.Abs(expected[j] - got[j]) < 0.06 * scale, $"fp8 [{j}] {expected[j]} vs {got[j]}");
        });
    }

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
    }

    private static IEnumerable<(string, Action)> RopeChecks(Device dev)
    {
        if (dev.type != TorchSharp.DeviceType.CUDA) yield break;
        yield return ("RoPE factors assembled on the GPU are the host's, bit for bit", () =>
        {
            // A streaming block's grid and the sink's grids at a rolled reference frame (negative positions included).
            var grids = new[] { RopeGrid.Dense(40, 3, 48, 44), RopeGrid.Dense(57, 1, 48, 44), new RopeGrid([-3, -2, -1], [0, 2, 4], [1, 3]) };
            var (c, s) = DitRope.Factors(128, grids);
            var (c2, s2) = DitRope.Factors(128, grids, dev);
            Expect(c2.device_type == TorchSharp.DeviceType.CUDA, $"factors on {c2.device}");
            Expect(Same(c, c2.cpu()) && Same(s, s2.cpu()), $"max |diff| cos {(c - c2.cpu()).abs().max().item<float>()}, sin {(s - s2.cpu()).abs().max().item<float>()}");
        });
    }

    private static IEnumerable<(string, Action)> FusedKernelChecks(Device dev)
    {
        if (dev.type != TorchSharp.DeviceType.CUDA) yield break;
        const int frames = 3, perFrame = 96, width = 5120, heads = 40;
        const int tokens = frames * perFrame;
        yield return ("fused LayerNorm + modulation matches the unfused float32 ops", () =>
        {
            RequireFused();
            var x = (Noise.Randn([1, tokens, width], 11, ScalarType.Float32, dev) * 3 + 0.5).to(ScalarType.BFloat16);
            var scale = Noise.Randn([frames, 1, width], 12, ScalarType.Float32, dev) * 0.1;
            var shift = Noise.Randn([frames, 1, width], 13, ScalarType.Float32, dev) * 0.1;
            var expected = (TorchSharp.torch.nn.functional.layer_norm(x.to(ScalarType.Float32), [width], null, null, 1e-6)
                .view(frames, perFrame, width) * (1.0 + scale) + shift).view(1, tokens, width).to(ScalarType.BFloat16);
            ExpectBf16Close(expected, FusedKernels.LayerNormModulate(x, scale, shift, 1e-6), "layer norm + modulation");
        });
        yield return ("fused gated residual is bit-identical to the unfused ops", () =>
        {
            RequireFused();
            var x = Noise.Randn([1, tokens, width], 14, ScalarType.Float32, dev);
            var y = Noise.Randn([1, tokens, width], 15, ScalarType.Float32, dev).to(ScalarType.BFloat16);
            var gate = Noise.Randn([frames, 1, width], 16, ScalarType.Float32, dev);
            var expected = x + (y.to(ScalarType.Float32).view(frames, perFrame, width) * gate).view(1, tokens, width);
            var got = FusedKernels.GateResidual(x, y, gate);
            Expect(got.dtype == ScalarType.Float32, $"dtype {got.dtype}");
            Expect(Same(expected, got), $"max |diff| {(expected - got).abs().max().item<float>()}");
            Expect(Same(expected.to(ScalarType.BFloat16), FusedKernels.GateResidual(x, y, gate, bf16Out: true)), "bf16 output differs from the cast");
        });
        yield return ("fused RMSNorm + RoPE matches WanRMSNorm then rope_apply", () =>
        {
            RequireFused();
            var x = (Noise.Randn([1, tokens, width], 17, ScalarType.Float32, dev) * 2).to(ScalarType.BFloat16);
            var weight = (Noise.Randn([width], 18, ScalarType.Float32, dev) * 0.2 + 1).to(ScalarType.BFloat16);
            var angles = Noise.Randn([tokens, width / heads / 2], 19, ScalarType.Float32, dev) * 3;
            var (cos, sin) = (angles.cos(), angles.sin());
            var xf = x.to(ScalarType.Float32);
            var normed = (xf * (xf.square().mean([-1], keepdim: true) + 1e-6).rsqrt()).to(ScalarType.BFloat16) * weight;
            var expected = LiveAvatar.Engine.Models.Dit.DitRope.Apply(normed.view(1, tokens, heads, width / heads), cos, sin).to(ScalarType.BFloat16);
            var got = empty([1, tokens, heads, width / heads], ScalarType.BFloat16, dev);
            FusedKernels.RmsNormRope(x, weight, cos, sin, 1e-6, normalize: true, got);
            ExpectBf16Close(expected, got, "RMSNorm + RoPE");
            var ropeOnly = empty([1, tokens, heads, width / heads], ScalarType.BFloat16, dev);
            FusedKernels.RmsNormRope(normed, null, cos, sin, 0, normalize: false, ropeOnly);
            Expect(Same(expected, ropeOnly), $"RoPE alone: max |diff| {(expected.to(ScalarType.Float32) - ropeOnly.to(ScalarType.Float32)).abs().max().item<float>()}");
        });
    }

    private static IEnumerable<(string, Action)> FusedVaeChecks(Device dev)
    {
        if (dev.type != TorchSharp.DeviceType.CUDA) yield break;
        yield return ("fused VAE RMS_norm + SiLU matches the bf16 ops (into a frame range of a buffer, with an input bias); bias + residual is bit-identical", () =>
        {
            RequireFused();
            if (!FusedKernels.ChannelNormAvailable)
                throw new SkipCheck("the native extension predates the VAE kernel; rebuild it");
            // A decoder activation (4-wide loads) and an odd frame (one position per thread).
            foreach (var (shape, seed) in new[] { (new long[] { 1, 96, 4, 96, 176 }, 21UL), ([1, 384, 1, 7, 9], 22UL) })
            {
                var channels = shape[1];
                var x = (Noise.Randn(shape, seed, ScalarType.Float32, dev) * 2 + 0.3).to(ScalarType.BFloat16);
                var gamma = (Noise.Randn([channels, 1, 1, 1], seed + 10, ScalarType.Float32, dev) * 0.2 + 1).to(ScalarType.BFloat16);
                var scale = Math.Sqrt(channels);
                var norm = x.to(ScalarType.Float32).square().sum([1], keepdim: true).sqrt().to(ScalarType.BFloat16).clamp(min: 1e-12);
                var expected = x / norm * scale * gamma;
                var plain = FusedKernels.ChannelRmsNorm(x, gamma, scale, silu: false);
                ExpectBf16Close(expected, plain, $"RMS_norm {Shapes.Describe(shape)}");
                var withSilu = FusedKernels.ChannelRmsNorm(x, gamma, scale, silu: true);
                ExpectBf16Close(plain.silu(), withSilu, $"RMS_norm + SiLU {Shapes.Describe(shape)}");
                // Written into frames [2, 2 + T) of a longer buffer: the frames around it stay untouched.
                long[] bufferShape = [shape[0], channels, shape[2] + 3, shape[3], shape[4]];
                var buffer = full(bufferShape, 7.0, ScalarType.BFloat16, dev);
                FusedKernels.ChannelRmsNorm(x, gamma, scale, silu: true, buffer.narrow(2, 2, shape[2]));
                Expect(Same(withSilu, buffer.narrow(2, 2, shape[2])), "the buffer's frame range differs from the new tensor");
                Expect(buffer.narrow(2, 0, 2).eq(7.0).all().item<bool>() && buffer.narrow(2, 2 + shape[2], 1).eq(7.0).all().item<bool>(),
                    "frames outside the range were written");
                // A convolution's bias left to the norm: the same as adding it in bf16 first.
                var bias = (Noise.Randn([channels], seed + 20, ScalarType.Float32, dev) * 0.5).to(ScalarType.BFloat16);
                var biased = x + bias.view(1, channels, 1, 1, 1);
                Expect(Same(FusedKernels.ChannelRmsNorm(biased, gamma, scale, silu: true), FusedKernels.ChannelRmsNorm(x, gamma, scale, silu: true, bias: bias)),
                    "the norm's input bias differs from adding the bias first");
                // The residual block's end: bias and shortcut in one pass, bit for bit the two bf16 adds.
                var shortcut = Noise.Randn(shape, seed + 30, ScalarType.Float32, dev).to(ScalarType.BFloat16);
                Expect(Same(biased + shortcut, FusedKernels.BiasResidual(x, bias, shortcut)), "bias + residual differs from the two adds");
            }
        });
    }

    // Norm reductions sum in another order, so a value may round to the neighbouring bf16: allow one bf16 step
    // (2⁻⁸ relative) per element and require almost all elements to be identical.
    private static void ExpectBf16Close(Tensor expected, Tensor got, string what)
    {
        var e = expected.to(ScalarType.Float32);
        var g = got.to(ScalarType.Float32);
        var diff = (e - g).abs();
        var allowed = e.abs() * (1.0 / 128) + 1e-6;
        var worst = (diff - allowed).max().item<float>();
        var differing = diff.gt(0).to(ScalarType.Float32).mean().item<float>();
        Expect(worst <= 0, $"{what}: an element differs by more than one bf16 step (max |diff| {diff.max().item<float>()})");
        Expect(differing < 0.02, $"{what}: {differing:P1} of the elements differ (expected under 2 %)");
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static void RequireFused()
    {
        RequireExtension();
        if (!FusedKernels.IsAvailable) throw new SkipCheck("the native extension has no fused kernels (built without nvcc?) or LIVEAVATAR_FUSED=0");
    }

    private static void RequireExtension()
    {
        if (!NativeExtension.HasCuda) throw new SkipCheck(NativeExtension.UnavailableReason ?? "the native extension was built without CUDA");
    }

    private static Exception? Record(Action a)
    {
        try { a(); return null; }
        catch (Exception e) { return e; }
    }
}
