using LiveAvatar.Engine.Native;
using System.Diagnostics;
using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Models.Vae;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.Bench;

public sealed record VaeBenchResult(string Device, int Width, int Height, int Latents, int Frames, double DecodeMsMedian, double DecodeMsBest,
    double EncodeMotionMs, long PeakBytes)
{
    public override string ToString() =>
        $"VAE (Wan2.1, synthetic, {(Device.StartsWith("cuda") ? "bf16" : "fp32")}) on {Device} at {Width}x{Height}: streaming decode of " +
        $"{Latents} latents -> {Frames} frames, median {DecodeMsMedian:F0} ms, best {DecodeMsBest:F0} ms ({Frames / (DecodeMsMedian / 1000):F1} frames/s, " +
        $"{DecodeMsMedian * 3 / Latents:F0} ms per 12-frame block); encode of the 365-frame motion history {EncodeMotionMs:F0} ms; " +
        $"peak allocated {PeakBytes / 1073741824.0:F1} GiB" +
        (Device.StartsWith("cuda") ? $"; cuDNN tuning {Tuning.ToString().ToLowerInvariant()}" : "") +
        (Fused is { } f ? $"; fused VAE kernels on (unfused decode median {f.UnfusedMsMedian:F0} ms); fused vs unfused frames: {f.Difference}" : "") +
        (UsualLayout is { } u ? $"; decoder activations channels-last (the usual layout: median {u.MsMedian:F0} ms; frames apart: {u.Difference})" : "");

    public CudnnTuning Tuning { get; init; }

    public FusedComparison? Fused { get; init; }

    /// <summary>The same decodes with the decoder's activations in the usual layout (when channels-last is on).</summary>
    public (double MsMedian, OutputDifference Difference)? UsualLayout { get; init; }
}

/// <summary>Streaming decode of <c>latents</c> latents per call (12: one 48-frame clip; 3: one block) after priming,
/// and the single-GPU path's 365-frame motion re-encode, with synthetic weights. Where the fused kernels apply, the
/// same decodes run once more with them suspended, for their time and the difference of the frames.</summary>
public static class VaeBench
{
    public static VaeBenchResult Run(VaeConfig config, string size, int imageWidth, int imageHeight, Device device, int iters, int latents = 12)
    {
        var (h, w) = GenerationSize.Compute(imageHeight, imageWidth, GenerationSize.MaxArea(size));
        var dtype = device.type == DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32;
        if (device.type == DeviceType.CUDA) { CudaDevices.EmptyCache(); CudaDevices.ResetPeakMemory(device.index); }
        var model = new WanVae(config);
        SyntheticWeights.Materialize(model, device, dtype);
        using var vae = new Wan21Vae(model, device, dtype);
        using var scope = torch.NewDisposeScope();
        var (times, video) = MeasureDecodes(vae, config, h, w, device, iters, latents, profile: true);
        FusedComparison? fused = null;
        if (device.type == DeviceType.CUDA && FusedKernels.ChannelNormAvailable)
        {
            using (FusedKernels.Suspend())
            {
                var (unfusedTimes, unfusedVideo) = MeasureDecodes(vae, config, h, w, device, iters, latents, profile: false);
                fused = new FusedComparison(unfusedTimes[unfusedTimes.Count / 2], OutputDifference.Of(unfusedVideo, video));
            }
        }
        (double MsMedian, OutputDifference Difference)? usual = null;
        if (fused is not null && Decoder3d.ChannelsLastMode != VaeChannelsLast.Off)
        {
            var mode = Decoder3d.ChannelsLastMode;
            Decoder3d.ChannelsLastMode = VaeChannelsLast.Off;
            try
            {
                var (usualTimes, usualVideo) = MeasureDecodes(vae, config, h, w, device, iters, latents, profile: false);
                usual = (usualTimes[usualTimes.Count / 2], OutputDifference.Of(usualVideo, video));
            }
            finally
            {
                Decoder3d.ChannelsLastMode = mode;
            }
        }
        var history = SyntheticWeights.Uniform([3, 365, h, w], ScalarType.Float32, device, 9, -1, 1);
        DitBench.Sync(device);
        var sw = Stopwatch.StartNew();
        _ = vae.Encode(history);
        DitBench.Sync(device);
        var encode = sw.Elapsed.TotalMilliseconds;
        var peak = device.type == DeviceType.CUDA ? CudaDevices.MemoryStats(device.index).PeakAllocated : 0;
        return new VaeBenchResult(device.ToString(), w, h, latents, (int)video.shape[1], times[times.Count / 2], times[0], encode, peak)
        {
            Tuning = CudnnAutotune.Mode,
            Fused = fused,
            UsualLayout = usual,
        };
    }

    // A fresh stream decoder primed with one latent, then iters + 1 decodes of the same seeded latents (the first is
    // a warm-up): the sorted times and the last decode's frames.
    private static (List<double> Times, Tensor Video) MeasureDecodes(Wan21Vae vae, VaeConfig config, int h, int w, Device device, int iters,
        int latents, bool profile)
    {
        using var stream = vae.CreateStreamDecoder();
        using (torch.NewDisposeScope())
            _ = stream.Decode(SyntheticWeights.Normal([config.ZDim, 1, h / 8, w / 8], ScalarType.Float32, device, 1));
        var times = new List<double>();
        Tensor? video = null;
        var sw = new Stopwatch();
        for (var i = 0; i < iters + 1; i++)
        {
            video?.Dispose();
            using var s = torch.NewDisposeScope();
            var z = SyntheticWeights.Normal([config.ZDim, latents, h / 8, w / 8], ScalarType.Float32, device, (ulong)i + 2);
            DitBench.Sync(device);
            sw.Restart();
            // The last decode is the one an external profiler captures (ncu --profile-from-start off).
            using (profile && i == iters ? new CudaProfilerRange() : null)
            {
                video = stream.Decode(z).DetachFromDisposeScope();
                DitBench.Sync(device);
            }
            if (i > 0) times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (times, video!);
    }
}
