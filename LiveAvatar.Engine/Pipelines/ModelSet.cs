using LiveAvatar.Engine.Pipelines.Core;
using System.Text.Json;
using LiveAvatar.Engine.Checkpoints;
using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Engine.Models.Audio;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Models.Fp8;
using LiveAvatar.Engine.Models.Lora;
using LiveAvatar.Engine.Models.Text;
using LiveAvatar.Engine.Models.Vae;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines;

/// <summary>Where and how to load the models.</summary>
public sealed record ModelSetOptions(string CheckpointDirectory, Device Device, ScalarType DType)
{
    public bool LoadLora { get; init; } = true;

    /// <summary>liveavatar.safetensors; default: &lt;ckpt_dir&gt;/../LiveAvatar/liveavatar.safetensors.</summary>
    public string? LoraPath { get; init; }

    /// <summary>--offload_model: the text and audio encoders (used once per job) live and run on the CPU in fp32,
    /// leaving the device to the DiT, its caches and the VAE.</summary>
    public bool EncodersOnCpu { get; init; }

    public Device EncoderDevice => EncodersOnCpu ? torch.CPU : Device;
    public ScalarType EncoderDType => EncodersOnCpu ? ScalarType.Float32 : DType;

    /// <summary>`--fp8`: the DiT's Linear layers become per-tensor E4M3 after the LoRA merge (spec §3.7).</summary>
    public bool Fp8 { get; init; }

    /// <summary>The memory profiles' weight streaming: the DiT loads on the CPU and only two of its blocks are on
    /// <see cref="Device"/> at a time (<see cref="CausalWanModelS2V.StreamBlocks"/>).</summary>
    public bool StreamDitWeights { get; init; }

    /// <summary>DiT devices after the first (the timestep-forcing pipeline loads one copy of the weights per device).</summary>
    public IReadOnlyList<Device> ExtraDitDevices { get; init; } = [];

    /// <summary>Where the VAE runs (the VAE-parallel device, or the last DiT device).</summary>
    public Device? VaeDevice { get; init; }

    public string EffectiveLoraPath => LoraPath ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(CheckpointDirectory).TrimEnd('/'))!, "LiveAvatar", "liveavatar.safetensors");
}

/// <summary>Every model of the pipeline, loaded once from a checkpoint folder (real or demo), with the LoRA merged.</summary>
public sealed class ModelSet : IDisposable
{
    public required CausalWanModelS2V Dit { get; init; }
    public required Wan21Vae Vae { get; init; }
    public required T5Encoder TextEncoder { get; init; }
    public required WanTextTokenizer Tokenizer { get; init; }
    public required Wav2Vec2Model AudioModel { get; init; }
    public required bool IsDemo { get; init; }
    public LoraMergeReport? Lora { get; init; }
    public Fp8ConversionReport? Fp8 { get; init; }

    /// <summary>One DiT per pipeline stage (the first is <see cref="Dit"/>; stages on the same device share it).</summary>
    public IReadOnlyList<(CausalWanModelS2V Dit, Device Device)> DitStages { get; init; } = [];
    public required ModelSetOptions Options { get; init; }

    /// <summary>The reference encodes of the last picture, made by this set's VAE (regenerations reuse them).</summary>
    public SinkLatentCache SinkCache { get; } = new();

    /// <summary>The KV rings of jobs that keep them in host memory, kept for the next such job.</summary>
    public HostRingPool HostRings { get; } = new();

    /// <summary>The ring pool for a run that keeps its KV rings in host memory or not; a run that does not gives the
    /// pool's pinned memory back first.</summary>
    public HostRingPool HostRingsFor(bool offloadKvCache)
    {
        if (!offloadKvCache) HostRings.Clear();
        return HostRings;
    }

    /// <summary>Loads everything, checking every file first so one message lists all that is missing.</summary>
    public static ModelSet Load(ModelSetOptions o)
    {
        // First: no set of files makes FP8 work on a machine without it, and the 14B load is long.
        if (o.Fp8 && Fp8Conversion.MissingFor(o.Device) is { } fp8Missing)
            throw new GenerationException(GenerationErrorKind.BadInput, $"{Fp8Conversion.Requirement}; {fp8Missing}", GenerationHints.Fp8Unavailable);
        var dir = Path.GetFullPath(o.CheckpointDirectory);
        var status = CheckpointLayout.Inspect(dir);
        var missing = status.Missing.Select(m => Path.Combine(dir, m)).ToList();
        if (o.LoadLora && !File.Exists(o.EffectiveLoraPath)) missing.Add(o.EffectiveLoraPath + " (the Live Avatar LoRA; or run without the LoRA)");
        if (missing.Count > 0)
            throw new GenerationException(GenerationErrorKind.MissingCheckpoint,
                "checkpoint files are missing: " + string.Join("; ", missing),
                GenerationHints.MissingCheckpoint);
        var (vaeConfig, t5Config) = ReadImplicitConfigs(dir);
        var vaeDevice = o.VaeDevice ?? o.Device;
        CausalWanModelS2V? dit = null;
        Wan21Vae? vae = null;
        T5Encoder? t5 = null;
        Wav2Vec2Model? audio = null;
        var extra = new List<CausalWanModelS2V>();
        try
        {
            // A streamed DiT never is whole on the device: it loads and takes its LoRA on the CPU.
            dit = CausalWanModelS2V.FromCheckpoint(dir, o.StreamDitWeights ? torch.CPU : o.Device, o.DType);
            LoraMergeReport? lora = null;
            if (o.LoadLora)
            {
                using var reader = CheckpointReader.Open(o.EffectiveLoraPath);
                lora = LoraMerger.Merge(dit, reader);
                if (lora.Merged == 0)
                    throw new GenerationException(GenerationErrorKind.MissingCheckpoint,
                        $"{o.EffectiveLoraPath} adapted no layer of the DiT ({lora.Unmatched.Count} unmatched modules)", "check that the file is liveavatar.safetensors");
            }
            var fp8 = o.StreamDitWeights ? dit.StreamBlocks(o.Device, o.Fp8) : o.Fp8 ? Fp8Conversion.Apply(dit) : null;
            var stages = new List<(CausalWanModelS2V, Device)> { (dit, o.Device) };
            foreach (var d in o.ExtraDitDevices)
            {
                var same = stages.FirstOrDefault(s => s.Item2 == d);
                if (same.Item1 is not null) { stages.Add((same.Item1, d)); continue; }
                var copy = CausalWanModelS2V.FromCheckpoint(dir, d, o.DType);
                extra.Add(copy);
                if (o.LoadLora) { using var r2 = CheckpointReader.Open(o.EffectiveLoraPath); LoraMerger.Merge(copy, r2); }
                if (o.Fp8) Fp8Conversion.Apply(copy);
                stages.Add((copy, d));
            }
            vae = Wan21Vae.Load(Path.Combine(dir, CheckpointLayout.Vae), vaeDevice, o.DType, vaeConfig);
            t5 = T5Encoder.Load(Path.Combine(dir, CheckpointLayout.T5), t5Config, o.EncoderDevice, o.EncoderDType);
            var tokenizer = new WanTextTokenizer(UnigramTokenizer.FromFolder(Path.Combine(dir, "google", "umt5-xxl")), dit.Config.TextLen);
            audio = Wav2Vec2Model.Load(Path.Combine(dir, CheckpointLayout.Wav2Vec2Dir), o.EncoderDevice, o.EncoderDType);
            return new ModelSet
            {
                Dit = dit, Vae = vae, TextEncoder = t5, Tokenizer = tokenizer, AudioModel = audio,
                IsDemo = status.IsDemo, Lora = lora, Fp8 = fp8, Options = o, DitStages = stages, ExtraDits = extra,
            };
        }
        catch
        {
            dit?.Dispose(); vae?.Dispose(); t5?.Dispose(); audio?.Dispose();
            foreach (var m in extra) m.Dispose();
            throw;
        }
    }

    /// <summary>The released files carry no VAE/T5 configs (the code hard-codes them); the demo's marker does.</summary>
    private static (VaeConfig Vae, T5Config T5) ReadImplicitConfigs(string dir)
    {
        var marker = Path.Combine(dir, CheckpointLayout.DemoMarker);
        if (!File.Exists(marker)) return (VaeConfig.Wan21, T5Config.Xxl);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(marker));
        var r = doc.RootElement;
        return (r.TryGetProperty("vae_config", out var v) ? VaeConfig.FromJson(v) : VaeConfig.Wan21,
                r.TryGetProperty("t5_config", out var t) ? T5Config.FromJson(t) : T5Config.Xxl);
    }

    private IReadOnlyList<CausalWanModelS2V> ExtraDits { get; init; } = [];

    public void Dispose()
    {
        SinkCache.Dispose();
        HostRings.Dispose();
        foreach (var m in ExtraDits) m.Dispose();
        Dit.Dispose();
        Vae.Dispose();
        TextEncoder.Dispose();
        AudioModel.Dispose();
    }
}
