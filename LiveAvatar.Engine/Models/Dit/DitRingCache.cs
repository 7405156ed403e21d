using LiveAvatar.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>
/// One denoising step's KV ring: per layer RoPE'd keys and values of the noisy blocks at that step, S tokens
/// (12 latent frames) long, written at current_start mod S.
/// </summary>
/// <remarks>A ring may hold a tail of extra rows after its S (<see cref="ReadsInPlace"/>): once the ring is full,
/// attention over its rows followed by the sink's reads one stretch of the ring in place, the sink's rows written into
/// the tail, instead of copying both into a new buffer in every layer. Before the first wrap the rows past the block
/// stay as they are (zero, as in the original's ring), so attention copies then.
/// An <see cref="KvRingFormat.Int8"/> ring keeps its rows as 8-bit codes with a float32 scale per head vector
/// (<see cref="Int8KvRows"/>), half the bytes; attention decodes them into its key and value buffer.</remarks>
public sealed class DitRingCache : DitLayerRows // per layer k, v [1, S (+ tail), N, D]; int8: scales [1, S, N]
{
    private readonly Tensor[]? _kScale;
    private readonly Tensor[]? _vScale;

    /// <param name="dtype">The dtype attention computes in (the rows' own dtype unless <paramref name="format"/> is int8).</param>
    /// <param name="tailRows">Rows after the ring's S for the sink's keys and values (0: attention copies instead).</param>
    /// <param name="format">How the rows are stored; an 8-bit ring has no tail.</param>
    public DitRingCache(DitConfig config, int ringTokens, Device device, ScalarType dtype, bool pinnedHost = false, int tailRows = 0,
        KvRingFormat format = KvRingFormat.Compute)
        : base(config, ringTokens, device, format == KvRingFormat.Int8 ? ScalarType.Int8 : dtype, pinnedHost, Int8Checked(format, tailRows))
    {
        (Dtype, Format) = (dtype, format);
        if (format != KvRingFormat.Int8) return;
        _kScale = new Tensor[config.NumLayers];
        _vScale = new Tensor[config.NumLayers];
        try
        {
            for (var i = 0; i < config.NumLayers; i++)
            {
                long[] shape = [1, ringTokens, config.NumHeads];
                _kScale[i] = (pinnedHost ? HostMemory.Zeros(shape, ScalarType.Float32) : torch.zeros(shape, ScalarType.Float32, device)).DetachFromDisposeScope();
                _vScale[i] = (pinnedHost ? HostMemory.Zeros(shape, ScalarType.Float32) : torch.zeros(shape, ScalarType.Float32, device)).DetachFromDisposeScope();
            }
        }
        catch
        {
            base.Dispose();
            throw;
        }
    }

    private static int Int8Checked(KvRingFormat format, int tailRows) =>
        format == KvRingFormat.Int8 && tailRows > 0
            ? throw new ArgumentException("an 8-bit ring has no tail (attention decodes it into a buffer of its own)")
            : tailRows;

    /// <summary>The dtype attention computes in, which rows are decoded to.</summary>
    public ScalarType Dtype { get; }

    /// <summary>How the rows are stored.</summary>
    public KvRingFormat Format { get; } = KvRingFormat.Compute;

    /// <summary>The device bytes of a ring of <paramref name="rows"/> in <paramref name="format"/> (an 8-bit ring's
    /// scales included).</summary>
    public static long BytesFor(DitConfig config, long rows, KvRingFormat format, ScalarType dtype) =>
        format == KvRingFormat.Int8
            ? Bytes(config, rows, ScalarType.Int8) + 2L * config.NumLayers * rows * config.NumHeads * sizeof(float)
            : Bytes(config, rows, dtype);

    /// <summary>Writes a block's keys and values [1, L, N, D] (the compute dtype) at ring row <paramref name="start"/>.</summary>
    public void Write(int layer, int start, Tensor k, Tensor v)
    {
        var rows = (int)k.shape[1];
        if (Format == KvRingFormat.Int8)
        {
            Int8KvRows.Encode(k, K(layer).narrow(1, start, rows), _kScale![layer].narrow(1, start, rows));
            Int8KvRows.Encode(v, V(layer).narrow(1, start, rows), _vScale![layer].narrow(1, start, rows));
            return;
        }
        K(layer).narrow(1, start, rows).copy_(k);
        V(layer).narrow(1, start, rows).copy_(v);
    }

    /// <summary>The first <paramref name="rows"/> keys and values of <paramref name="layer"/> in the compute dtype,
    /// written into <paramref name="keys"/> and <paramref name="values"/> [1, rows, N, D] (decoded when 8-bit).</summary>
    public void Read(int layer, int rows, Tensor keys, Tensor values)
    {
        if (Format == KvRingFormat.Int8)
        {
            Int8KvRows.Decode(K(layer).narrow(1, 0, rows), _kScale![layer].narrow(1, 0, rows), keys);
            Int8KvRows.Decode(V(layer).narrow(1, 0, rows), _vScale![layer].narrow(1, 0, rows), values);
            return;
        }
        keys.copy_(K(layer).narrow(1, 0, rows));
        values.copy_(V(layer).narrow(1, 0, rows));
    }

    protected override void DisposeOwned()
    {
        // Slot rings share a scale tensor between layers: each is freed once.
        foreach (var t in (_kScale ?? []).Concat(_vScale ?? []).Distinct(ReferenceEqualityComparer.Instance)) ((Tensor?)t)?.Dispose();
    }

    /// <summary>A ring whose layer l computes with <c>k[l % k.Length]</c> and <c>v[l % v.Length]</c>: device slots
    /// (which may be longer than <paramref name="ringTokens"/>: a tail) filled layer by layer by its
    /// <see cref="DitLayerRows.Residency"/>, or views of another ring's first rows. With <paramref name="scales"/>
    /// (per layer in the same way, keys' then values'), the rows are 8-bit codes decoded to <paramref name="dtype"/>.</summary>
    public DitRingCache(DitConfig config, Tensor[] slotK, Tensor[] slotV, int ringTokens,
        (Tensor[] K, Tensor[] V, ScalarType Dtype)? scales = null)
        : base(PerLayer(config, slotK), PerLayer(config, slotV), ringTokens)
    {
        Dtype = scales?.Dtype ?? slotK[0].dtype;
        if (scales is not { } s) return;
        Format = KvRingFormat.Int8;
        (_kScale, _vScale) = (PerLayer(config, s.K), PerLayer(config, s.V));
    }

    private static Tensor[] PerLayer(DitConfig config, Tensor[] slots) =>
        Enumerable.Range(0, config.NumLayers).Select(l => slots[l % slots.Length]).ToArray();

    /// <summary>An 8-bit ring's key scales [1, S, N] of <paramref name="layer"/> (for copies between rings).</summary>
    internal Tensor KScale(int layer) => _kScale?[layer] ?? throw new InvalidOperationException("only an 8-bit ring has scales");

    /// <summary>An 8-bit ring's value scales [1, S, N] of <paramref name="layer"/>.</summary>
    internal Tensor VScale(int layer) => _vScale?[layer] ?? throw new InvalidOperationException("only an 8-bit ring has scales");

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
