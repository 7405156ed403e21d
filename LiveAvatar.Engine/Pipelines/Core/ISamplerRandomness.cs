using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>The sampler's two sources of randomness: the initial noise of each clip and the Rolling-RoPE offset
/// drawn for every streaming DiT call (in call order: clip, block, step).</summary>
public interface ISamplerRandomness
{
    /// <summary>Noise [16, latT, h, w] for clip <paramref name="clip"/>; the caller disposes it.</summary>
    Tensor Noise(int clip, long[] shape);

    /// <summary>rd ∈ [4, 30] for the next streaming DiT call.</summary>
    int NextRollingOffset();
}

/// <summary>
/// The product's randomness: noise from the CPU generator seeded with seed + clip (same numbers on every device,
/// like the original's per-clip Generator(seed + r)), and Rolling-RoPE offsets from a SplitMix64 seeded with the
/// request seed instead of Python's global RNG, so one request always gives the same video.
/// </summary>
public sealed class SeededRandomness(ulong seed) : ISamplerRandomness
{
    public const int MinRollingOffset = 4;
    public const int MaxRollingOffset = 30;

    private ulong _state = seed;

    public ulong Seed { get; } = seed;

    public Tensor Noise(int clip, long[] shape) => Runtime.Noise.Randn(shape, Seed + (ulong)clip);

    public int NextRollingOffset()
    {
        const ulong span = MaxRollingOffset - MinRollingOffset + 1;
        // Rejection keeps the draw exactly uniform (2^64 is not a multiple of 27).
        const ulong limit = ulong.MaxValue - ulong.MaxValue % span;
        ulong r;
        do r = Next(); while (r >= limit);
        return MinRollingOffset + (int)(r % span);
    }

    private ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
