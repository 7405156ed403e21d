using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Vae;

/// <summary>
/// WanVAE_: Encoder3d (→ 2·z channels), conv1 (1×1×1, gives [mu | log_var]), conv2 (1×1×1 on latents), Decoder3d.
/// Keys exactly as Wan2.1_VAE.pth. Encoding runs time chunks of 1, 4, 4, … pixel frames and decoding one latent at a
/// time, both through a <see cref="FeatureCache"/>; that chunking is what makes the VAE causal and streamable.
/// </summary>
public sealed class WanVae : Module
{
    public VaeConfig Config { get; }
    public Encoder3d Encoder { get; }
    public CausalConv3d Conv1 { get; }
    public CausalConv3d Conv2 { get; }
    public Decoder3d Decoder { get; }

    public WanVae(VaeConfig config)
    {
        Config = config;
        Encoder = Child("encoder", new Encoder3d(config, config.ZDim * 2));
        Conv1 = Child("conv1", new CausalConv3d(config.ZDim * 2, config.ZDim * 2, 1));
        Conv2 = Child("conv2", new CausalConv3d(config.ZDim, config.ZDim, 1));
        Decoder = Child("decoder", new Decoder3d(config));
    }

    /// <summary>
    /// x [B, 3, T, H, W] → conv1 output [B, 2C, F, H/8, W/8] with F = 1 + (T−1)/4 (frames past the last full chunk
    /// are dropped, as in the original). Un-normalised: mu is the first C channels. A fresh cache per call.
    /// </summary>
    public Tensor EncodeMoments(Tensor x, VaeEncodeTrace? trace = null)
    {
        using var scope = torch.NewDisposeScope();
        using var cache = new FeatureCache();
        var chunks = 1 + (x.shape[2] - 1) / 4;
        var outs = new List<Tensor>();
        for (var i = 0; i < chunks; i++)
        {
            cache.BeginChunk();
            var piece = i == 0 ? x.narrow(2, 0, 1) : x.narrow(2, 1 + 4 * (i - 1), 4);
            var o = Encoder.Forward(piece, cache);                           // [B, 2C, 1, H/8, W/8]
            trace?.AddChunk(o);
            outs.Add(o);
        }
        var moments = Conv1.Forward(torch.cat(outs, 2));
        trace?.SetMoments(moments);
        return moments.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// z [B, C, F, H, W] (un-normalised) → pixels [B, 3, T, 8H, 8W], one latent at a time through
    /// <paramref name="cache"/>: a fresh cache gives T = 1 + 4(F−1); a cache carried over from earlier calls gives 4F.
    /// </summary>
    public Tensor Decode(Tensor z, FeatureCache cache)
    {
        using var scope = torch.NewDisposeScope();
        // conv2 is 1×1×1, so running it per latent is the same maths as the original's one call over all F; it keeps
        // the result independent of how latents are split into calls (CPU conv kernels round differently per length).
        var outs = new List<Tensor>();
        for (var i = 0; i < z.shape[2]; i++)
        {
            cache.BeginChunk();
            outs.Add(Decoder.Forward(Conv2.Forward(z.narrow(2, i, 1)), cache));
        }
        return torch.cat(outs, 2).MoveToOuterDisposeScope();
    }
}

/// <summary>Intermediates of one encode: the encoder output of every time chunk and the conv1 moments. Owns copies.</summary>
public sealed class VaeEncodeTrace : IDisposable
{
    private readonly List<Tensor> _chunks = [];

    public IReadOnlyList<Tensor> ChunkOutputs => _chunks;
    public Tensor? Moments { get; private set; }

    internal void AddChunk(Tensor t) => _chunks.Add(t.clone().DetachFromDisposeScope());

    internal void SetMoments(Tensor t)
    {
        Moments?.Dispose();
        Moments = t.clone().DetachFromDisposeScope();
    }

    public void Dispose()
    {
        foreach (var t in _chunks) t.Dispose();
        _chunks.Clear();
        Moments?.Dispose();
        Moments = null;
    }
}
