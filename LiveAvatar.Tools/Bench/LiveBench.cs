using System.Diagnostics;
using LiveAvatar.Engine.Generation;
using LiveAvatar.Engine.Live;
using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Models.Audio;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Models.Vae;
using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Pipelines.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Tools.Bench;

/// <summary>What one live run measured: per block, the delay from the moment its audio had fully arrived to the
/// moment its frames were ready as RGB (what the session hands its encoder), and the time between blocks.</summary>
public sealed record LiveBenchResult(string Device, int Width, int Height, int Blocks, IReadOnlyList<double> LatencySeconds,
    IReadOnlyList<double> IntervalSeconds, double ColdFirstLatencySeconds, long PeakBytes)
{
    public const double BlockSeconds = VideoTiming.FramesPerBlock / (double)VideoTiming.Fps;

    private static double Quantile(IReadOnlyList<double> xs, double q)
    {
        var sorted = xs.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Round(q * (sorted.Count - 1)))];
    }

    /// <summary>Seconds of generation per second of audio after the first block (below 1: keeps up).</summary>
    public double RealTimeFactor => IntervalSeconds.Count > 1 ? IntervalSeconds.Skip(1).Average() / BlockSeconds : double.NaN;

    public override string ToString() =>
        $"live session on {Device} at {Width}x{Height}, synthetic DiT + VAE + wav2vec2, audio arriving in real time " +
        $"({BlockSeconds:F2} s per 12-frame block), {Blocks} blocks: latency from a block's audio to its frames " +
        $"first {LatencySeconds.FirstOrDefault():F2} s (cold process {ColdFirstLatencySeconds:F2} s), median {Quantile(LatencySeconds, 0.5):F2} s, " +
        $"p90 {Quantile(LatencySeconds, 0.9):F2} s, last {LatencySeconds.LastOrDefault():F2} s; one block every " +
        $"{Quantile(IntervalSeconds, 0.5):F2} s (median), real-time factor {RealTimeFactor:F2} " +
        $"({(RealTimeFactor <= 1 ? "keeps up" : "falls behind")}); peak allocated {PeakBytes / 1073741824.0:F1} GiB";
}

/// <summary>
/// The live session's generation path without its media: the block-streaming sampler pulls each block's audio when
/// it starts the block, exactly as <c>LiveSession</c> does, from a source that releases 0.48 s of audio every 0.48 s
/// of wall time; the audio goes through the sliding-window wav2vec2 and the frames through the uint8 conversion. No
/// ffmpeg, so it runs where there is none (the GPU machines). Synthetic full-size weights, synthetic audio.
/// </summary>
public static class LiveBench
{
    public static LiveBenchResult Run(DitConfig ditConfig, VaeConfig vaeConfig, Wav2Vec2Config audioConfig, string size,
        int imageWidth, int imageHeight, Device device, int blocks, MemoryPlan? memoryPlan = null)
    {
        var (h, w) = GenerationSize.Compute(imageHeight, imageWidth, GenerationSize.MaxArea(size));
        var dtype = device.type == DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32;
        if (device.type == DeviceType.CUDA) { CudaDevices.EmptyCache(); CudaDevices.ResetPeakMemory(device.index); }
        using var dit = SamplerBench.SyntheticDit(ditConfig, device, dtype, memoryPlan);
        using var vae = SyntheticWeights.Vae(vaeConfig, device, dtype);
        using var wav2vec = new Wav2Vec2Model(audioConfig);
        SyntheticWeights.Materialize(wav2vec, device, dtype, 2000);
        using var scope = torch.NewDisposeScope();
        var refPixels = SyntheticWeights.Uniform([3, 1, h, w], ScalarType.Float32, device, 1, -1, 1);
        var context = SyntheticWeights.Normal([40, ditConfig.TextDim], dtype, device, 2, 0.1);
        var layout = torch.zeros([1, audioConfig.NumHiddenLayers + 1, audioConfig.HiddenSize, 0], dtype, device);
        using var sinks = new SinkLatentCache();

        // A short run first, as a server that has served before: its first latency is the cold one.
        var offloadKv = memoryPlan?.KvOnHost == true && device.type == DeviceType.CUDA;
        using var hostRings = new HostRingPool();
        var kv = (offloadKv, memoryPlan, hostRings);
        var cold = RunOnce(dit, vae, wav2vec, device, dtype, refPixels, context, layout, sinks, 2, kv);
        if (device.type == DeviceType.CUDA) CudaDevices.ResetPeakMemory(device.index);
        var (latency, interval) = RunOnce(dit, vae, wav2vec, device, dtype, refPixels, context, layout, sinks, blocks, kv);
        var peak = device.type == DeviceType.CUDA ? CudaDevices.MemoryStats(device.index).PeakAllocated : 0;
        return new LiveBenchResult(device.ToString(), w, h, latency.Count, latency, interval, cold.Latency.FirstOrDefault(), peak);
    }

    private static (List<double> Latency, List<double> Interval) RunOnce(CausalWanModelS2V dit, Wan21Vae vae, Wav2Vec2Model wav2vec,
        Device device, ScalarType dtype, Tensor refPixels, Tensor context, Tensor layout, SinkLatentCache sinks, int blocks,
        (bool Offload, MemoryPlan? Plan, HostRingPool HostRings) kv)
    {
        const int inferFrames = 48;
        var blocksPerClip = inferFrames / VideoTiming.FramesPerBlock;
        var features = new SlidingWindowAudioEncoder(wav2vec, device);
        var clock = Stopwatch.StartNew();
        var arrived = new List<double>();
        Tensor NextAudio(int clip, int block, CancellationToken ct)
        {
            var index = arrived.Count;
            // Block k's audio is complete (k + 1) block lengths after the start, as from a microphone.
            var due = (index + 1) * LiveBenchResult.BlockSeconds;
            var wait = due - clock.Elapsed.TotalSeconds;
            if (wait > 0) Thread.Sleep(TimeSpan.FromSeconds(wait));
            arrived.Add(Math.Max(due, clock.Elapsed.TotalSeconds));
            return features.Next(SpeechLikeAudio(index));
        }
        var inputs = new SamplerInputs(refPixels, context, layout, (blocks + blocksPerClip - 1) / blocksPerClip + 1, inferFrames, 4,
            OnlineDecode: true, Norm3Bf16: dtype == ScalarType.BFloat16, BlockAudio: NextAudio, SinkCache: sinks);
        var latency = new List<double>();
        var interval = new List<double>();
        var last = 0.0;
        var sampler = new PipelineSampler([(dit, device)], vae, dtype)
        {
            EmitBlocks = true, OffloadKvCache = kv.Offload, HostRings = kv.HostRings,
            KvBudgetBytes = kv.Offload ? null : kv.Plan?.KvBudgetBytes, KvRingFormat = kv.Plan?.KvRingFormat ?? KvRingFormat.Compute,
        };
        foreach (var e in sampler.Run(inputs, new SeededRandomness(420)))
        {
            if (e is not SamplerBlock block) { e.DisposeTensors(); continue; }
            using (block.Video) SaveVideoConversion.ToUint8(block.Video);
            var now = clock.Elapsed.TotalSeconds;
            latency.Add(now - arrived[latency.Count]);
            interval.Add(now - last);
            last = now;
            if (latency.Count == blocks) break;
        }
        return (latency, interval);
    }

    // 0.48 s at 16 kHz of a voiced-like signal (a 140 Hz tone with harmonics, amplitude-modulated at 4 Hz, plus a
    // little noise), different for every block, so wav2vec2 sees speech-like energy rather than silence.
    private static float[] SpeechLikeAudio(int block)
    {
        var samples = new float[SlidingWindowAudioEncoder.SamplesPerBlock];
        var random = new Random(block);
        for (var i = 0; i < samples.Length; i++)
        {
            var t = (block * samples.Length + i) / (double)AudioEncoder.SampleRate;
            var voice = Math.Sin(2 * Math.PI * 140 * t) + 0.5 * Math.Sin(2 * Math.PI * 280 * t) + 0.25 * Math.Sin(2 * Math.PI * 420 * t);
            samples[i] = (float)(0.3 * voice * (0.6 + 0.4 * Math.Sin(2 * Math.PI * 4 * t)) + 0.01 * (random.NextDouble() - 0.5));
        }
        return samples;
    }
}
