using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Models.Vae;
using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Tools.SelfChecks;

/// <summary>The native extension's fused kernels (DiT block and VAE) against the unfused ops they replace.</summary>
public static partial class TorchSelfTest
{
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
        yield return ("fused residual add + LayerNorm + modulation is bit-identical to add_ then the fused norm", () =>
        {
            RequireFused();
            if (!FusedKernels.HasAddLayerNorm) throw new SkipCheck("the native extension predates the fused add; rebuild it");
            var residual = Noise.Randn([1, tokens, width], 21, ScalarType.Float32, dev) * 4;
            var addend = Noise.Randn([1, tokens, width], 22, ScalarType.Float32, dev).to(ScalarType.BFloat16);
            var scale = Noise.Randn([frames, 1, width], 23, ScalarType.Float32, dev) * 0.1;
            var shift = Noise.Randn([frames, 1, width], 24, ScalarType.Float32, dev) * 0.1;
            var expectedResidual = residual.clone().add_(addend);
            var expected = FusedKernels.LayerNormModulate(expectedResidual, scale, shift, 1e-6);
            var got = FusedKernels.AddLayerNormModulate(residual, addend, scale, shift, 1e-6);
            Expect(Same(expectedResidual, residual), $"residual: max |diff| {(expectedResidual - residual).abs().max().item<float>()}");
            Expect(Same(expected, got), "the normalised output differs");
        });
        yield return ("8-bit KV rows: the encode and decode kernels give the PyTorch ops' bytes", () =>
        {
            RequireFused();
            var x = (Noise.Randn([1, tokens, heads, width / heads], 25, ScalarType.Float32, dev)
                     * Noise.Randn([1, tokens, heads, 1], 26, ScalarType.Float32, dev).abs()).to(ScalarType.BFloat16);
            x[0, 7, 3] = torch.zeros(width / heads, ScalarType.BFloat16, dev); // an all-zero vector
            Expect(KvInt8Kernels.Applies(x), "the kernels are not in the extension; rebuild it");
            // Head vectors of 128 (the model's, a vectorised kernel) and of 64 (the general kernel).
            foreach (var rows in new[] { x, x.view(1, tokens, 2 * heads, width / heads / 2) })
            {
                var (codes, scales, back) = KvRows(rows);
                Tensor wantCodes, wantScales, wantBack;
                using (FusedKernels.Suspend()) (wantCodes, wantScales, wantBack) = KvRows(rows);
                var d = rows.shape[^1];
                Expect(Same(wantCodes, codes), $"D={d} codes: {(wantCodes.to(ScalarType.Int32) - codes.to(ScalarType.Int32)).abs().gt(0).sum().item<long>()} differ");
                Expect(Same(wantScales, scales), $"D={d} scales differ");
                Expect(Same(wantBack, back), $"D={d} decoded rows: max |diff| {(wantBack.to(ScalarType.Float32) - back.to(ScalarType.Float32)).abs().max().item<float>()}");
            }
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
        yield return ("fused VAE RMS_norm on channels-last activations matches the usual layout's (into a channels-last buffer's frame range, images too); channels-last bias + residual is bit-identical", () =>
        {
            RequireFused();
            if (!FusedKernels.ChannelNormAvailable) throw new SkipCheck("the native extension predates the VAE kernel; rebuild it");
            foreach (var (shape, seed) in new[] { (new long[] { 1, 96, 4, 96, 176 }, 41UL), ([1, 384, 1, 7, 9], 42UL), ([1, 192, 2, 12, 20], 43UL) })
            {
                var channels = shape[1];
                var x = (Noise.Randn(shape, seed, ScalarType.Float32, dev) * 2 + 0.3).to(ScalarType.BFloat16);
                var gamma = (Noise.Randn([channels, 1, 1, 1], seed + 10, ScalarType.Float32, dev) * 0.2 + 1).to(ScalarType.BFloat16);
                var bias = (Noise.Randn([channels], seed + 20, ScalarType.Float32, dev) * 0.5).to(ScalarType.BFloat16);
                var scale = Math.Sqrt(channels);
                var usual = FusedKernels.ChannelRmsNorm(x, gamma, scale, silu: true, bias: bias);
                var xl = ChannelsLast.From(x);
                var last = FusedKernels.ChannelRmsNorm(xl, gamma, scale, silu: true, bias: bias);
                Expect(ChannelsLast.Is(last), $"{Shapes.Describe(shape)}: the output is not channels-last");
                ExpectBf16Close(usual, last, $"channels-last RMS_norm + SiLU {Shapes.Describe(shape)}");
                long[] bufferShape = [shape[0], channels, shape[2] + 3, shape[3], shape[4]];
                var buffer = ChannelsLast.Empty(bufferShape, ScalarType.BFloat16, dev).fill_(7.0);
                FusedKernels.ChannelRmsNorm(xl, gamma, scale, silu: true, buffer.narrow(2, 2, shape[2]), bias);
                Expect(Same(last, buffer.narrow(2, 2, shape[2])), "the channels-last buffer's frame range differs from the new tensor");
                Expect(buffer.narrow(2, 0, 2).eq(7.0).all().item<bool>() && buffer.narrow(2, 2 + shape[2], 1).eq(7.0).all().item<bool>(),
                    "frames outside the range were written");
                // Per-frame images (the attention block's norm): a channels-last [B·T, C, H, W] view of the same memory
                // is the same rows, so the same values bit for bit.
                var video = FusedKernels.ChannelRmsNorm(xl, gamma, scale, silu: false);
                var images = FusedKernels.ChannelRmsNorm(VaeLayout.ToFrames(xl), gamma.view(channels, 1, 1), scale, silu: false);
                Expect(ChannelsLast.Is(images) && Same(VaeLayout.ToFrames(video), images), $"channels-last image RMS_norm {Shapes.Describe(shape)} differs from the video's");
                var shortcut = Noise.Randn(shape, seed + 30, ScalarType.Float32, dev).to(ScalarType.BFloat16);
                var sum = FusedKernels.BiasResidual(xl, bias, ChannelsLast.From(shortcut));
                Expect(ChannelsLast.Is(sum) && Same(FusedKernels.BiasResidual(x, bias, shortcut), sum), "channels-last bias + residual differs");
            }
        });
    }


    // Norm reductions sum in another order, so a value may round to the neighbouring bf16: allow one bf16 step
    // (2⁻⁸ relative) per element and require almost all elements to be identical.
    // x [1, T, N, D] bf16 → its 8-bit codes, scales and decoded rows, on the kernels unless suspended.
    private static (Tensor Codes, Tensor Scales, Tensor Back) KvRows(Tensor x)
    {
        var codes = torch.empty(x.shape, ScalarType.Int8, x.device);
        var scales = torch.empty(x.shape[..^1], ScalarType.Float32, x.device);
        Int8KvRows.Encode(x, codes, scales);
        var back = torch.empty_like(x);
        Int8KvRows.Decode(codes, scales, back);
        return (codes, scales, back);
    }

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

    private static void RequireFused()
    {
        RequireExtension();
        if (!FusedKernels.IsAvailable) throw new SkipCheck("the native extension has no fused kernels (built without nvcc?) or LIVEAVATAR_FUSED=0");
    }
}
