using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Vae;

/// <summary>Single-head self-attention within each frame over its H·W positions (never across time, so it needs
/// no cache); 1×1 conv projections; residual.</summary>
public sealed class AttentionBlock : Module, IVaeLayer
{
    public RmsNorm Norm { get; }
    public Conv ToQkv { get; }
    public Conv Proj { get; }

    public AttentionBlock(long dim)
    {
        Norm = Child("norm", new RmsNorm(dim, images: true));
        ToQkv = Child("to_qkv", new Conv(dim, dim * 3, [1, 1]));
        Proj = Child("proj", new Conv(dim, dim, [1, 1]));
    }

    /// <summary>x [B, C, T, H, W] → same shape.</summary>
    public Tensor Forward(Tensor x, FeatureCache? cache)
    {
        using var scope = torch.NewDisposeScope();
        var identity = x;
        var (b, c, t, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4]);
        var frames = VaeLayout.ToFrames(x);                                   // [B·T, C, H, W]
        var qkv = ToQkv.Forward(Norm.Forward(frames))
            .reshape(b * t, 1, c * 3, h * w).permute(0, 1, 3, 2).contiguous(); // [B·T, 1, H·W, 3C]
        var parts = qkv.chunk(3, -1);
        var y = F.scaled_dot_product_attention(parts[0], parts[1], parts[2]);  // [B·T, 1, H·W, C]
        y = y.squeeze(1).permute(0, 2, 1).reshape(b * t, c, h, w);
        y = VaeLayout.FromFrames(Proj.Forward(y), t);
        return (y + identity).MoveToOuterDisposeScope();
    }
}
