using static TorchSharp.torch;

namespace LiveAvatar.Engine.Models.Common;

/// <summary>Rotary embedding on adjacent pairs, as the original's view_as_complex(x) * freqs.</summary>
public static class Rope
{
    /// <summary>
    /// Rotates (x[2j], x[2j+1]) by angles given as cos/sin [..., D/2] (broadcast): the same as multiplying
    /// view_as_complex(x) by cos + i·sin. Computed in fp32 (fp64 for fp64 input) and returned in x's dtype.
    /// </summary>
    public static Tensor RotatePairs(Tensor x, Tensor cos, Tensor sin)
    {
        var d = x.shape[^1];
        if (d % 2 != 0) throw new ArgumentException($"rope: the last dim must be even, got {d}", nameof(x));
        using var scope = NewDisposeScope();
        var compute = x.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        long[] pairs = [.. x.shape[..^1], d / 2, 2];
        var xf = x.to(compute).reshape(pairs);
        var x0 = xf.select(-1, 0);
        var x1 = xf.select(-1, 1);
        var c = cos.to(compute);
        var s = sin.to(compute);
        return stack([x0 * c - x1 * s, x0 * s + x1 * c], -1).flatten(-2).to(x.dtype).MoveToOuterDisposeScope();
    }
}
