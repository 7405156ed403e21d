using System.Runtime.InteropServices;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Models.Fp8;
using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Runtime;
using static TorchSharp.torch;

namespace LiveAvatar.Tools.SelfChecks;

public static partial class TorchSelfTest
{
    private static IEnumerable<(string, Action)> CudaChecks(Device dev)
    {
        if (dev.type != TorchSharp.DeviceType.CUDA) yield break;
        var i = Devices.Index(dev);
        yield return ("pinned host memory and non-blocking copies round-trip", () =>
        {
            var host = tensor(Seq(1 << 16), ScalarType.Float32).pin_memory();
            Expect(host.is_pinned(), "tensor is not pinned");
            var d = empty([1 << 16], ScalarType.Float32, dev);
            d.copy_(host, nonBlocking: true);
            var back = empty([1 << 16], ScalarType.Float32).pin_memory();
            back.copy_(d, nonBlocking: true);
            CudaDevices.Synchronize(i);
            Expect(HostArrays.Read<float>(back).SequenceEqual(HostArrays.Read<float>(host)), "values changed in transit");
        });
        yield return ("streams and events order work and time it", () =>
        {
            RequireExtension();
            using var s = CudaStream.Create(i);
            using var start = new CudaEvent();
            using var end = new CudaEvent();
            var x = Noise.Randn([2048, 2048], 1, ScalarType.BFloat16, dev);
            using var prev = CudaStream.Current(i);
            s.MakeCurrent();
            start.Record(s);
            for (var k = 0; k < 10; k++) { using var sc = NewDisposeScope(); _ = x.matmul(x); }
            end.Record(s);
            prev.MakeCurrent();
            prev.Wait(end);
            end.Synchronize();
            var ms = end.ElapsedMsSince(start);
            Expect(ms > 0, $"elapsed {ms} ms");
        });
        yield return ("memory statistics follow an allocation and its release", () =>
        {
            RequireExtension();
            CudaDevices.Synchronize(i);
            var before = CudaDevices.MemoryStats(i).Allocated;
            CudaDevices.ResetPeakMemory(i);
            var big = empty([256L << 20], ScalarType.Byte, dev);
            var during = CudaDevices.MemoryStats(i);
            Expect(during.Allocated - before >= 256L << 20, $"allocated grew by {during.Allocated - before}");
            big.Dispose();
            var after = CudaDevices.MemoryStats(i);
            Expect(after.Allocated == before, $"allocated {after.Allocated} after free, {before} before");
            Expect(after.PeakAllocated >= during.Allocated, "peak below the allocation");
            var (free, total) = CudaDevices.MemoryInfo(i);
            Expect(free > 0 && total >= free, $"mem info free {free} total {total}");
            CudaDevices.EmptyCache();
        });
        yield return ("a per-process memory cap turns a large allocation into a clear error", () =>
        {
            RequireExtension();
            var (_, total) = CudaDevices.MemoryInfo(i);
            CudaDevices.EmptyCache();
            CudaDevices.SetMemoryCap(total / 20, i);
            try
            {
                var ex = Record(() => empty([total / 10], ScalarType.Byte, dev));
                Expect(ex is ExternalException && ex.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase),
                    "expected an out-of-memory error, got " + (ex?.Message ?? "none"));
            }
            finally
            {
                CudaDevices.SetMemoryCap(total, i);
            }
        });
        yield return ("float8 e4m3 scaled matmul approximates the bf16 product", () =>
        {
            if (!Float8.IsSupported(dev, out var why)) throw new SkipCheck(why);
            const int m = 64, k = 128, n = 96;
            var x = Seq(m * k, 0.5); var y = Seq(k * n, 0.5, 3);
            var expected = HostMatMul(x, y, m, k, n);
            var a = On(x, [m, k], ScalarType.Float32, dev);
            var b = On(y, [k, n], ScalarType.Float32, dev);
            var sa = a.abs().amax() / 448.0;
            var sb = b.abs().amax() / 448.0;
            var a8 = Float8.QuantizeE4M3(a, sa.reciprocal());
            var b8 = Float8.QuantizeE4M3(b.transpose(0, 1).contiguous(), sb.reciprocal()).transpose(0, 1); // column-major
            var got = HostArrays.Read<double>(Float8.ScaledMm(a8, b8, sa, sb, null, ScalarType.BFloat16));
            var scale = expected.Max(Math.Abs);
            for (var j = 0; j < expected.Length; j++)
                Expect(Math.Abs(expected[j] - got[j]) < 0.06 * scale, $"fp8 [{j}] {expected[j]} vs {got[j]}");
        });
    }

    private static IEnumerable<(string, Action)> RopeChecks(Device dev)
    {
        if (dev.type != TorchSharp.DeviceType.CUDA) yield break;
        yield return ("RoPE factors assembled on the GPU are the host's, bit for bit", () =>
        {
            // A streaming block's grid and the sink's grids at a rolled reference frame (negative positions included).
            var grids = new[] { RopeGrid.Dense(40, 3, 48, 44), RopeGrid.Dense(57, 1, 48, 44), new RopeGrid([-3, -2, -1], [0, 2, 4], [1, 3]) };
            var (c, s) = DitRope.Factors(128, grids);
            var (c2, s2) = DitRope.Factors(128, grids, dev);
            Expect(c2.device_type == TorchSharp.DeviceType.CUDA, $"factors on {c2.device}");
            Expect(Same(c, c2.cpu()) && Same(s, s2.cpu()), $"max |diff| cos {(c - c2.cpu()).abs().max().item<float>()}, sin {(s - s2.cpu()).abs().max().item<float>()}");
        });
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static void RequireExtension()
    {
        if (!NativeExtension.HasCuda) throw new SkipCheck(NativeExtension.UnavailableReason ?? "the native extension was built without CUDA");
    }

    private static Exception? Record(Action a)
    {
        try { a(); return null; }
        catch (Exception e) { return e; }
    }
}
