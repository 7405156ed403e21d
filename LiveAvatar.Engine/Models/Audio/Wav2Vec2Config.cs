using System.Text.Json;

namespace LiveAvatar.Engine.Models.Audio;

/// <summary>The parts of a Hugging Face Wav2Vec2Config that shape the encoder (names as in config.json).</summary>
public sealed record Wav2Vec2Config(
    long HiddenSize,
    long NumHiddenLayers,
    long NumAttentionHeads,
    long IntermediateSize,
    long[] ConvDim,
    long[] ConvStride,
    long[] ConvKernel,
    bool ConvBias,
    long NumConvPosEmbeddings,
    long NumConvPosEmbeddingGroups,
    double LayerNormEps = 1e-5,
    string FeatExtractNorm = "layer",
    bool DoStableLayerNorm = true,
    string HiddenAct = "gelu",
    string FeatExtractActivation = "gelu",
    long VocabSize = 33)
{
    /// <summary>wav2vec2-large-xlsr-53(-english): 24 pre-LN layers of 1024, 16 heads, 7 layer-norm conv layers.</summary>
    public static readonly Wav2Vec2Config LargeXlsr53 = new(1024, 24, 16, 4096,
        [512, 512, 512, 512, 512, 512, 512], [5, 2, 2, 2, 2, 2, 2], [10, 3, 3, 3, 3, 2, 2], true, 128, 16);

    /// <summary>Waveform samples per output frame (320 for the standard extractor: 50 Hz at 16 kHz).</summary>
    public long TotalStride => ConvStride.Aggregate(1L, (a, b) => a * b);

    /// <summary>Waveform samples one output frame sees (400 for the standard extractor): frame t reads samples
    /// [t·<see cref="TotalStride"/>, t·TotalStride + ReceptiveField), since no conv layer pads.</summary>
    public long ReceptiveField
    {
        get
        {
            var seen = 1L;
            for (var i = ConvKernel.Length - 1; i >= 0; i--) seen = (seen - 1) * ConvStride[i] + ConvKernel[i];
            return seen;
        }
    }

    /// <summary>Frames the conv extractor yields for <paramref name="samples"/> input samples.</summary>
    public long FramesFor(long samples)
    {
        for (var i = 0; i < ConvKernel.Length; i++) samples = (samples - ConvKernel[i]) / ConvStride[i] + 1;
        return samples;
    }

    public static Wav2Vec2Config FromJsonFile(string path) =>
        FromJson(JsonDocument.Parse(File.ReadAllBytes(path)).RootElement);

    /// <summary>Reads a config.json object (or a manifest's copy of one) and rejects the variants this port does not
    /// implement (group-norm extractor, post-LN encoder, activations other than GELU).</summary>
    public static Wav2Vec2Config FromJson(JsonElement c)
    {
        long L(string k, long d) => c.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : d;
        long[] A(string k, long[] d) => c.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(e => e.GetInt64()).ToArray() : d;
        string S(string k, string d) => c.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : d;
        bool B(string k, bool d) => c.TryGetProperty(k, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : d;
        // Defaults are transformers' Wav2Vec2Config defaults, so a terse config.json still reads right.
        var cfg = new Wav2Vec2Config(
            L("hidden_size", 768), L("num_hidden_layers", 12), L("num_attention_heads", 12), L("intermediate_size", 3072),
            A("conv_dim", [512, 512, 512, 512, 512, 512, 512]), A("conv_stride", [5, 2, 2, 2, 2, 2, 2]),
            A("conv_kernel", [10, 3, 3, 3, 3, 2, 2]), B("conv_bias", false),
            L("num_conv_pos_embeddings", 128), L("num_conv_pos_embedding_groups", 16),
            c.TryGetProperty("layer_norm_eps", out var eps) ? eps.GetDouble() : 1e-5,
            S("feat_extract_norm", "group"), B("do_stable_layer_norm", false), S("hidden_act", "gelu"),
            S("feat_extract_activation", "gelu"), L("vocab_size", 32));
        cfg.Validate();
        return cfg;
    }

    public void Validate()
    {
        if (FeatExtractNorm != "layer")
            throw new NotSupportedException($"wav2vec2 feat_extract_norm '{FeatExtractNorm}' is not supported (only 'layer', as in XLSR-53)");
        if (!DoStableLayerNorm)
            throw new NotSupportedException("wav2vec2 with do_stable_layer_norm=false is not supported (XLSR-53 uses the stable layer norm)");
        if (HiddenAct != "gelu" || FeatExtractActivation != "gelu")
            throw new NotSupportedException($"wav2vec2 activations '{HiddenAct}'/'{FeatExtractActivation}' are not supported (only gelu)");
        if (ConvDim.Length != ConvStride.Length || ConvDim.Length != ConvKernel.Length)
            throw new ArgumentException("wav2vec2 conv_dim, conv_stride and conv_kernel differ in length");
        if (HiddenSize % NumAttentionHeads != 0 || HiddenSize % NumConvPosEmbeddingGroups != 0)
            throw new ArgumentException($"wav2vec2 hidden_size {HiddenSize} does not divide into heads/groups");
    }
}
