namespace LiveAvatar.Engine.Models.Fp8;

/// <summary>
/// Host-side arithmetic of the per-tensor E4M3 scheme, in float32 like the device code, so the scale rule and the
/// rounding can be checked on machines without float8 kernels.
/// </summary>
public static class Fp8Math
{
    /// <summary>torch.finfo(float8_e4m3fn).max.</summary>
    public const float E4M3Max = 448f;

    /// <summary>Keeps an all-zero tensor from dividing by zero (its scale then clamps to 448).</summary>
    public const float AmaxFloor = 1e-12f;

    /// <summary>scale = min(448 / max(amax, 1e-12), 448); values are multiplied by it before the cast, and its
    /// reciprocal is what the matmul gets (and what a quantised Linear stores).</summary>
    public static (float Scale, float Inverse) Scale(float amax)
    {
        var scale = MathF.Min(E4M3Max / MathF.Max(amax, AmaxFloor), E4M3Max);
        return (scale, 1f / scale);
    }

    /// <summary>value · scale clamped to ±448 and rounded to the nearest E4M3 number (ties to even), as
    /// <c>(x * scale).clamp(-448, 448).to(float8_e4m3fn)</c> does.</summary>
    public static float Quantize(float value, float scale) => RoundToE4M3(Math.Clamp(value * scale, -E4M3Max, E4M3Max));

    /// <summary>Nearest E4M3FN value (bias 7, 3 mantissa bits, subnormal step 2⁻⁹, max 448, no infinities).</summary>
    public static float RoundToE4M3(float v)
    {
        if (float.IsNaN(v)) return float.NaN;
        var a = Math.Abs((double)v);
        if (a == 0) return v;
        // Spacing of representable values: 2^(e-3) for normals with exponent e ≥ -6, fixed 2^-9 below.
        var e = Math.Max(Math.Floor(Math.Log2(a)), -6);
        var step = Math.Pow(2, e - 3);
        var r = Math.Round(a / step, MidpointRounding.ToEven) * step;
        if (r > E4M3Max) return float.NaN; // e4m3fn has no infinity: out-of-range casts give NaN
        return (float)(v < 0 ? -r : r);
    }
}
