using LiveAvatar.Engine.Native;
using System.Diagnostics;
using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Models.Dit;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.Bench;

public sealed record DitBenchResult(string Device, int Width, int Height, int Layers, long Parameters, double MaterializeSeconds,
    double PrefillMs, double ForwardMsMedian, double ForwardMsBest, int Tokens, int CondTokens, long PeakBytes, long WeightBytes,
    long CacheBytes, FusedComparison? Fused = null)
{
    /// <summary>With <c>--fp8</c>: the FP8 forward's output against the bf16 forward's on the same weights and inputs.</summary>
    public Fp8Comparison? Fp8 { get; init; }

    /// <summary>With <c>--kv_rings int8</c>: a forward's output over an 8-bit ring against the same forward over a ring
    /// in the compute dtype, each ring filled by the same four forwards before it.</summary>
    public OutputDifference? KvRingDifference { get; init; }

    /// <summary>How long the host took to queue one forward's work (the call returning, before the sync): near the
    /// forward's time means the GPU waits for the host, far below it means the GPU is the limit.</summary>
    public double HostIssueMsMedian { get; init; }

    /// <summary>Single-device video rate if every block took <paramref name="steps"/> forwards and nothing else.</summary>
    public double DitOnlyFps(int steps) => 12 / (steps * ForwardMsMedian / 1000);

    public override string ToString() =>
        $"DiT block forward at {Width}x{Height} on {Device}: {Layers} layers, {Parameters / 1e9:F2} B params (synthetic; bf16 on cuda, fp32 on cpu), " +
        $"{Tokens} query tokens, {CondTokens} sink tokens; materialize {MaterializeSeconds:F1} s; prefill {PrefillMs:F1} ms; " +
        $"forward median {ForwardMsMedian:F1} ms, best {ForwardMsBest:F1} ms (host done queueing after {HostIssueMsMedian:F1} ms, median); DiT-only rate at 4 steps {DitOnlyFps(4):F2} FPS; " +
        $"peak allocated {PeakBytes / 1073741824.0:F1} GiB (weights {WeightBytes / 1073741824.0:F1} GiB, one step's KV ring + sink {CacheBytes / 1073741824.0:F1} GiB)" +
        (Fused is { } f ? $"; {f}" : "") + (Fp8 is { } q ? $"; {q}" : "") +
        (KvRingDifference is { } r ? $"; 8-bit vs compute-dtype KV ring, output of the same forward after four that filled the ring: {r}, relative L2 error {r.RelativeL2:P2}" : "");
}

/// <summary>How far one forward's output is from a reference output of the same inputs.</summary>
public sealed record OutputDifference(double MaxAbsDiff, double RefMaxAbs, double MeanAbsDiff, double RelativeL2)
{
    public static OutputDifference Of(Tensor reference, Tensor other)
    {
        var diff = (other - reference).abs();
        return new OutputDifference(diff.max().item<float>(), reference.abs().max().item<float>(), diff.mean().item<float>(),
            (diff.square().sum().sqrt() / reference.square().sum().sqrt()).item<float>());
    }

    public override string ToString() => $"max |diff| {MaxAbsDiff:G3} of max |value| {RefMaxAbs:G3}, mean |diff| {MeanAbsDiff:G3}";
}

/// <summary>The quality cost of FP8 linears at the level of a whole block forward (the velocity the sampler steps with).</summary>
public sealed record Fp8Comparison(OutputDifference Difference, string Quantisation)
{
    public override string ToString() =>
        $"FP8 activation quantisation {Quantisation}; FP8 vs bf16 output of the same forward: {Difference}, relative L2 error {Difference.RelativeL2:P2}";
}

/// <summary>The same forward with the fused kernels suspended: its time, and how far the fused output is from it.</summary>
public sealed record FusedComparison(double UnfusedMsMedian, OutputDifference Difference)
{
    public override string ToString() =>
        $"fused kernels on (unfused forward median {UnfusedMsMedian:F1} ms); fused vs unfused output: {Difference}";
}

/// <summary>One DiT block forward (3 latent frames at one step) with synthetic full-size weights: time and memory.</summary>
public static class DitBench
{
    public static DitBenchResult Run(DitConfig config, string size, int imageWidth, int imageHeight, Device device, int iters, int warmup = 2, ScalarType? dtypeOverride = null, bool fp8 = false,
        KvRingFormat kvRings = KvRingFormat.Compute)
    {
        var (h, w) = GenerationSize.Compute(imageHeight, imageWidth, GenerationSize.MaxArea(size));
        int lh = h / 8, lw = w / 8;
        var dtype = dtypeOverride ?? (device.type == DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32);
        if (device.type == DeviceType.CUDA) { CudaDevices.EmptyCache(); CudaDevices.ResetPeakMemory(device.index); }
        var sw = Stopwatch.StartNew();
        using var dit = new CausalWanModelS2V(config);
        SyntheticWeights.Materialize(dit, device, dtype);
        Sync(device);
        var materialize = sw.Elapsed.TotalSeconds;
        var fsl = dit.FrameSeqLen(lh, lw);
        var condLen = config.CondLength(lh, lw);
        using var cond = dit.NewCondCache(lh, lw, device, dtype);
        var tail = !DitShortcuts.IsOff(DitShortcut.RingTail) && kvRings == KvRingFormat.Compute;
        using var ring = dit.NewRingCache(lh, lw, 12, device, dtype, sinkTail: tail, format: kvRings);
        var cacheBytes = DitLayerRows.Bytes(config, (long)condLen * (tail ? 2 : 1), dtype) + DitRingCache.BytesFor(config, 12L * fsl, kvRings, dtype);
        using var scope = torch.NewDisposeScope();
        var context = SyntheticWeights.Normal([40, config.TextDim], dtype, device, 3, 0.1);
        var sink = new DitSinkInput(SyntheticWeights.Normal([config.InDim, 1, lh, lw], dtype, device, 4),
            SyntheticWeights.Normal([config.InDim, config.MotionLatentFrames, lh, lw], dtype, device, 5), context);
        var latents = SyntheticWeights.Normal([config.InDim, 3, lh, lw], dtype, device, 6);
        var audio = SyntheticWeights.Normal([1, config.NumAudioLayers, config.AudioDim, 12], dtype, device, 7);
        // Blocks of a full ring (current_start past the ring's 12 frames): every forward attends to all 12 ring frames
        // and the sink, the steady state of a run (15,312 keys at 704*384), as every block after the first clip does.
        DitStreamInput Input(int i) => new(latents, 1000f, context, audio, 3 * fsl * (4 + i % 4), 12);
        // FP8's cost in quality: the first block's forward in bf16, then the same after the conversion (sink
        // re-prefilled with the FP8 weights, as an FP8 run fills it).
        Tensor? bf16Output = null;
        if (fp8)
        {
            dit.Prefill(sink, cond);
            bf16Output = dit.Forward(Input(0), ring, cond).to(ScalarType.Float32);
        }
        var fp8Saved = fp8 ? LiveAvatar.Engine.Models.Fp8.Fp8Conversion.Apply(dit).BytesSaved : 0;
        // The peak of an FP8 run, not of the bf16 weights it was converted from.
        if (fp8 && device.type == DeviceType.CUDA) { CudaDevices.EmptyCache(); CudaDevices.ResetPeakMemory(device.index); }
        var weightBytes = dit.NamedParameters().Sum(p => p.P.Shape.Aggregate(1L, (a, b) => a * b)) * dtype.ElementSize() - fp8Saved;
        sw.Restart();
        dit.Prefill(sink, cond);
        Sync(device);
        var prefill = sw.Elapsed.TotalMilliseconds;
        var fp8Comparison = bf16Output is null ? null : new Fp8Comparison(OutputDifference.Of(bf16Output, dit.Forward(Input(0), ring, cond).to(ScalarType.Float32)),
            LiveAvatar.Engine.Models.Fp8.Fp8Quantisation.Mode.ToString().ToLowerInvariant() + ", GEMM through " +
            LiveAvatar.Engine.Models.Fp8.Fp8Gemm.Path switch { LiveAvatar.Engine.Models.Fp8.Fp8GemmPath.CublasLt => "cuBLASLt (cached plans)", _ => "_scaled_mm" });
        var times = new List<double>();
        var issueTimes = new List<double>();
        for (var i = 0; i < warmup + iters; i++)
        {
            using var s = torch.NewDisposeScope();
            Sync(device);
            sw.Restart();
            // The last forward is the one an external profiler captures (ncu/nsys --profile-from-start off).
            using (i == warmup + iters - 1 ? new CudaProfilerRange() : null)
            {
                _ = dit.Forward(Input(i), ring, cond);
                if (i >= warmup) issueTimes.Add(sw.Elapsed.TotalMilliseconds);
                Sync(device);
            }
            if (i >= warmup) times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        issueTimes.Sort();
        var peak = device.type == DeviceType.CUDA ? CudaDevices.MemoryStats(device.index).PeakAllocated : 0;
        var ringDifference = kvRings == KvRingFormat.Int8 ? RingFormatDifference(dit, ring, cond, lh, lw, device, dtype, Input) : null;
        FusedComparison? fused = null;
        if (FusedKernels.Applies(latents))
        {
            using var s = torch.NewDisposeScope();
            var withFused = dit.Forward(Input(0), ring, cond).to(ScalarType.Float32);
            Tensor without;
            var unfusedTimes = new List<double>();
            using (FusedKernels.Suspend())
            {
                without = dit.Forward(Input(0), ring, cond).to(ScalarType.Float32);
                for (var i = 0; i < warmup + iters; i++)
                {
                    using var s2 = torch.NewDisposeScope();
                    Sync(device);
                    sw.Restart();
                    _ = dit.Forward(Input(i), ring, cond);
                    Sync(device);
                    if (i >= warmup) unfusedTimes.Add(sw.Elapsed.TotalMilliseconds);
                }
            }
            unfusedTimes.Sort();
            fused = new FusedComparison(unfusedTimes[unfusedTimes.Count / 2], OutputDifference.Of(without, withFused));
        }
        return new DitBenchResult(device.ToString() + (fp8 ? " (FP8 linears)" : "") + (kvRings == KvRingFormat.Int8 ? " (8-bit KV ring)" : ""), w, h, config.NumLayers, dit.ParameterCount(), materialize, prefill,
            times[times.Count / 2], times[0], 3 * fsl, condLen, peak, weightBytes, cacheBytes, fused)
        { Fp8 = fp8Comparison, HostIssueMsMedian = issueTimes[issueTimes.Count / 2], KvRingDifference = ringDifference };
    }

    // The 8-bit ring's cost in quality: the same four forwards fill it and a ring in the compute dtype, then one more
    // forward over each (its error includes what the earlier forwards' coded rows did to later layers' inputs).
    private static OutputDifference RingFormatDifference(CausalWanModelS2V dit, DitRingCache coded, DitCondCache cond, int lh, int lw,
        Device device, ScalarType dtype, Func<int, DitStreamInput> input)
    {
        using var scope = torch.NewDisposeScope();
        using var exact = dit.NewRingCache(lh, lw, 12, device, dtype);
        Tensor Last(DitRingCache ring)
        {
            for (var i = 0; i < 4; i++) dit.Forward(input(i), ring, cond).Dispose();
            return dit.Forward(input(0), ring, cond).to(ScalarType.Float32);
        }
        return OutputDifference.Of(Last(exact), Last(coded));
    }

    internal static void Sync(Device d)
    {
        if (d.type == DeviceType.CUDA) CudaDevices.Synchronize(d.index);
    }
}
