using LiveAvatar.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>Per-layer key and value rows [1, rows, N, D], zero at start; owned and freed by the cache.</summary>
public abstract class DitLayerRows : IDisposable
{
    private readonly Tensor[] _k;
    private readonly Tensor[] _v;

    /// <param name="pinnedHost">Host memory, page-locked where CUDA is present (rings kept off the GPU), instead of
    /// <paramref name="device"/>.</param>
    protected DitLayerRows(DitConfig config, int rows, Device device, ScalarType dtype, bool pinnedHost = false)
    {
        Length = rows;
        _k = new Tensor[config.NumLayers];
        _v = new Tensor[config.NumLayers];
        try
        {
            for (var i = 0; i < config.NumLayers; i++)
            {
                long[] shape = [1, rows, config.NumHeads, config.HeadDim];
                _k[i] = (pinnedHost ? HostMemory.Zeros(shape, dtype) : torch.zeros(shape, dtype, device)).DetachFromDisposeScope();
                _v[i] = (pinnedHost ? HostMemory.Zeros(shape, dtype) : torch.zeros(shape, dtype, device)).DetachFromDisposeScope();
            }
        }
        catch
        {
            // Out of memory part-way: nobody will hold this half-built cache, so free its layers now rather than
            // leaving hundreds of MiB to the finalizer (the H200 soak saw 868 MiB held until the next GC).
            foreach (var t in _k.Concat(_v)) t?.Dispose();
            throw;
        }
    }

    /// <summary>Rows over given per-layer tensors (e.g. two device slots shared by every other layer), which this
    /// object then frees on <see cref="Dispose"/> (a tensor shared by several layers is freed once).</summary>
    protected DitLayerRows(Tensor[] k, Tensor[] v, int rows)
    {
        (_k, _v, Length) = (k, v, rows);
    }

    public int Length { get; }

    /// <summary>Layers this cache holds rows for.</summary>
    public int Layers => _k.Length;

    /// <summary>Where the layers' rows come from during a forward when they are not all resident (see
    /// <see cref="IDitLayerResidency"/>); null when they are.</summary>
    public IDitLayerResidency? Residency { get; init; }

    public Tensor K(int layer) => _k[layer];
    public Tensor V(int layer) => _v[layer];

    public void Dispose()
    {
        foreach (var t in _k.Concat(_v).Distinct(ReferenceEqualityComparer.Instance)) ((Tensor)t!).Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// The sink (cond) cache: per layer the un-RoPE'd keys and raw values of the ref + FramePack tokens, written by the
/// sink prefill and re-RoPE'd on every streaming call. Sized from the resolution, never a fixed 2800/3000 rows.
/// </summary>
public sealed class DitCondCache(DitConfig config, int condLength, Device device, ScalarType dtype)
    : DitLayerRows(config, condLength, device, dtype) // per layer k, v [1, Lc, N, D]
{
    /// <summary>Latent size of the last prefill; streaming rebuilds the cond RoPE grid from it.</summary>
    public int LatentH { get; internal set; }
    public int LatentW { get; internal set; }

    /// <summary>Rows filled by the last prefill (cond_end).</summary>
    public int End { get; internal set; }
}

/// <summary>
/// One denoising step's KV ring: per layer RoPE'd keys and values of the noisy blocks at that step, S tokens
/// (12 latent frames) long, written at current_start mod S.
/// </summary>
public sealed class DitRingCache : DitLayerRows // per layer k, v [1, S, N, D]
{
    public DitRingCache(DitConfig config, int ringTokens, Device device, ScalarType dtype, bool pinnedHost = false)
        : base(config, ringTokens, device, dtype, pinnedHost)
    {
    }

    /// <summary>A ring whose layer l computes with <c>k[l % k.Length]</c> and <c>v[l % v.Length]</c>: device slots
    /// filled layer by layer by its <see cref="DitLayerRows.Residency"/>.</summary>
    public DitRingCache(DitConfig config, Tensor[] slotK, Tensor[] slotV, int ringTokens)
        : base(Enumerable.Range(0, config.NumLayers).Select(l => slotK[l % slotK.Length]).ToArray(),
               Enumerable.Range(0, config.NumLayers).Select(l => slotV[l % slotV.Length]).ToArray(), ringTokens)
    {
    }

    /// <summary>Where a block of <paramref name="tokens"/> starting at global token <paramref name="currentStart"/> is
    /// written (current_start mod S), and how many leading rows attention reads: up to the block's end before the
    /// first wrap, the whole ring after it.</summary>
    public (int Start, int Active) Slot(int currentStart, int tokens) =>
        currentStart >= Length ? (currentStart % Length, Length) : (currentStart, currentStart + tokens);
}
