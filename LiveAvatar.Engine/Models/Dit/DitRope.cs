using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Native;

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

    /// <summary>Factors for the grids concatenated in order: (cos, sin) each [L, D/2] float32 holding fp16 values, on
    /// <paramref name="device"/> (default the CPU). Only the per-axis tables (a few rows) are computed on the host; the
    /// [L, D/2] grids are assembled where they are used, so a forward on a GPU neither spends host time on them nor
    /// waits for the GPU to copy them (the same float64 values, cast on the device the same way).</summary>
    public static (Tensor Cos, Tensor Sin) Factors(int headDim, IReadOnlyList<RopeGrid> grids, Device? device = null)
    {
        using var scope = torch.NewDisposeScope();
        var (ct, ch, cw) = Split(headDim);
        var target = device ?? torch.CPU;
        (Tensor, Tensor) On((Tensor Cos, Tensor Sin) t) => (HostMemory.ToDeviceQueued(t.Cos, target), HostMemory.ToDeviceQueued(t.Sin, target));
        var cos = new List<Tensor>();
        var sin = new List<Tensor>();
        foreach (var g in grids)
        {
            if (g.Tokens == 0) continue;
            var (tc, ts) = On(Axis(g.T, 2 * ct));
            var (hc, hs) = On(Axis(g.H, 2 * ch));
            var (wc, ws) = On(Axis(g.W, 2 * cw));
            long f = g.T.Length, h = g.H.Length, w = g.W.Length;
            Tensor Grid(Tensor t, Tensor hh, Tensor ww) => torch.cat([
                t.view(f, 1, 1, ct).expand(f, h, w, ct),
                hh.view(1, h, 1, ch).expand(f, h, w, ch),
                ww.view(1, 1, w, cw).expand(f, h, w, cw)], -1).reshape(f * h * w, ct + ch + cw);
            cos.Add(Grid(tc, hc, wc));
            sin.Add(Grid(ts, hs, ws));
        }
        var c = torch.cat(cos, 0).to(ScalarType.Float16).to(ScalarType.Float32);
        var s = torch.cat(sin, 0).to(ScalarType.Float16).to(ScalarType.Float32);
        scope.MoveToOuter(c, s);
        return (c, s);
    }

    // positions [n] → cos/sin [n, axisDim/2] in float64; a negative position gives the conjugate factor
    private static (Tensor Cos, Tensor Sin) Axis(int[] positions, int axisDim)
    {
        var exps = torch.arange(0, axisDim, 2, ScalarType.Float64) / axisDim;
        var omega = 1.0 / torch.full([axisDim / 2], 10000, ScalarType.Float64).pow(exps);
        var abs = torch.tensor(positions.Select(p => (double)Math.Abs(p)).ToArray());
        var sign = torch.tensor(positions.Select(p => p < 0 ? -1.0 : 1.0).ToArray()).unsqueeze(1);
        var angles = abs.outer(omega);
        return (angles.cos(), angles.sin() * sign);
    }

    /// <summary>
    /// Rotates x [B, L, N, D] by factors [L, D/2], returned as float32. Full-precision inputs rotate in float64 as
    /// rope_apply does (the parity runs); half-precision inputs rotate in float32: their result is rounded back to
    /// bf16/fp16 right after, where float32's error (~1e-7 relative) is far below one half-precision step, and float64
    /// elementwise work is many times slower on GPUs.
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = torch.NewDisposeScope();
        var compute = x.dtype is ScalarType.Float32 or ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var l = cos.shape[0];
        var c = cos.to(compute, x.device).view(1, l, 1, cos.shape[1]);
        var s = sin.to(compute, x.device).view(1, l, 1, sin.shape[1]);
        return Rope.RotatePairs(x.to(compute), c, s).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Factors in the fixtures' layout [1, L, N, D/2, 2] (real, imag), broadcast over heads.</summary>
    public static Tensor AsComplexPairs(Tensor cos, Tensor sin, int heads)
    {
        using var scope = torch.NewDisposeScope();
        var pair = torch.stack([cos, sin], -1); // [L, D/2, 2]
        var l = pair.shape[0];
        return pair.view(1, l, 1, pair.shape[1], 2).expand(1, l, heads, pair.shape[1], 2).contiguous().MoveToOuterDisposeScope();
    }
}
