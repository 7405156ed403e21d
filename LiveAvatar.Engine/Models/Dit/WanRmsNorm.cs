using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>WanRMSNorm over the full model width: x·rsqrt(mean(x²)+eps), in float32, then ·weight.</summary>
public sealed class WanRmsNorm : Module
{
    private readonly double _eps;
    public Parameter Weight { get; }

    public WanRmsNorm(long dim, double eps)
    {
        _eps = eps;
        Weight = Param("weight", dim);
    }

    public Tensor Forward(Tensor x)
    {
        using var scope = DisposeScope.Enter();
        var xf = x.To(DType.Float32);
        var normed = (xf * (xf.Square().Mean(-1, keepDim: true) + _eps).Rsqrt()).To(x.DType);
        return (normed * Weight.T).MoveToOuterScope();
    }
}
