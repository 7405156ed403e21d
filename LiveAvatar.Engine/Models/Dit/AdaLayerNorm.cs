using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>diffusers AdaLayerNorm(chunk_dim=1): (shift, scale) = chunk₂(linear(SiLU(temb))), LayerNorm eps 1e-5
/// without affine, then ·(1+scale) + shift.</summary>
public sealed class AdaLayerNorm : Module
{
    private readonly long _dim;
    public Linear Linear { get; }

    public AdaLayerNorm(long dim)
    {
        _dim = dim;
        Linear = Child("linear", new Linear(dim, 2 * dim));
    }

    // x [B', L, C], temb [B', C] → [B', L, C]
    public Tensor Forward(Tensor x, Tensor temb)
    {
        using var scope = torch.NewDisposeScope();
        var ss = Linear.Forward(temb.silu()).chunk(2, 1);
        var n = F.layer_norm(x, [_dim], null, null, 1e-5);
        return (n * (1.0 + ss[1].unsqueeze(1)) + ss[0].unsqueeze(1)).MoveToOuterDisposeScope();
    }
}
