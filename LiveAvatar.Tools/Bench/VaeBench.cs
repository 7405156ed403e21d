using LiveAvatar.Engine.Native;
using System.Diagnostics;
using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Models.Vae;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.Bench;

public sealed record VaeBenchResult(string Device, int Width, int Height, int Frames, double DecodeMsMedian, double DecodeMsBest,
    double EncodeMotionMs, long PeakBytes)
{
    public override string ToString() =>
        $"VAE (Wan2.1, synthetic, {(Device.StartsWith("cuda") ? "bf16" : "fp32")}) on {Device} at {Width}x{Height}: streaming decode of one clip " +
        $"(12 latents -> {Frames} frames) median {DecodeMsMedian:F0} ms, best {DecodeMsBest:F0} ms ({Frames / (DecodeMsMedian / 1000):F1} frames/s); " +
        $"encode of the 365-frame motion history {EncodeMotionMs:F0} ms; peak allocated {PeakBytes / 1073741824.0:F1} GiB" +
        (Device.StartsWith("cuda") ? $"; cuDNN autotuner {(CudnnAutotune ? "on" : "off")}" : "");

    public bool CudnnAutotune { get; init; }
}

/// <summary>Decode of one 48-frame clip (12 latents through the streaming decoder, after priming) and the
/// single-GPU path's 365-frame motion re-encode, with synthetic weights.</summary>
public static class VaeBench
{
    public static VaeBenchResult Run(VaeConfig config, string size, int imageWidth, int imageHeight, Device device, int iters)
    {
        var (h, w) = GenerationSize.Compute(imageHeight, imageWidth, GenerationSize.MaxArea(size));
        var dtype = device.type == DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32;
        if (device.type == DeviceType.CUDA) { CudaDevices.EmptyCache(); CudaDevices.ResetPeakMemory(device.index); }
        var model = new WanVae(config);
        SyntheticWeights.Materialize(model, device, dtype);
        using var vae = new Wan21Vae(model, device, dtype);
        using var scope = torch.NewDisposeScope();
        using var stream = vae.CreateStreamDecoder();
        _ = stream.Decode(SyntheticWeights.Normal([config.ZDim, 1, h / 8, w / 8], ScalarType.Float32, device, 1));
        var times = new List<double>();
        var frames = 0;
        var sw = new Stopwatch();
        for (var i = 0; i < iters + 1; i++)
        {
            using var s = torch.NewDisposeScope();
            var z = SyntheticWeights.Normal([config.ZDim, 12, h / 8, w / 8], ScalarType.Float32, device, (ulong)i + 2);
            DitBench.Sync(device);
            sw.Restart();
            Tensor video;
            // The last decode is the one an external profiler captures (ncu --profile-from-start off).
            using (i == iters ? new CudaProfilerRange() : null)
            {
                video = stream.Decode(z);
                DitBench.Sync(device);
            }
            frames = (int)video.shape[1];
            if (i > 0) times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        var history = SyntheticWeights.Uniform([3, 365, h, w], ScalarType.Float32, device, 9, -1, 1);
        DitBench.Sync(device);
        sw.Restart();
        _ = vae.Encode(history);
        DitBench.Sync(device);
        var encode = sw.Elapsed.TotalMilliseconds;
        var peak = device.type == DeviceType.CUDA ? CudaDevices.MemoryStats(device.index).PeakAllocated : 0;
        return new VaeBenchResult(device.ToString(), w, h, frames, times[times.Count / 2], times[0], encode, peak) { CudnnAutotune = device.type == DeviceType.CUDA && CudnnAutotune.EnsureConfigured() };
    }
}
