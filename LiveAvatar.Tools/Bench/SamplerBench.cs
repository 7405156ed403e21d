using LiveAvatar.Engine.Native;
using System.Diagnostics;
using LiveAvatar.Engine.Generation;
using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Models.Vae;
using LiveAvatar.Engine.Pipelines.Core;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.Bench;

internal sealed class Disposer(IReadOnlyList<IDisposable> items) : IDisposable
{
    public void Dispose() { foreach (var i in items) i.Dispose(); }
}

/// <summary>Host and device memory after one clip.</summary>
public sealed record MemorySample(int Clip, long HostBytes, long DeviceAllocatedBytes, long LiveTensors);

public sealed record SamplerBenchResult(string Device, int Width, int Height, int Clips, int Frames, double SetupSeconds,
    double FirstClipSeconds, double TotalSeconds, IReadOnlyList<double> ClipSeconds, long PeakBytes, bool OnlineDecode,
    IReadOnlyList<MemorySample> Memory, bool Streaming = false, double FirstBlockSeconds = 0, double ColdFirstBlockSeconds = 0)
{
    /// <summary>Time to first block of a run whose picture is the previous run's (its reference encodes cached).</summary>
    public double SamePictureFirstBlockSeconds { get; init; }

    /// <summary>The soak's report (<see cref="SamplerSoak"/>), when asked for.</summary>
    public IReadOnlyList<string>? Soak { get; init; }

    /// <summary>The process's peak resident host memory (what a memory profile needs in host RAM).</summary>
    public long HostPeakBytes { get; init; }

    /// <summary>What the memory profile decided, when the run used one.</summary>
    public string? MemoryPlan { get; init; }

    /// <summary>Memory over the run: samples every <paramref name="every"/> clips plus the spread after clip 2.</summary>
    public string MemoryReport(int every)
    {
        var lines = Memory.Where(m => m.Clip % every == 0 || m.Clip == 1 || m.Clip == Memory.Count)
            .Select(m => $"  clip {m.Clip,5}: host {m.HostBytes / 1048576.0,8:F1} MiB, device {m.DeviceAllocatedBytes / 1048576.0,8:F1} MiB, live tensors {m.LiveTensors}");
        var steady = Memory.Skip(2).ToList();
        var summary = steady.Count == 0 ? "" :
            $"  after clip 2: host {steady.Min(m => m.HostBytes) / 1048576.0:F1}..{steady.Max(m => m.HostBytes) / 1048576.0:F1} MiB, " +
            $"device {steady.Min(m => m.DeviceAllocatedBytes) / 1048576.0:F1}..{steady.Max(m => m.DeviceAllocatedBytes) / 1048576.0:F1} MiB, " +
            $"live tensors {steady.Min(m => m.LiveTensors)}..{steady.Max(m => m.LiveTensors)}";
        return string.Join(Environment.NewLine, lines.Append(summary));
    }

    public double Fps => Frames / TotalSeconds;
    public double SteadyFps => ClipSeconds.Count > 1 ? 48 / ClipSeconds.Skip(1).Average() : Fps;

    private string LoopName => Streaming
        ? "block-streaming loop (timestep-forcing pipeline, streaming VAE decode per block)"
        : $"original single-GPU loop, {(OnlineDecode ? "online" : "deferred (per clip)")} decode";

    public override string ToString() =>
        $"streaming generation on {Device} at {Width}x{Height}, {Clips} clips ({Frames} frames), synthetic DiT + " +
        $"VAE in bf16 (fp32 on cpu), {LoopName}: " +
        (Streaming ? $"time to first block {FirstBlockSeconds:F2} s" +
            (ColdFirstBlockSeconds > 0 ? $" (models resident and warm; {ColdFirstBlockSeconds:F2} s in the process's first run)" : "") +
            (SamePictureFirstBlockSeconds > 0 ? $", {SamePictureFirstBlockSeconds:F2} s with the previous run's picture" : "") + ", " : "") +
        $"time to first clip {FirstClipSeconds:F2} s " +
        $"(after {SetupSeconds:F2} s of reference/motion encode + sink prefill inside it), total {TotalSeconds:F2} s, {Fps:F2} FPS overall, " +
        $"{SteadyFps:F2} FPS after the first clip; per clip {(ClipSeconds.Count <= 8 ? string.Join(", ", ClipSeconds.Select(c => c.ToString("F2"))) : $"{ClipSeconds.Min():F2}..{ClipSeconds.Max():F2}")} s; " +
        $"peak allocated {PeakBytes / 1073741824.0:F1} GiB, host peak {HostPeakBytes / 1073741824.0:F1} GiB" +
        (MemoryPlan is null ? "" : $"; {MemoryPlan}") +
        (KvRings is { } k ? $"; KV rings on the GPU: {k.OnGpu} of {k.Total}" + (KvRingTails is { } t ? $" ({t} read in place with the sink in a tail)" : "") : "") +
        (StepTimes is { } st ? $"; after the first clip the first stage issues a DiT step in {st.IssueMs:F1} ms of host time (median)" +
            (st.DeviceIntervalMs is { } d ? $" and steps start {d:F1} ms apart on the GPU" : "") : "") +
        (StepExcess is { } x ? $"; {x}" : "");

    /// <summary>The measured run's first stage after its first clip: median host issue time of a DiT step and the
    /// median device interval between step starts (<see cref="StepTimings"/>).</summary>
    public (double IssueMs, double? DeviceIntervalMs)? StepTimes { get; init; }

    /// <summary>Where the steady steps' device time beyond the median interval goes: the excess per step position in
    /// a clip (16 positions at 4 blocks of 4 steps), summed over the clips.</summary>
    public string? StepExcess { get; init; }

    /// <summary>The measured run's KV rings on the GPU, of all its rings (block-streaming runs).</summary>
    public (int OnGpu, int Total)? KvRings { get; init; }

    /// <summary>Of those, the rings with a sink tail (read in place by attention).</summary>
    public int? KvRingTails { get; init; }
}

/// <summary>The engine's whole denoise + decode loop with synthetic full-size weights and synthetic conditioning (text
/// context and audio embedding of the right shapes): the block-streaming pipeline (default, any number of stages) or
/// the original single-GPU loop (<c>originalLoop</c>). Media encoding is not included.</summary>
public static class SamplerBench
{
    public static SamplerBenchResult Run(DitConfig ditConfig, VaeConfig vaeConfig, string size, int imageWidth, int imageHeight,
        Device device, int clips, bool onlineDecode, bool offloadKv = false, ScalarType? dtypeOverride = null,
        int stages = 1, bool vaeParallel = false, bool originalLoop = false, int soakRuns = 0, MemoryPlan? memoryPlan = null)
    {
        if (memoryPlan is { StreamDitWeights: true } or { KvOnHost: true } && stages > 1)
            throw new ArgumentException("the 24 and 48 GB memory profiles run on one GPU (--stages 1)");
        offloadKv |= memoryPlan?.KvOnHost == true;
        var streaming = stages > 1 || !originalLoop;
        var (h, w) = GenerationSize.Compute(imageHeight, imageWidth, GenerationSize.MaxArea(size));
        var dtype = dtypeOverride ?? (device.type == DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32);
        if (device.type == DeviceType.CUDA) { CudaDevices.EmptyCache(); for (var i = 0; i < CudaDevices.Count; i++) CudaDevices.ResetPeakMemory(i); }
        // Stage i on cuda:i (all on the CPU when benchmarking there); the VAE on its own device or the last stage's.
        var stageDevices = Enumerable.Range(0, stages).Select(i => device.type == DeviceType.CUDA ? Devices.Cuda(device.index + i) : device).ToList();
        var vaeDevice = vaeParallel && device.type == DeviceType.CUDA ? Devices.Cuda(device.index + stages) : stageDevices[^1];
        var dits = new List<(CausalWanModelS2V Dit, Device Device)>();
        foreach (var d in stageDevices)
        {
            var shared = dits.FirstOrDefault(x => x.Device == d).Dit;
            if (shared is null) shared = SyntheticDit(ditConfig, d, dtype, memoryPlan);
            dits.Add((shared, d));
        }
        using var disposeDits = new Disposer(dits.Select(x => x.Dit).Distinct().ToList());
        var dit = dits[0].Dit;
        using var vae = SyntheticWeights.Vae(vaeConfig, vaeDevice, dtype);
        using var scope = torch.NewDisposeScope();
        var inputs = new SamplerInputs(
            SyntheticWeights.Uniform([3, 1, h, w], ScalarType.Float32, device, 1, -1, 1),
            SyntheticWeights.Normal([40, ditConfig.TextDim], dtype, device, 2, 0.1),
            SyntheticWeights.Normal([1, ditConfig.NumAudioLayers, ditConfig.AudioDim, clips * 48], dtype, device, 3),
            clips, 48, 4, onlineDecode, Norm3Bf16: dtype == ScalarType.BFloat16);
        // Kept between runs as a resident server keeps them: host KV rings, and the last picture's reference encodes.
        using var hostRings = new HostRingPool();
        using var pictures = new SinkLatentCache();
        using var stepTimings = new StepTimings();
        PipelineSampler Streamer(bool timed = false) => new(dits, vae, dtype)
            { EmitBlocks = true, OffloadKvCache = offloadKv, HostRings = hostRings, KvBudgetBytes = offloadKv ? null : memoryPlan?.KvBudgetBytes,
              KvRingFormat = memoryPlan?.KvRingFormat ?? KvRingFormat.Compute, Timings = timed ? stepTimings : null };
        PipelineSampler? measured = null;
        IEnumerable<SamplerEvent> Events() => streaming
            ? (measured = Streamer(timed: true)).Run(inputs, new SeededRandomness(420))
            : new SingleDeviceSampler(dit, vae, device, dtype, offloadKv) { HostRings = hostRings }.Run(inputs, new SeededRandomness(420));
        // A one-clip run first, as a resident server has done before a request arrives: cuDNN/cuBLAS plans, the
        // allocator's pools and the lazily loaded kernels are ready. Its time to first block is the cold one. The
        // measured run then encodes its picture as a new one; a last one-clip run reuses the picture's encodes.
        var warm = streaming && device.type == DeviceType.CUDA;
        var coldFirstBlock = warm ? FirstBlockOf(Streamer().Run(inputs with { Clips = 1, SinkCache = pictures }, new SeededRandomness(7)), device) : 0;
        if (warm) CudaDevices.ResetPeakMemory(device.index);
        DitBench.Sync(device);
        var clock = Stopwatch.StartNew();
        double setup = -1, first = 0, last = 0, firstBlock = 0;
        var perClip = new List<double>();
        var memory = new List<MemorySample>();
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var frames = 0;
        // The clips after the first are the steady loop an external profiler captures (nsys --capture-range=cudaProfilerApi).
        LiveAvatar.Engine.Native.CudaProfilerRange? steady = null;
        foreach (var e in Events())
        {
            if (e is SamplerStep && setup < 0) { DitBench.Sync(device); setup = clock.Elapsed.TotalSeconds; }
            if (e is SamplerBlock blk)
            {
                blk.Video.Dispose();
                if (firstBlock == 0) { DitBench.Sync(device); firstBlock = clock.Elapsed.TotalSeconds; }
            }
            if (e is SamplerClip c)
            {
                frames += (int)c.Video.shape[1];
                c.Video.Dispose();
                c.Latents.Dispose();
                DitBench.Sync(device);
                var now = clock.Elapsed.TotalSeconds;
                if (first == 0) first = now;
                perClip.Add(now - last);
                last = now;
                steady ??= new LiveAvatar.Engine.Native.CudaProfilerRange();
                self.Refresh();
                memory.Add(new MemorySample(c.Clip + 1, self.WorkingSet64, device.type == DeviceType.CUDA ? CudaDevices.MemoryStats(device.index).Allocated : 0, Tensor.TotalCount));
            }
        }
        steady?.Dispose();
        self.Refresh();
        var hostPeak = self.PeakWorkingSet64;
        var peak = device.type == DeviceType.CUDA ? stageDevices.Append(vaeDevice).Distinct().Max(d => CudaDevices.MemoryStats(d.index).PeakAllocated) : 0;
        var where = stages > 1 ? $"{stages} pipeline stages on {string.Join(", ", stageDevices.Distinct())}, VAE on {vaeDevice}" : device.ToString();
        var total = clock.Elapsed.TotalSeconds; // before the soak, which is not part of the measured run
        var samePicture = warm ? FirstBlockOf(Streamer().Run(inputs with { Clips = 1, SinkCache = pictures }, new SeededRandomness(8)), device) : 0;
        var soak = soakRuns > 0 && streaming && device.type == DeviceType.CUDA ? SamplerSoak.Run(() => Streamer(), inputs, device, soakRuns) : null;
        return new SamplerBenchResult(where, w, h, clips, frames, setup, first, total, perClip, peak, onlineDecode, memory,
            streaming, firstBlock, coldFirstBlock) { Soak = soak, HostPeakBytes = hostPeak, MemoryPlan = memoryPlan?.Summary, SamePictureFirstBlockSeconds = samePicture,
              KvRings = measured?.KvRings, KvRingTails = measured?.KvRingTails, StepTimes = streaming && clips > 1 && stepTimings.Steps > 4 * 4 + 1 ? stepTimings.Medians(4 * 4) : null,
              StepExcess = Excess(stepTimings.DeviceIntervals(4 * 4), 4 * 4) };
    }

    // Per position in a clip (the interval ending at that step), the time beyond the median, summed over the clips:
    // shows whether the loop loses its time at block or clip boundaries.
    private static string? Excess(IReadOnlyList<double> intervals, int stepsPerClip)
    {
        if (intervals.Count < stepsPerClip) return null;
        var median = intervals.Order().ElementAt(intervals.Count / 2);
        var byPosition = new double[stepsPerClip];
        for (var i = 0; i < intervals.Count; i++) byPosition[(i + 1) % stepsPerClip] += intervals[i] - median;
        var clips = intervals.Count / (double)stepsPerClip;
        return $"device time beyond the median interval, per clip, by the step it precedes (0 = a clip's first): " +
               string.Join(" ", byPosition.Select((e, p) => $"{p}:{e / clips:F0}")) + " ms";
    }

    // Runs a whole run and returns the seconds to its first block.
    private static double FirstBlockOf(IEnumerable<SamplerEvent> run, Device device)
    {
        DitBench.Sync(device);
        var clock = Stopwatch.StartNew();
        var first = 0.0;
        foreach (var e in run)
        {
            e.DisposeTensors();
            if (e is SamplerBlock && first == 0) { DitBench.Sync(device); first = clock.Elapsed.TotalSeconds; }
        }
        return first;
    }

    // The DiT as a memory plan puts it on the device: resident (FP8 or not), or drawn into host memory and streamed.
    internal static CausalWanModelS2V SyntheticDit(DitConfig config, Device device, ScalarType dtype, MemoryPlan? plan)
    {
        var dit = new CausalWanModelS2V(config);
        try
        {
            if (plan is { StreamDitWeights: true })
            {
                SyntheticWeights.Materialize(dit, device, dtype, keepOn: torch.CPU);
                dit.StreamBlocks(device, plan.Fp8Weights);
            }
            else
            {
                SyntheticWeights.Materialize(dit, device, dtype);
                if (plan is { Fp8Weights: true }) LiveAvatar.Engine.Models.Fp8.Fp8Conversion.Apply(dit);
            }
            return dit;
        }
        catch
        {
            dit.Dispose();
            throw;
        }
    }
}
