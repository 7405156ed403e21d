using System.Security.Cryptography;
using LiveAvatar.Engine.Runtime;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// The VAE encodes of the reference picture (its latent and the motion history made of it) from the last run, kept
/// for the next run with the same picture: creators regenerate with other settings, and these two encodes are most
/// of the time before the first block (about 1.2 s of 2.3 s on an H200 at 704×384). Keyed by the picture's pixels,
/// the motion length and the VAE's device and dtype; one entry (a new picture replaces it). Owned by the model set
/// whose VAE made it, and freed with it.
/// </summary>
public sealed class SinkLatentCache : IDisposable
{
    private readonly Lock _gate = new();
    private string? _key;
    private Tensor? _refLatent;
    private Tensor? _motion;

    /// <summary>Runs that found their picture here (for tests and benchmarks).</summary>
    public int Hits { get; private set; }

    /// <summary>Tensors the cache holds (0 or 2), so leak checks can tell them from a job's leftovers.</summary>
    public int HeldTensors
    {
        get { lock (_gate) return _refLatent is null ? 0 : 2; }
    }

    /// <summary>The cache key of a reference picture [3, 1, H, W] for a VAE on <paramref name="device"/> in <paramref name="dtype"/>.</summary>
    public static string KeyOf(Tensor refPixels, int motionFrames, Device device, ScalarType dtype)
    {
        var digest = Convert.ToHexString(SHA256.HashData(HostArrays.Bytes(refPixels)));
        return $"{string.Join("x", refPixels.shape)}/{refPixels.dtype}/{motionFrames}/{device}/{dtype}/{digest}";
    }

    /// <summary>Copies of the cached latents when <paramref name="key"/> is the cached picture; the caller owns them.</summary>
    public bool TryGet(string key, out Tensor refLatent, out Tensor motion)
    {
        lock (_gate)
        {
            if (_key != key || _refLatent is null || _motion is null)
            {
                refLatent = motion = null!;
                return false;
            }
            refLatent = _refLatent.clone().DetachFromDisposeScope();
            motion = _motion.clone().DetachFromDisposeScope();
            Hits++;
            return true;
        }
    }

    /// <summary>Keeps copies of this picture's latents, replacing whatever was cached.</summary>
    public void Store(string key, Tensor refLatent, Tensor motion)
    {
        lock (_gate)
        {
            Clear();
            _refLatent = refLatent.clone().DetachFromDisposeScope();
            _motion = motion.clone().DetachFromDisposeScope();
            _key = key;
        }
    }

    public void Dispose()
    {
        lock (_gate) Clear();
    }

    private void Clear()
    {
        _refLatent?.Dispose();
        _motion?.Dispose();
        (_refLatent, _motion, _key) = (null, null, null);
    }
}
