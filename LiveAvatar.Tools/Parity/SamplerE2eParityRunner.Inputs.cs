using System.Text.Json;
using LiveAvatar.Engine.Checkpoints;
using LiveAvatar.Engine.Models.Audio;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Models.Vae;
using LiveAvatar.Engine.Pipelines.Core;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.Parity;

public sealed partial class SamplerE2eParityRunner
{
    /// <summary>The DiT from the manifest's ctor kwargs and the weight files it names (a glob relative to the folder).</summary>
    internal static CausalWanModelS2V LoadDit(GoldenFolder folder, Device device)
    {
        var dit = folder.Manifest.GetProperty("weights").GetProperty("dit");
        var model = new CausalWanModelS2V(DitConfig.FromJson(dit.GetProperty("ctor_kwargs")));
        try
        {
            using var reader = new MergedReader(WeightFiles(folder, dit.GetProperty("files").GetString()!).Select(CheckpointReader.Open).ToList());
            model.Load(reader, device, ScalarType.Float32);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    internal static Wan21Vae LoadVae(GoldenFolder folder, Device device)
    {
        var vae = folder.Manifest.GetProperty("weights").GetProperty("vae");
        var config = vae.GetProperty("config");
        IReadOnlyList<double>? Stats(string key) =>
            config.TryGetProperty(key, out var a) ? a.EnumerateArray().Select(e => e.GetDouble()).ToList() : null;
        using var reader = CheckpointReader.Open(WeightFiles(folder, vae.GetProperty("files").GetString()!).Single());
        return Wan21Vae.Load(reader, device, ScalarType.Float32, VaeConfig.FromJson(config), Stats("latent_mean"), Stats("latent_std"));
    }

    /// <summary>wav2vec2 with its keys under "wav2vec2/" (then the CTC checkpoint's own "wav2vec2." when present).</summary>
    private static Wav2Vec2Model LoadWav2Vec2(GoldenFolder folder, Device device)
    {
        var w = folder.Manifest.GetProperty("weights").GetProperty("wav2vec2");
        var config = w.GetProperty("config");
        var reader = folder.Reader(FirstToken(w.GetProperty("file").GetString()!));
        var prefix = "wav2vec2/";
        if (reader.Tensors.Any(t => t.Name.StartsWith(prefix + "wav2vec2.", StringComparison.Ordinal))) prefix += "wav2vec2.";
        var keys = reader.TryGet(prefix + "encoder.pos_conv_embed.conv.parametrizations.weight.original0", out _)
            ? WeightNormKeys.Parametrizations : WeightNormKeys.Legacy;
        var model = new Wav2Vec2Model(Wav2Vec2Config.FromJson(config), keys);
        try
        {
            model.Load(reader, device, ScalarType.Float32, prefix, n => n.EndsWith("masked_spec_embed", StringComparison.Ordinal));
            model.LastHiddenState = LastHiddenStates.ForTransformersVersion(
                config.TryGetProperty("transformers_version", out var tv) ? tv.GetString() : null);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>"../dit_block/weights_*.safetensors (note)" → the matching files, sorted.</summary>
    private static IReadOnlyList<string> WeightFiles(GoldenFolder folder, string spec)
    {
        var pattern = Path.GetFullPath(Path.Combine(folder.Directory, FirstToken(spec)));
        var dir = Path.GetDirectoryName(pattern)!;
        var files = Directory.GetFiles(dir, Path.GetFileName(pattern)).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new FileNotFoundException($"no weight files match {pattern}");
        return files;
    }

    private static string FirstToken(string s) => s.Split(' ', 2)[0];

    /// <summary>The reference image [H, W, 3] uint8 → [3, 1, H, W] in [−1, 1] (ToTensor, ·2 − 1). The fixture's image
    /// already has the generation size, so resize + center crop are the identity.</summary>
    private static Tensor RefPixels(GoldenFolder folder, int h, int w)
    {
        using var scope = torch.NewDisposeScope();
        var image = folder.Load("input/ref_image_uint8");
        if (image.shape[0] != h || image.shape[1] != w)
            throw new NotSupportedException($"the reference image is {image.shape[0]}×{image.shape[1]}, the run is {h}×{w}; resizing is not part of this runner");
        var x = image.to(ScalarType.Float32) / 255.0 * 2 - 1;
        return x.permute(2, 0, 1).unsqueeze(1).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Replays the recorded noise of each clip and the recorded Rolling-RoPE offsets.</summary>
    private sealed class ReplayRandomness(GoldenFolder folder, IReadOnlyList<int> offsets) : ISamplerRandomness
    {
        private int _next;

        public Tensor Noise(int clip, long[] shape) => folder.Load($"input/noise_clip{clip}");

        public int NextRollingOffset() => _next < offsets.Count
            ? offsets[_next++]
            : throw new InvalidOperationException($"the run made more streaming calls than the {offsets.Count} recorded offsets");
    }

    /// <summary>Several checkpoint files read as one (the fixture splits the DiT state dict).</summary>
    private sealed class MergedReader(IReadOnlyList<ICheckpointReader> readers) : ICheckpointReader
    {
        public string Path => string.Join(", ", readers.Select(r => r.Path));
        public IReadOnlyList<CheckpointTensor> Tensors { get; } = readers.SelectMany(r => r.Tensors).ToList();
        public IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string>();

        public bool TryGet(string name, out CheckpointTensor tensor)
        {
            foreach (var r in readers)
                if (r.TryGet(name, out tensor)) return true;
            tensor = null!;
            return false;
        }

        public CheckpointTensor this[string name] =>
            TryGet(name, out var t) ? t : throw new KeyNotFoundException($"no tensor '{name}' in {Path}");

        public void Dispose()
        {
            foreach (var r in readers) r.Dispose();
        }
    }

    private static int Int(JsonElement cfg, string key) => cfg.GetProperty(key).GetInt32();
}
