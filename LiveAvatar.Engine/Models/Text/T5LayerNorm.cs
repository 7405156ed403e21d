using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>T5's RMSNorm: weight · x · rsqrt(mean(x²) + eps), no mean subtraction, no bias.</summary>
public sealed class T5LayerNorm : Module
{
    private readonly double _eps;
    public Parameter Weight { get; }

    public T5LayerNorm(long dim, double eps = 1e-6)
    {
        _eps = eps;
        Weight = Param("weight", dim);
    }

    public Tensor Forward(Tensor x)
    {
        // x [B, L, C]
        using var scope = torch.NewDisposeScope();
        // The mean square is taken in fp32 even for bf16 activations, as t5.py does; the product is
        // cast back to a half weight's dtype before the gain.
        var rms = (x.to(ScalarType.Float32).square().mean([-1], keepdim: true) + _eps).rsqrt();
        var y = x * rms;
        var w = Weight.T;
        if (w.dtype is ScalarType.BFloat16 or ScalarType.Float16) y = y.to(w.dtype);
        return scope.MoveToOuter(w * y);
    }
}
