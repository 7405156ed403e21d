using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Vae;

/// <summary>
/// RMS_norm (channel-first): F.normalize over dim 1 (an L2 norm, no mean subtraction) × √C × gamma. Gamma is
/// [C,1,1,1] for video tensors (images=False) and [C,1,1] for per-frame images (images=True). Bias is the constant 0.
/// </summary>
public sealed class RmsNorm : Module
{
    private readonly double _scale;

    public Parameter Gamma { get; }

    public RmsNorm(long dim, bool images)
    {
        _scale = Math.Sqrt(dim);
        Gamma = images ? Param("gamma", dim, 1, 1) : Param("gamma", dim, 1, 1, 1);
    }

    /// <summary>x [B, C, T, H, W] (or [B·T, C, H, W] for images) → same shape.</summary>
    public Tensor Forward(Tensor x) => Forward(x, silu: false);

    /// <summary>RMS_norm, then SiLU when <paramref name="silu"/> (every residual block and head runs the two back to
    /// back). bf16 on CUDA takes one fused kernel (<see cref="FusedKernels.ChannelRmsNorm"/>), with the
    /// original's bf16 roundings.</summary>
    public Tensor Forward(Tensor x, bool silu)
    {
        using var scope = torch.NewDisposeScope();
        if (FusedKernels.AppliesToChannelNorm(x))
            return FusedKernels.ChannelRmsNorm(x, Gamma.T, _scale, silu).MoveToOuterDisposeScope();
        // F.normalize: x / max(‖x‖₂, 1e-12). The norm as sqrt(Σx²): libtorch's CPU norm kernel is ~13× slower
        // over a small channel dim of a large video (1.3 s vs 0.1 s for [1, 4, 365, 160, 160]).
        // In bf16 the squares are summed in float32 and the norm rounded once, as libtorch's norm kernel does.
        var wide = x.dtype == ScalarType.Float32 || x.dtype == ScalarType.Float64 ? x : x.to(ScalarType.Float32);
        var denom = wide.square().sum([1], keepdim: true).sqrt().to(x.dtype).clamp(min: 1e-12);
        var y = x / denom * _scale * Gamma.T;
        return (silu ? y.silu() : y).MoveToOuterDisposeScope();
    }

    /// <summary>The fused RMS_norm (+ SiLU) of bf16 x on CUDA written into <paramref name="output"/> (x's sizes, may be
    /// a frame range of a causal buffer); <paramref name="inputBias"/> [C] is added to x first (the bias its
    /// convolution left out). Only where <see cref="FusedKernels.AppliesToChannelNorm"/> holds.</summary>
    public void ForwardInto(Tensor x, Tensor output, bool silu, Tensor? inputBias = null) =>
        FusedKernels.ChannelRmsNorm(x, Gamma.T, _scale, silu, output, inputBias);
}
