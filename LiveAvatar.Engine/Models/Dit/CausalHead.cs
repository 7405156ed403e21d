using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>CausalHead_S2V: LayerNorm without affine, per-frame (shift, scale) from head.modulation + e, Linear to
/// out_dim·patch volume. Runs in float32.</summary>
public sealed class CausalHead : Module
{
    private readonly long _dim;
    private readonly double _eps;
    public Parameter Modulation { get; }
    public Linear Head { get; }

    public CausalHead(DitConfig c)
    {
        _dim = c.Dim;
        _eps = c.Eps;
        Modulation = Param("modulation", 1, 2, c.Dim);
        Head = Child("head", new Linear(c.Dim, c.OutDim * c.PatchVolume));
    }

    // x [B, F·fsl, C], e [B·F, C] float32 → [B, F·fsl, out·p]
    public Tensor Forward(Tensor x, Tensor e)
    {
        using var scope = torch.NewDisposeScope();
        long b = x.shape[0], l = x.shape[1];
        var f = e.shape[0] / b;
        var m = (Modulation.T + e.unsqueeze(1)).view(b, f, 2, _dim);      // [B, F, 2, C]
        var n = F.layer_norm(x.to(ScalarType.Float32), [_dim], null, null, _eps).view(b, f, l / f, _dim);
        var h = n * (1.0 + m.narrow(2, 1, 1)) + m.narrow(2, 0, 1);
        return Head.ForwardFloat32(h.flatten(1, 2)).to(x.dtype).MoveToOuterDisposeScope();
    }
}
