using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Cli.Commands;

/// <summary>
/// `liveavatar selftest [--device cuda:N]`: checks the tensor layer on a device against independently
/// computed values (host loops in double precision). This is how the tensor tests run on a GPU machine,
/// which has no .NET SDK; it ends with the plain "N passed, N failed" line.
/// </summary>
public static partial class SelfTestCommand
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = new ArgReader(args);
        Torch.EnsureLoaded();
        var device = Device.Parse(a.String("device") ?? (Cuda.IsAvailable ? "cuda:0" : "cpu"));
        a.RejectUnknown();
        Torch.DisableGrad();
        stdout.WriteLine($"selftest on {device} with libtorch {Torch.Version} (fused attention: {Torch.HasFusedAttention}, float8: {Torch.HasFloat8})");
        int passed = 0, failed = 0;
        foreach (var (name, check) in Checks(device))
        {
            var live = Tensor.LiveCount;
            try
            {
                using (DisposeScope.Enter()) check();
                if (Tensor.LiveCount != live) throw new InvalidOperationException($"leaked {Tensor.LiveCount - live} tensors");
                stdout.WriteLine($"PASS {name}");
                passed++;
            }
            catch (SkipCheck s)
            {
                stdout.WriteLine($"SKIP {name}: {s.Message}");
            }
            catch (Exception e)
            {
                stdout.WriteLine($"FAIL {name}: {e.Message}");
                failed++;
            }
        }
        stdout.WriteLine($"{passed} passed, {failed} failed");
        return Task.FromResult(failed == 0 ? 0 : 1);
    }

    private sealed class SkipCheck(string why) : Exception(why);

    private static void Expect(bool ok, string what)
    {
        if (!ok) throw new InvalidOperationException(what);
    }

    private static void Close(double[] expected, double[] got, double tol, string what)
    {
        Expect(expected.Length == got.Length, $"{what}: {got.Length} values, expected {expected.Length}");
        for (var i = 0; i < expected.Length; i++)
            if (Math.Abs(expected[i] - got[i]) > tol * (1 + Math.Abs(expected[i])))
                throw new InvalidOperationException($"{what}[{i}]: expected {expected[i]:G9}, got {got[i]:G9} (tol {tol:E1})");
    }

    private static double[] Seq(int n, double scale = 0.1, double offset = 0) =>
        Enumerable.Range(0, n).Select(i => Math.Sin(i * 1.37 + offset) * scale * (1 + i % 7)).ToArray();

    private static double[] HostMatMul(double[] x, double[] y, int m, int k, int n)
    {
        var r = new double[m * n];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                double s = 0;
                for (var p = 0; p < k; p++) s += x[i * k + p] * y[p * n + j];
                r[i * n + j] = s;
            }
        return r;
    }

    private static double[] HostAttention(double[] q, double[] k, double[] v, int lq, int lk, int d)
    {
        var r = new double[lq * d];
        for (var i = 0; i < lq; i++)
        {
            var s = new double[lk];
            for (var j = 0; j < lk; j++)
            {
                double dot = 0;
                for (var p = 0; p < d; p++) dot += q[i * d + p] * k[j * d + p];
                s[j] = dot / Math.Sqrt(d);
            }
            var max = s.Max();
            var z = s.Sum(x => Math.Exp(x - max));
            for (var j = 0; j < lk; j++)
                for (var p = 0; p < d; p++) r[i * d + p] += Math.Exp(s[j] - max) / z * v[j * d + p];
        }
        return r;
    }
}
