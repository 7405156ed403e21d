namespace LiveAvatar.Engine.Tests.TestSupport;

/// <summary>Plain-loop reference implementations, written independently of libtorch, to check ops against.</summary>
public static class Reference
{
    public static double[] Seq(int n, double scale = 0.1, double offset = 0) =>
        Enumerable.Range(0, n).Select(i => Math.Sin(i * 1.37 + offset) * scale * (1 + i % 7)).ToArray();

    public static double[] MatMul(double[] a, double[] b, int m, int k, int n)
    {
        var r = new double[m * n];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                double s = 0;
                for (var p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
                r[i * n + j] = s;
            }
        return r;
    }

    /// <summary>Direct 2-D convolution, input [Cin,H,W], weight [Cout,Cin/g,kh,kw], zero padding.</summary>
    public static double[] Conv2d(double[] x, int cin, int h, int w, double[] wt, int cout, int kh, int kw, double[]? bias,
        int sh, int sw, int ph, int pw, int groups, out int oh, out int ow)
    {
        oh = (h + 2 * ph - kh) / sh + 1;
        ow = (w + 2 * pw - kw) / sw + 1;
        var r = new double[cout * oh * ow];
        var cinG = cin / groups;
        var coutG = cout / groups;
        for (var co = 0; co < cout; co++)
        {
            var g = co / coutG;
            for (var y = 0; y < oh; y++)
                for (var xo = 0; xo < ow; xo++)
                {
                    double s = bias?[co] ?? 0;
                    for (var ci = 0; ci < cinG; ci++)
                        for (var dy = 0; dy < kh; dy++)
                            for (var dx = 0; dx < kw; dx++)
                            {
                                var iy = y * sh - ph + dy;
                                var ix = xo * sw - pw + dx;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                s += x[((g * cinG + ci) * h + iy) * w + ix] * wt[((co * cinG + ci) * kh + dy) * kw + dx];
                            }
                    r[(co * oh + y) * ow + xo] = s;
                }
        }
        return r;
    }

    /// <summary>softmax(q k^T * scale) v for one head: q [Lq,D], k/v [Lk,D].</summary>
    public static double[] Attention(double[] q, double[] k, double[] v, int lq, int lk, int d, bool[]? keep = null)
    {
        var scale = 1 / Math.Sqrt(d);
        var r = new double[lq * d];
        for (var i = 0; i < lq; i++)
        {
            var s = new double[lk];
            var max = double.NegativeInfinity;
            for (var j = 0; j < lk; j++)
            {
                if (keep != null && !keep[i * lk + j]) { s[j] = double.NegativeInfinity; continue; }
                double dot = 0;
                for (var p = 0; p < d; p++) dot += q[i * d + p] * k[j * d + p];
                s[j] = dot * scale;
                max = Math.Max(max, s[j]);
            }
            double z = 0;
            for (var j = 0; j < lk; j++) { s[j] = Math.Exp(s[j] - max); z += s[j]; }
            for (var j = 0; j < lk; j++)
                for (var p = 0; p < d; p++) r[i * d + p] += s[j] / z * v[j * d + p];
        }
        return r;
    }

    public static double GeluTanh(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    public static double Silu(double x) => x / (1 + Math.Exp(-x));

    /// <summary>Rounds a float to bfloat16 (round to nearest even) and back.</summary>
    public static double ToBf16(double v)
    {
        var bits = BitConverter.SingleToUInt32Bits((float)v);
        var lsb = (bits >> 16) & 1;
        bits = (bits + 0x7FFF + lsb) & 0xFFFF0000;
        return BitConverter.UInt32BitsToSingle(bits);
    }
}
