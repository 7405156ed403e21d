using System.Text.Json;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>Hyperparameters of the umT5 encoder (the arguments of T5Encoder in t5.py).</summary>
public sealed record T5Config(
    long Vocab,
    long Dim,
    long DimAttn,
    long DimFfn,
    long NumHeads,
    long NumLayers,
    long NumBuckets,
    bool SharedPos = false,
    long MaxDist = 128,
    double Eps = 1e-6)
{
    /// <summary>umT5-XXL as Live Avatar ships it (models_t5_umt5-xxl-enc-bf16.pth).</summary>
    public static readonly T5Config Xxl = new(256384, 4096, 4096, 10240, 64, 24, 32);

    public long HeadDim => DimAttn / NumHeads;

    /// <summary>Reads the keys t5.py's constructors take (vocab, dim, dim_attn, dim_ffn, num_heads, num_layers,
    /// num_buckets, shared_pos), e.g. a golden manifest's config; dim_attn defaults to dim.</summary>
    public static T5Config FromJson(JsonElement c)
    {
        long L(string k) => c.TryGetProperty(k, out var v) ? v.GetInt64() : throw new KeyNotFoundException($"T5 config has no '{k}'");
        var dim = L("dim");
        var cfg = new T5Config(
            L("vocab"), dim,
            c.TryGetProperty("dim_attn", out var da) ? da.GetInt64() : dim,
            L("dim_ffn"), L("num_heads"), L("num_layers"), L("num_buckets"),
            c.TryGetProperty("shared_pos", out var sp) && sp.GetBoolean());
        if (cfg.DimAttn % cfg.NumHeads != 0) throw new ArgumentException($"dim_attn {cfg.DimAttn} is not a multiple of num_heads {cfg.NumHeads}");
        return cfg;
    }

    public static T5Config FromDictionary(IReadOnlyDictionary<string, object> d) =>
        FromJson(JsonSerializer.SerializeToElement(d));
}
