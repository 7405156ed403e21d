using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Cli.Commands;

public static partial class SelfTestCommand
{
    private static IEnumerable<(string, Action)> CudaChecks(Device dev)
    {
        if (!dev.IsCuda) yield break;
        var i = dev.Index;
        yield return ("pinned host memory and non-blocking copies round-trip", () =>
        {
            var host = Tensor.FromArray(Seq(1 << 16), null, DType.Float32).PinMemory();
            Expect(host.IsPinned, "tensor is not pinned");
            var d = Tensor.Empty([1 << 16], DType.Float32, dev);
            d.CopyFrom(host, nonBlocking: true);
            var back = Tensor.Empty([1 << 16], DType.Float32, Device.Cpu, pinned: true);
            back.CopyFrom(d, nonBlocking: true);
            Cuda.Synchronize(i);
            Expect(back.ToArray<float>().SequenceEqual(host.ToArray<float>()), "values changed in transit");
        });
        yield return ("streams and events order work and time it", () =>
        {
            using var s = CudaStream.Create(i);
            using var start = new CudaEvent();
            using var end = new CudaEvent();
            var x = Tensor.RandN([2048, 2048], 1, DType.BFloat16, dev);
            using var prev = CudaStream.Current(i);
            s.MakeCurrent();
            start.Record(s);
            for (var k = 0; k < 10; k++) { using var sc = DisposeScope.Enter(); _ = x.MatMul(x); }
            end.Record(s);
            prev.MakeCurrent();
            prev.Wait(end);
            end.Synchronize();
            var ms = end.ElapsedMsSince(start);
            Expect(ms > 0, $"elapsed {ms} ms");
        });
        yield return ("memory statistics follow an allocation and its release", () =>
        {
            Cuda.Synchronize(i);
            var before = Cuda.MemoryStats(i).Allocated;
            Cuda.ResetPeakMemory(i);
            var big = Tensor.Empty([256L << 20], DType.UInt8, dev);
            var during = Cuda.MemoryStats(i);
            Expect(during.Allocated - before >= 256L << 20, $"allocated grew by {during.Allocated - before}");
            big.Dispose();
            var after = Cuda.MemoryStats(i);
            Expect(after.Allocated == before, $"allocated {after.Allocated} after free, {before} before");
            Expect(after.PeakAllocated >= during.Allocated, "peak below the allocation");
            var (free, total) = Cuda.MemoryInfo(i);
            Expect(free > 0 && total >= free, $"mem info free {free} total {total}");
            Cuda.EmptyCache();
        });
        yield return ("a per-process memory cap turns a large allocation into a clear error", () =>
        {
            var (_, total) = Cuda.MemoryInfo(i);
            Cuda.EmptyCache();
            Cuda.SetMemoryFraction(0.05, i);
            try
            {
                var ex = Record(() => Tensor.Empty([total / 10], DType.UInt8, dev));
                Expect(ex is TorchException && ex.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase),
                    "expected an out-of-memory error, got " + (ex?.Message ?? "none"));
            }
            finally
            {
                Cuda.SetMemoryFraction(1.0, i);
            }
        });
        yield return ("float8 e4m3 scaled matmul approximates the bf16 product", () =>
        {
            if (!Torch.HasFloat8) throw new SkipCheck("libtorch has no float8");
            const int m = 64, k = 128, n = 96;
            var x = Seq(m * k, 0.5); var y = Seq(k * n, 0.5, 3);
            var expected = HostMatMul(x, y, m, k, n);
            var a = Tensor.FromArray(x, [m, k], DType.Float32, dev);
            var b = Tensor.FromArray(y, [k, n], DType.Float32, dev);
            var sa = a.Abs().Amax() / 448.0;
            var sb = b.Abs().Amax() / 448.0;
            var a8 = (a / sa).To(DType.Float8E4M3);
            var b8 = (b / sb).Transpose(0, 1).Contiguous().To(DType.Float8E4M3).Transpose(0, 1); // column-major
            var got = NN.ScaledMm(a8, b8, sa.To(DType.Float32), sb.To(DType.Float32)).ToArray<double>();
            var scale = expected.Max(Math.Abs);
            for (var j = 0; j < expected.Length; j++)
                Expect(Math.Abs(expected[j] - got[j]) < 0.06 * scale, $"fp8 [{j}] {expected[j]} vs {got[j]}");
        });
    }

    private static Exception? Record(Action a)
    {
        try { a(); return null; }
        catch (Exception e) { return e; }
    }
}
