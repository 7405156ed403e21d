using System.Text.Json;

namespace LiveAvatar.Engine.Diagnostics;

/// <summary>The files a Wan2.2-S2V-14B checkpoint folder must hold (spec §6.1), and which are there.</summary>
public static class CheckpointLayout
{
    /// <summary>Written by `liveavatar make-demo-checkpoint`; its presence marks untrained demo weights.</summary>
    public const string DemoMarker = "liveavatar-demo.json";

    public const string DitIndex = "diffusion_pytorch_model.safetensors.index.json";
    public const string T5 = "models_t5_umt5-xxl-enc-bf16.pth";
    public const string Vae = "Wan2.1_VAE.pth";
    public const string Tokenizer = "google/umt5-xxl/tokenizer.json";
    public const string Wav2Vec2Dir = "wav2vec2-large-xlsr-53-english";

    public static CheckpointStatus Inspect(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
            return new CheckpointStatus(full, false, false, [], ["the folder itself"]);
        var present = new List<string>();
        var missing = new List<string>();
        void Need(string rel)
        {
            (File.Exists(Path.Combine(full, rel)) ? present : missing).Add(rel);
        }
        Need("config.json");
        Need(DitIndex);
        foreach (var shard in ShardsOf(Path.Combine(full, DitIndex))) Need(shard);
        Need(T5);
        Need(Vae);
        Need(Tokenizer);
        Need(Path.Combine(Wav2Vec2Dir, "config.json"));
        var w2v = Path.Combine(Wav2Vec2Dir, "model.safetensors");
        var w2vBin = Path.Combine(Wav2Vec2Dir, "pytorch_model.bin");
        if (File.Exists(Path.Combine(full, w2v))) present.Add(w2v);
        else if (File.Exists(Path.Combine(full, w2vBin))) present.Add(w2vBin);
        else missing.Add($"{w2v} (or pytorch_model.bin)");
        var isDemo = File.Exists(Path.Combine(full, DemoMarker));
        return new CheckpointStatus(full, true, isDemo, present, missing);
    }

    private static IEnumerable<string> ShardsOf(string indexPath)
    {
        if (!File.Exists(indexPath)) return [];
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (!doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object) return [];
            return map.EnumerateObject().Select(p => p.Value.GetString() ?? "").Where(s => s.Length > 0).Distinct().Order().ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
