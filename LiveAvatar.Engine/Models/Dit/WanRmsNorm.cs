using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>WanRMSNorm over the full model width: x·rsqrt(mean(x²)+eps), in float32, then ·weight.</summary>
public sealed class WanRmsNorm : Module
{
    private readonly double _eps;
    public Parameter Weight { get; }

    public double Eps => _eps;

    public WanRmsNorm(long dim, double eps)
    {
        _eps = eps;
        Weight = Param("weight", dim);
    }

    public Tensor Forward(Tensor x)
    {
        if (FusedKernels.Applies(x) && Weight.T.dtype == ScalarType.BFloat16) return FusedKernels.RmsNorm(x, Weight.T, _eps);
        using var scope = torch.NewDisposeScope();
        var xf = x.to(ScalarType.Float32);
        var normed = (xf * (xf.square().mean([-1], keepdim: true) + _eps).rsqrt()).to(x.dtype);
        return (normed * Weight.T).MoveToOuterDisposeScope();
    }
}
