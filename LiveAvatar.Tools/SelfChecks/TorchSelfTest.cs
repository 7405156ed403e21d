using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Runtime;
using static TorchSharp.torch;

namespace LiveAvatar.Tools.SelfChecks;

/// <summary>
/// Checks libtorch through TorchSharp on one device against values computed independently on the host (loops in
/// double precision), plus the native extension's CUDA features. Each check runs in a dispose scope and must leave
/// no tensor behind.
/// </summary>
public static partial class TorchSelfTest
{
    public static (int Passed, int Failed) Run(Device device, TextWriter stdout)
    {
        var extension = NativeExtension.IsAvailable ? $"native extension {NativeExtension.LoadedFrom}" : $"no native extension ({NativeExtension.UnavailableReason})";
        stdout.WriteLine($"selftest on {Devices.Name(device)} with libtorch {TorchRuntime.Version} through TorchSharp; {extension}");
        int passed = 0, failed = 0;
        foreach (var (name, check) in Checks(device))
        {
            var live = Tensor.TotalCount;
            try
            {
                using (NewDisposeScope()) check();
                if (Tensor.TotalCount != live) throw new InvalidOperationException($"leaked {Tensor.TotalCount - live} tensors");
                stdout.WriteLine($"PASS {name}");
                passed++;
            }
            catch (SkipCheck s)
            {
                stdout.WriteLine($"SKIP {name}: {s.Message}");
            }
            catch (Exception e)
            {
                stdout.WriteLine($"FAIL {name}: {e.Message.Split('\n')[0]}");
                failed++;
            }
        }
        stdout.WriteLine($"{passed} passed, {failed} failed");
        return (passed, failed);
    }

    private sealed class SkipCheck(string why) : Exception(why);

    private static void Expect(bool ok, string what)
    {
        if (!ok) throw new InvalidOperationException(what);
    }

    private static void Close(double[] expected, Tensor got, double tol, string what) => Close(expected, HostArrays.Read<double>(got), tol, what);

    private static void Close(double[] expected, double[] got, double tol, string what)
    {
        Expect(expected.Length == got.Length, $"{what}: {got.Length} values, expected {expected.Length}");
        for (var i = 0; i < expected.Length; i++)
            if (Math.Abs(expected[i] - got[i]) > tol * (1 + Math.Abs(expected[i])))
                throw new InvalidOperationException($"{what}[{i}]: expected {expected[i]:G9}, got {got[i]:G9} (tol {tol:E1})");
    }

    private static Tensor On(double[] values, long[] shape, ScalarType dtype, Device device) => tensor(values, shape, dtype, device);

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
