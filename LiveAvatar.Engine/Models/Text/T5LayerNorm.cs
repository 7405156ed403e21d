using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Tensors;

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
        using var scope = DisposeScope.Enter();
        // The mean square is taken in fp32 even for bf16 activations, as t5.py does; the product is
        // cast back to a half weight's dtype before the gain.
        var rms = (x.To(DType.Float32).Square().Mean(-1, keepDim: true) + _eps).Rsqrt();
        var y = x * rms;
        var w = Weight.T;
        if (w.DType is DType.BFloat16 or DType.Float16) y = y.To(w.DType);
        return scope.MoveToOuter(w * y);
    }
}
