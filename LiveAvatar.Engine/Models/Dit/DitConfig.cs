using System.Text.Json;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>
/// Constructor arguments of CausalWanModel_S2V. Read from the checkpoint's config.json (diffusers keys) or from a
/// golden manifest's model_ctor_kwargs, so the tiny fixture model and the 14B model are built by the same code.
/// </summary>
public sealed record DitConfig
{
    public int Dim { get; init; } = 5120;
    public int FfnDim { get; init; } = 13824;
    public int NumHeads { get; init; } = 40;
    public int NumLayers { get; init; } = 40;
    public int InDim { get; init; } = 16;
    public int OutDim { get; init; } = 16;
    public int CondDim { get; init; } = 16;
    public int FreqDim { get; init; } = 256;
    public int TextLen { get; init; } = 512;
    public int TextDim { get; init; } = 4096;
    public int AudioDim { get; init; } = 1024;
    public int NumAudioToken { get; init; } = 4;
    /// <summary>wav2vec2 hidden states fed to the audio encoder (1 + 24 layers).</summary>
    public int NumAudioLayers { get; init; } = 25;
    public IReadOnlyList<int> AudioInjectLayers { get; init; } = [0, 4, 8, 12, 16, 20, 24, 27, 30, 33, 36, 39];
    public IReadOnlyList<int> PatchSize { get; init; } = [1, 2, 2];
    public IReadOnlyList<int> ZipFrameBuckets { get; init; } = [1, 2, 16];
    public double Eps { get; init; } = 1e-6;

    public int HeadDim => Dim / NumHeads;
    public int PatchVolume => PatchSize[0] * PatchSize[1] * PatchSize[2];
    public int MotionLatentFrames => ZipFrameBuckets.Sum();

    public static DitConfig Wan14B { get; } = new();

    /// <summary>Reads config.json or a manifest config (uses its model_ctor_kwargs when present).</summary>
    public static DitConfig FromJson(JsonElement json)
    {
        if (json.TryGetProperty("model_ctor_kwargs", out var kw)) json = kw;
        var d = new DitConfig();
        int I(string k, int def) => json.TryGetProperty(k, out var v) ? v.GetInt32() : def;
        int[]? A(string k) => json.TryGetProperty(k, out var v) ? v.EnumerateArray().Select(e => e.GetInt32()).ToArray() : null;
        var cfg = d with
        {
            Dim = I("dim", d.Dim),
            FfnDim = I("ffn_dim", d.FfnDim),
            NumHeads = I("num_heads", d.NumHeads),
            NumLayers = I("num_layers", d.NumLayers),
            InDim = I("in_dim", d.InDim),
            OutDim = I("out_dim", d.OutDim),
            CondDim = I("cond_dim", d.CondDim),
            FreqDim = I("freq_dim", d.FreqDim),
            TextLen = I("text_len", d.TextLen),
            TextDim = I("text_dim", d.TextDim),
            AudioDim = I("audio_dim", d.AudioDim),
            NumAudioToken = I("num_audio_token", d.NumAudioToken),
            AudioInjectLayers = A("audio_inject_layers") ?? d.AudioInjectLayers,
            PatchSize = A("patch_size") ?? d.PatchSize,
            Eps = json.TryGetProperty("eps", out var e) ? e.GetDouble() : d.Eps,
        };
        if (json.TryGetProperty("enable_framepack", out var fp) && fp.ValueKind == JsonValueKind.False)
            throw new NotSupportedException("only the FramePack motion path (enable_framepack=true) is ported");
        if (json.TryGetProperty("enable_adain", out var ad) && ad.ValueKind == JsonValueKind.False)
            throw new NotSupportedException("only enable_adain=true (adain_mode attn_norm) is ported");
        return cfg;
    }

    public static DitConfig FromFile(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return FromJson(doc.RootElement);
    }

    /// <summary>Sink length for a latent size (spec §5.6): ref + 1× grid, 2× and 4× FramePack tokens.</summary>
    public int CondLength(int latentH, int latentW)
    {
        var hp = latentH / PatchSize[1];
        var wp = latentW / PatchSize[2];
        var t4 = ZipFrameBuckets[2] / 4;
        return 2 * hp * wp + latentH / 4 * (latentW / 4) + t4 * (latentH / 8) * (latentW / 8);
    }
}
