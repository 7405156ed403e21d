using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Tensors;

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
        using var scope = DisposeScope.Enter();
        long b = x.Shape[0], l = x.Shape[1];
        var f = e.Shape[0] / b;
        var m = (Modulation.T + e.Unsqueeze(1)).View(b, f, 2, _dim);      // [B, F, 2, C]
        var n = NN.LayerNorm(x.To(DType.Float32), [_dim], null, null, _eps).View(b, f, l / f, _dim);
        var h = n * (1.0 + m.Narrow(2, 1, 1)) + m.Narrow(2, 0, 1);
        return Head.ForwardFloat32(h.Flatten(1, 2)).To(x.DType).MoveToOuterScope();
    }
}
