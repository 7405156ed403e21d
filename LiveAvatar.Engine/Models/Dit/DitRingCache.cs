using static TorchSharp.torch;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>
/// One denoising step's KV ring: per layer RoPE'd keys and values of the noisy blocks at that step, S tokens
/// (12 latent frames) long, written at current_start mod S.
/// </summary>
/// <remarks>A ring may hold a tail of extra rows after its S (<see cref="ReadsInPlace"/>): once the ring is full,
/// attention over its rows followed by the sink's reads one stretch of the ring in place, the sink's rows written into
/// the tail, instead of copying both into a new buffer in every layer. Before the first wrap the rows past the block
/// stay as they are (zero, as in the original's ring), so attention copies then.</remarks>
public sealed class DitRingCache : DitLayerRows // per layer k, v [1, S (+ tail), N, D]
{
    /// <param name="tailRows">Rows after the ring's S for the sink's keys and values (0: attention copies instead).</param>
    public DitRingCache(DitConfig config, int ringTokens, Device device, ScalarType dtype, bool pinnedHost = false, int tailRows = 0)
        : base(config, ringTokens, device, dtype, pinnedHost, tailRows)
    {
    }

    /// <summary>A ring whose layer l computes with <c>k[l % k.Length]</c> and <c>v[l % v.Length]</c>: device slots
    /// (which may be longer than <paramref name="ringTokens"/>: a tail) filled layer by layer by its
    /// <see cref="DitLayerRows.Residency"/>.</summary>
    public DitRingCache(DitConfig config, Tensor[] slotK, Tensor[] slotV, int ringTokens)
        : base(Enumerable.Range(0, config.NumLayers).Select(l => slotK[l % slotK.Length]).ToArray(),
               Enumerable.Range(0, config.NumLayers).Select(l => slotV[l % slotV.Length]).ToArray(), ringTokens)
    {
    }

    private long[]? _tailValuesFill;

    /// <summary>Whether layer <paramref name="layer"/>'s tail already holds the values of <paramref name="cond"/>'s
    /// current fill (they change only with a prefill, so a resident ring copies them once per prefill, not per call).
    /// Never for streamed rings, whose device slots change layers.</summary>
    public bool TailHoldsValuesOf(DitCondCache cond, int layer) =>
        Residency is null && cond.Fill != 0 && _tailValuesFill is { } f && f[layer] == cond.Fill;

    /// <summary>Records that layer <paramref name="layer"/>'s tail now holds <paramref name="cond"/>'s values.</summary>
    public void MarkTailValues(DitCondCache cond, int layer)
    {
        if (Residency is not null) return;
        _tailValuesFill ??= new long[Layers];
        _tailValuesFill[layer] = cond.Fill;
    }

    /// <summary>Whether attention that reads <paramref name="active"/> rows can read them and the sink's
    /// <paramref name="sinkRows"/> in place: the ring is full (all S rows read) and its tail holds the sink.</summary>
    public bool ReadsInPlace(int active, int sinkRows) => active == Length && Length + sinkRows <= K(0).shape[1];

    /// <summary>Where a block of <paramref name="tokens"/> starting at global token <paramref name="currentStart"/> is
    /// written (current_start mod S), and how many leading rows attention reads: up to the block's end before the
    /// first wrap, the whole ring after it.</summary>
    public (int Start, int Active) Slot(int currentStart, int tokens) =>
        currentStart >= Length ? (currentStart % Length, Length) : (currentStart, currentStart + tokens);

    /// <summary><see cref="Slot"/> for a block a forward writes: its rows must end within the ring's S, which a ring
    /// with a tail would otherwise take silently.</summary>
    public (int Start, int Active) BlockSlot(int currentStart, int tokens)
    {
        var (start, active) = Slot(currentStart, tokens);
        if (start + tokens > Length)
            throw new InvalidOperationException($"a block of {tokens} tokens at ring row {start} would wrap inside a ring of {Length}: rings hold whole blocks");
        return (start, active);
    }
}
