using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>One run of tokens on a RoPE grid, in (f, h, w) order: explicit temporal positions (negative = the
/// conjugate of the positive factor) and spatial indices into the height/width tables.</summary>
public sealed record RopeGrid(int[] T, int[] H, int[] W)
{
    public int Tokens => T.Length * H.Length * W.Length;

    /// <summary>A contiguous grid: temporal positions t0…t0+f−1, spatial 0…h−1, 0…w−1.</summary>
    public static RopeGrid Dense(int t0, int f, int h, int w) =>
        new(Enumerable.Range(t0, f).ToArray(), Enumerable.Range(0, h).ToArray(), Enumerable.Range(0, w).ToArray());

    /// <summary>np.linspace(a, b, n).astype(int) as rope_precompute samples positions.</summary>
    public static int[] Linspace(double a, double b, int n)
    {
        if (n <= 0) return [];
        if (n == 1) return [(int)a];
        var step = (b - a) / (n - 1);
        return Enumerable.Range(0, n).Select(i => (int)(i == n - 1 ? b : a + i * step)).ToArray();
    }
}

/// <summary>
/// 3-D RoPE factors of rope_params/rope_precompute: the head's D/2 complex pairs split temporal | height | width
/// as (c − 2⌊c/3⌋, ⌊c/3⌋, ⌊c/3⌋), θ = 10000 per axis, angles in float64, and the factors stored as complex-half
/// (fp16 real/imag) — the official quantisation, reproduced so the tables match exactly.
/// </summary>
public static class DitRope
{
    public static (int T, int H, int W) Split(int headDim)
    {
        var c = headDim / 2;
        return (c - 2 * (c / 3), c / 3, c / 3);
    }

    /// <summary>Factors for the grids concatenated in order: (cos, sin) each [L, D/2] float32 holding fp16 values.</summary>
    public static (Tensor Cos, Tensor Sin) Factors(int headDim, IReadOnlyList<RopeGrid> grids)
    {
        using var scope = DisposeScope.Enter();
        var (ct, ch, cw) = Split(headDim);
        var cos = new List<Tensor>();
        var sin = new List<Tensor>();
        foreach (var g in grids)
        {
            if (g.Tokens == 0) continue;
            var (tc, ts) = Axis(g.T, 2 * ct);
            var (hc, hs) = Axis(g.H, 2 * ch);
            var (wc, ws) = Axis(g.W, 2 * cw);
            long f = g.T.Length, h = g.H.Length, w = g.W.Length;
            Tensor Grid(Tensor t, Tensor hh, Tensor ww) => Tensor.Cat([
                t.View(f, 1, 1, ct).Expand(f, h, w, ct),
                hh.View(1, h, 1, ch).Expand(f, h, w, ch),
                ww.View(1, 1, w, cw).Expand(f, h, w, cw)], -1).Reshape(f * h * w, ct + ch + cw);
            cos.Add(Grid(tc, hc, wc));
            sin.Add(Grid(ts, hs, ws));
        }
        var c = Tensor.Cat(cos, 0).To(DType.Float16).To(DType.Float32);
        var s = Tensor.Cat(sin, 0).To(DType.Float16).To(DType.Float32);
        scope.MoveToOuter(c, s);
        return (c, s);
    }

    // positions [n] → cos/sin [n, axisDim/2] in float64; a negative position gives the conjugate factor
    private static (Tensor Cos, Tensor Sin) Axis(int[] positions, int axisDim)
    {
        var exps = Tensor.Arange(0, axisDim, 2, DType.Float64) / axisDim;
        var omega = 1.0 / Tensor.Full([axisDim / 2], 10000, DType.Float64).Pow(exps);
        var abs = Tensor.FromArray(positions.Select(p => (double)Math.Abs(p)).ToArray());
        var sign = Tensor.FromArray(positions.Select(p => p < 0 ? -1.0 : 1.0).ToArray()).Unsqueeze(1);
        var angles = abs.Outer(omega);
        return (angles.Cos(), angles.Sin() * sign);
    }

    /// <summary>Rotates x [B, L, N, D] by factors [L, D/2] in float64 (as rope_apply does), returned as float32.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = DisposeScope.Enter();
        var l = cos.Shape[0];
        var c = cos.To(x.Device, DType.Float64).View(1, l, 1, cos.Shape[1]);
        var s = sin.To(x.Device, DType.Float64).View(1, l, 1, sin.Shape[1]);
        return NN.RopePairs(x.To(DType.Float64), c, s).To(DType.Float32).MoveToOuterScope();
    }

    /// <summary>Factors in the fixtures' layout [1, L, N, D/2, 2] (real, imag), broadcast over heads.</summary>
    public static Tensor AsComplexPairs(Tensor cos, Tensor sin, int heads)
    {
        using var scope = DisposeScope.Enter();
        var pair = Tensor.Stack([cos, sin], -1); // [L, D/2, 2]
        var l = pair.Shape[0];
        return pair.View(1, l, 1, pair.Shape[1], 2).Expand(1, l, heads, pair.Shape[1], 2).Contiguous().MoveToOuterScope();
    }
}
