using System.Text.Json;

namespace LiveAvatar.Engine.Models.Vae;

/// <summary>Hyperparameters of WanVAE_ (names as in the Python constructor, spelling included).</summary>
public sealed record VaeConfig(
    int Dim,
    int ZDim,
    IReadOnlyList<int> DimMult,
    int NumResBlocks,
    IReadOnlyList<double> AttnScales,
    IReadOnlyList<bool> TemperalDownsample,
    double Dropout = 0.0)
{
    /// <summary>The released Wan2.1 VAE (Wan2.1_VAE.pth), as built by _video_vae.</summary>
    public static VaeConfig Wan21 { get; } = new(96, 16, [1, 2, 4, 4], 2, [], [false, true, true]);

    /// <summary>The decoder mirrors the encoder's temporal steps in reverse.</summary>
    public IReadOnlyList<bool> TemperalUpsample => TemperalDownsample.Reverse().ToList();

    /// <summary>Reads a golden manifest's <c>config</c> object (keys as in the Python constructor).</summary>
    public static VaeConfig FromJson(JsonElement c) => new(
        c.GetProperty("dim").GetInt32(),
        c.GetProperty("z_dim").GetInt32(),
        c.GetProperty("dim_mult").EnumerateArray().Select(e => e.GetInt32()).ToList(),
        c.GetProperty("num_res_blocks").GetInt32(),
        c.TryGetProperty("attn_scales", out var a) ? a.EnumerateArray().Select(e => e.GetDouble()).ToList() : [],
        c.GetProperty("temperal_downsample").EnumerateArray().Select(e => e.GetBoolean()).ToList(),
        c.TryGetProperty("dropout", out var d) ? d.GetDouble() : 0.0);
}

/// <summary>Per-channel latent statistics hard-coded in Wan2_1_VAE (spec §3.2).</summary>
public static class Wan21LatentStats
{
    public static IReadOnlyList<double> Mean { get; } =
    [
        -0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508,
        0.4134, -0.0715, 0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921,
    ];

    public static IReadOnlyList<double> Std { get; } =
    [
        2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743,
        3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251, 1.9160,
    ];
}
