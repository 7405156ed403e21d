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
    /// <param name="tailRows">Rows allocated past <paramref name="rows"/> in every layer (see <see cref="DitRingCache"/>).</param>
    protected DitLayerRows(DitConfig config, int rows, Device device, ScalarType dtype, bool pinnedHost = false, int tailRows = 0)
    {
        if (tailRows < 0) throw new ArgumentOutOfRangeException(nameof(tailRows), "the tail cannot have negative rows");
        Length = rows;
        _k = new Tensor[config.NumLayers];
        _v = new Tensor[config.NumLayers];
        try
        {
            for (var i = 0; i < config.NumLayers; i++)
            {
                long[] shape = [1, rows + tailRows, config.NumHeads, config.HeadDim];
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

    /// <summary>The rows a layer holds for its owner (a layer's tensor may hold more: <see cref="DitRingCache"/>'s tail).</summary>
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
        DisposeOwned();
        foreach (var t in _k.Concat(_v).Distinct(ReferenceEqualityComparer.Instance)) ((Tensor?)t)?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees what a derived cache holds besides the rows.</summary>
    protected virtual void DisposeOwned()
    {
    }
}

/// <summary>
/// The sink (cond) cache: per layer the un-RoPE'd keys and values of the ref + FramePack tokens, written by the
/// sink prefill and re-RoPE'd on every streaming call. Sized from the resolution, never a fixed 2800/3000 rows.
/// Also holds, per layer, the text cross-attention's keys and values of the prompt the prefill ran with: they depend
/// on nothing else, so the streaming calls of the same prompt reuse them (<see cref="DitShortcut.TextKeys"/>).
/// </summary>
public sealed class DitCondCache : DitLayerRows // per layer k, v [1, Lc, N, D]; text k, v [1, text_len, C]
{
    private readonly Tensor[]? _textK;
    private readonly Tensor[]? _textV;

    public DitCondCache(DitConfig config, int condLength, Device device, ScalarType dtype)
        : base(config, condLength, device, dtype)
    {
        if (DitShortcuts.IsOff(DitShortcut.TextKeys)) return;
        try
        {
            _textK = new Tensor[config.NumLayers];
            _textV = new Tensor[config.NumLayers];
            for (var i = 0; i < config.NumLayers; i++)
            {
                _textK[i] = torch.zeros([1, config.TextLen, config.Dim], dtype, device).DetachFromDisposeScope();
                _textV[i] = torch.zeros([1, config.TextLen, config.Dim], dtype, device).DetachFromDisposeScope();
            }
        }
        catch
        {
            DisposeText();
            base.Dispose();
            throw;
        }
    }

    /// <summary>Latent size of the last prefill; streaming rebuilds the cond RoPE grid from it.</summary>
    public int LatentH { get; internal set; }
    public int LatentW { get; internal set; }

    /// <summary>Rows filled by the last prefill (cond_end).</summary>
    public int End { get; internal set; }

    private static long s_lastFill;

    /// <summary>Which fill of any sink cache in the process the rows are (0: never filled): a ring that copied this
    /// cache's values into its tail knows by it whether they are still the same.</summary>
    public long Fill { get; private set; }

    /// <summary>Marks the rows as new (the prefill is about to write them).</summary>
    internal void Refill() => Fill = Interlocked.Increment(ref s_lastFill);

    /// <summary>The device bytes of a sink cache of <paramref name="condLength"/> rows, its text keys included.</summary>
    public static long BytesFor(DitConfig config, int condLength, ScalarType dtype) =>
        2L * config.NumLayers * config.Dim * dtype.ElementSize() * (condLength + (DitShortcuts.IsOff(DitShortcut.TextKeys) ? 0 : config.TextLen));

    /// <summary>Whether the cache has room for the text keys (not when the shortcut is off).</summary>
    public bool KeepsText => _textK is not null;

    /// <summary>The context (the caller's tensor, by reference) whose text keys the cache holds; null: none.</summary>
    public Tensor? TextOf { get; private set; }

    /// <summary>Whether the held text keys are those of <paramref name="context"/>.</summary>
    public bool HoldsTextOf(Tensor context) => TextOf is not null && ReferenceEquals(TextOf, context);

    public Tensor TextK(int layer) => _textK![layer];
    public Tensor TextV(int layer) => _textV![layer];

    /// <summary>Forgets the held text keys (before they are overwritten), then, once all layers are written, marks
    /// them as <paramref name="context"/>'s.</summary>
    internal void ForgetText() => TextOf = null;
    internal void MarkText(Tensor context) => TextOf = context;

    private readonly Dictionary<(float Timestep, int Frames), (Tensor E, Tensor E0)> _times = [];

    /// <summary>The time embeddings (e for the head, e0 for the blocks) of a block of <paramref name="frames"/> at
    /// <paramref name="timestep"/>: made by <paramref name="make"/> once, then kept for the job. They depend on the
    /// timestep alone, and a run's blocks cycle through the same few steps; the float32 projection upcasts a
    /// [30720, 5120] weight each time (about 1 ms per DiT forward on an H200). The cache owns what it returns.</summary>
    internal (Tensor E, Tensor E0) TimeEmbeddings(float timestep, int frames, Func<(Tensor E, Tensor E0)> make)
    {
        if (_times.TryGetValue((timestep, frames), out var kept)) return kept;
        if (_times.Count >= 64) DisposeTimes(); // a schedule has a handful of steps; anything else is not a loop
        var (e, e0) = make();
        kept = (e.DetachFromDisposeScope(), e0.DetachFromDisposeScope());
        _times[(timestep, frames)] = kept;
        return kept;
    }

    private void DisposeTimes()
    {
        foreach (var (e, e0) in _times.Values)
        {
            e.Dispose();
            e0.Dispose();
        }
        _times.Clear();
    }

    protected override void DisposeOwned()
    {
        DisposeText();
        DisposeTimes();
    }

    private void DisposeText()
    {
        foreach (var t in (_textK ?? []).Concat(_textV ?? [])) t?.Dispose();
        TextOf = null;
    }
}

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
}
