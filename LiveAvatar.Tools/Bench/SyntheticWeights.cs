using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Pipelines.Bench;

/// <summary>Random weights of the right shapes, drawn on the device itself (16 B parameters take seconds this way):
/// matrices N(0, 1/fan_in), vectors N(0, 0.02²), norm gains 1 — so activations stay in a realistic range.</summary>
public static class SyntheticWeights
{
    public static void Materialize(Module module, Device device, DType dtype, ulong seed = 1)
    {
        var i = 0UL;
        foreach (var (key, p) in module.NamedParameters())
        {
            using var scope = DisposeScope.Enter();
            var t = Tensor.Empty(p.Shape, dtype, device);
            var leaf = key[(key.LastIndexOf('.') + 1)..];
            if (leaf is "gamma" or "weight_g" || key.Contains("norm", StringComparison.Ordinal) && leaf == "weight") t.Fill(1);
            else if (p.Shape.Length < 2 || leaf == "modulation") t.NormalInPlace(seed + i, leaf == "modulation" ? 1 / Math.Sqrt(p.Shape[^1]) : 0.02);
            else t.NormalInPlace(seed + i, 1 / Math.Sqrt(p.Shape.Skip(1).Aggregate(1L, (a, b) => a * b)));
            p.Set(t);
            i++;
        }
    }
}
