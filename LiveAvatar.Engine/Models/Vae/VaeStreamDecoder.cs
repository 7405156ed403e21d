using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Vae;

/// <summary>
/// stream_decode: one feature cache kept across calls, so consecutive calls decode as one long clip. The first
/// call runs the first-chunk path (its first latent gives 1 frame, every other latent 4); later calls continue
/// (4 frames per latent). TPP primes it with the 7 reference latents and discards that output. Concatenated outputs
/// equal <see cref="Wan21Vae.Decode"/> of the concatenated latents. Memory is flat: each conv keeps ≤ 2 frames.
/// </summary>
public sealed class VaeStreamDecoder : IDisposable
{
    private readonly Wan21Vae _vae;
    private readonly FeatureCache _cache = new();
    private long[]? _spatial;

    internal VaeStreamDecoder(Wan21Vae vae) => _vae = vae;

    /// <summary>Latents decoded since the last reset.</summary>
    public long LatentsDecoded { get; private set; }

    /// <summary>Tensors the cache holds (constant once the first two latents have gone through).</summary>
    public int CachedTensors => _cache.TensorCount;

    /// <summary>latents [C, F, H, W] (normalised) → video [3, T, 8H, 8W], clamped, float32;
    /// T = 1 + 4(F−1) on the first call, 4F after.</summary>
    public Tensor Decode(Tensor latents)
    {
        _vae.CheckLatents(latents);
        var hw = latents.shape[2..];
        if (_spatial is not null && !_spatial.SequenceEqual(hw))
            throw new ArgumentException(
                $"latents {Shapes.Describe(latents.shape)} do not continue this stream of [{_vae.Config.ZDim}, F, {_spatial[0]}, {_spatial[1]}]; call Reset() first", nameof(latents));
        var video = _vae.DecodeWith(latents, _cache);
        _spatial = hw;
        LatentsDecoded += latents.shape[1];
        return video;
    }

    /// <summary>Forgets the past: the next call runs the first-chunk path again.</summary>
    public void Reset()
    {
        _cache.Clear();
        _spatial = null;
        LatentsDecoded = 0;
    }

    public void Dispose() => _cache.Dispose();
}
