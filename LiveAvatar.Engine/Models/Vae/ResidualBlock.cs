using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Vae;

/// <summary>
/// residual = Sequential(RMS_norm, SiLU, CausalConv3d 3³, RMS_norm, SiLU, Dropout, CausalConv3d 3³) plus a 1×1×1
/// shortcut when the width changes. Dropout is the identity at inference.
/// </summary>
public sealed class ResidualBlock : Module, IVaeLayer
{
    public VaeSequential Residual { get; }
    public CausalConv3d? Shortcut { get; }

    public ResidualBlock(long inDim, long outDim)
    {
        Residual = Child("residual", new VaeSequential()
            .Add(0, new RmsNorm(inDim, images: false))
            .Add(2, new CausalConv3d(inDim, outDim, 3, padding: 1))
            .Add(3, new RmsNorm(outDim, images: false))
            .Add(6, new CausalConv3d(outDim, outDim, 3, padding: 1)));
        if (inDim != outDim) Shortcut = Child("shortcut", new CausalConv3d(inDim, outDim, 1));
    }

    /// <summary>x [B, Cin, T, H, W] → [B, Cout, T, H, W]; two cache slots (the two 3³ convs).</summary>
    public Tensor Forward(Tensor x, FeatureCache? cache)
    {
        if (cache is not null && FusedKernels.AppliesToChannelNorm(x)) return ForwardFused(x, cache);
        using var scope = torch.NewDisposeScope();
        var h = Shortcut?.Forward(x) ?? x;
        x = Residual.At<RmsNorm>(0).Forward(x, silu: true);
        x = Conv(Residual.At<CausalConv3d>(2), x, cache);
        x = Residual.At<RmsNorm>(3).Forward(x, silu: true);
        x = Conv(Residual.At<CausalConv3d>(6), x, cache);
        return (x + h).MoveToOuterDisposeScope();
    }

    // bf16 on CUDA: each norm + SiLU writes straight into its convolution's causal buffer (no concatenated copy),
    // the first convolution's bias is added inside the second norm, and the second's bias and the shortcut in one
    // pass: the same bf16 roundings as the unfused ops, about half the memory traffic.
    private Tensor ForwardFused(Tensor x, FeatureCache cache)
    {
        using var scope = torch.NewDisposeScope();
        var h = Shortcut?.Forward(x) ?? x;
        var (norm1, conv1) = (Residual.At<RmsNorm>(0), Residual.At<CausalConv3d>(2));
        var (norm2, conv2) = (Residual.At<RmsNorm>(3), Residual.At<CausalConv3d>(6));
        var y = conv1.ForwardNormed(norm1, x, cache, withBias: false);
        var z = conv2.ForwardNormed(norm2, y, cache, inputBias: conv1.Bias.T, withBias: false);
        return FusedKernels.BiasResidual(z, conv2.Bias.T, h).MoveToOuterDisposeScope();
    }

    private static Tensor Conv(CausalConv3d conv, Tensor x, FeatureCache? cache) =>
        cache is null ? conv.Forward(x) : conv.Forward(x, cache);
}
