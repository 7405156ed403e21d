using LiveAvatar.Engine.Native;
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Cli.Commands;

/// <summary>`liveavatar bench matmul`: square matmul throughput on a device, printed as TFLOP/s.</summary>
public static partial class BenchCommand
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = new ArgReader(args, new HashSet<string> { "tiny", "online_decode", "memory", "fp8", "vae_parallel", "synthetic", "recover", "offload_kv_cache" });
        if (a.Positional.Count != 1 || a.Positional[0] is not ("matmul" or "dit" or "vae" or "sampler" or "fp8" or "live" or "wav2vec2"))
        {
            stderr.WriteLine("usage: liveavatar bench matmul [--size N] [--dtype bf16|f16|f32] [--device cpu|cuda:N] [--iters N] [--warmup N]");
            stderr.WriteLine("       liveavatar bench wav2vec2 [--seconds N] [--audio A.wav,B.wav] [--ckpt_dir DIR | --synthetic] [--threads N] (long audio: windows against one forward)");
            stderr.WriteLine("       liveavatar bench live [--blocks N] (the live session without media: audio arriving in real time, latency per block)");
            stderr.WriteLine("       liveavatar bench dit|vae|sampler|fp8 [--size 704*384] [--device cuda:0] [--iters N] [--clips N] [--online_decode] [--tiny] [--memory] [--stages N] [--vae_parallel] [--loop streaming|original] [--fp8 [--fp8_quant fused|fast|reference]] [--kv_rings bf16|int8] [--soak N] [--memory_profile auto|24|48|80] [--memory_cap GiB [--recover]] [--offload_kv_cache] [--latents N (vae: per decode, 12)]");
            return Task.FromResult(2);
        }
        TorchRuntime.EnsureLoaded();
        if (a.Positional[0] == "wav2vec2") return Task.FromResult(BenchAudioCommand.Run(a, stdout));
        if (a.Positional[0] != "matmul") return Task.FromResult(RunModelBench(a.Positional[0], a, stdout));
        var device = Devices.Parse(a.String("device") ?? (CudaDevices.IsAvailable ? "cuda:0" : "cpu"));
        var n = a.Int("size", device.type == DeviceType.CUDA ? 8192 : 1024, 1, 65536);
        var dtype = DTypeNames.Parse(a.String("dtype") ?? (device.type == DeviceType.CUDA ? "bf16" : "f32"));
        var iters = a.Int("iters", device.type == DeviceType.CUDA ? 50 : 5, 1);
        var warmup = a.Int("warmup", 3, 0);
        a.RejectUnknown();

        using var scope = torch.NewDisposeScope();
        var x = Noise.Randn([n, n], 1, dtype, device);
        var y = Noise.Randn([n, n], 2, dtype, device);
        void Sync() { if (device.type == DeviceType.CUDA) CudaDevices.Synchronize(Devices.Index(device)); }
        for (var i = 0; i < warmup; i++) { using var s = torch.NewDisposeScope(); _ = x.matmul(y); }
        Sync();
        var times = new List<double>();
        for (var i = 0; i < iters; i++)
        {
            using var s = torch.NewDisposeScope();
            var sw = Stopwatch.StartNew();
            _ = x.matmul(y);
            Sync();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        var median = times[times.Count / 2];
        var flops = 2.0 * n * n * (double)n;
        stdout.WriteLine($"matmul {n}x{n}x{n} {DTypeNames.Name(dtype)} on {Devices.Name(device)} ({torch.get_num_threads()} host threads): median {median:F3} ms, best {times[0]:F3} ms, " +
                         $"{Rate(flops / (median * 1e-3))} (median), {Rate(flops / (times[0] * 1e-3))} (best), {iters} iters");
        return Task.FromResult(0);
    }

    private static string Rate(double flopsPerSecond) =>
        flopsPerSecond >= 1e12 ? $"{flopsPerSecond / 1e12:F1} TFLOP/s" : $"{flopsPerSecond / 1e9:F1} GFLOP/s";
}
