using LiveAvatar.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>
/// The sink (cond) cache: per layer the un-RoPE'd keys and values of the ref + FramePack tokens, written by the
/// sink prefill and re-RoPE'd on every streaming call. Sized from the resolution, never a fixed 2800/3000 rows.
/// Also holds, per layer, the text cross-attention's keys and values of the prompt the prefill ran with: they depend
/// on nothing else, so the streaming calls of the same prompt reuse them (<see cref="DitShortcut.TextKeys"/>); and the
/// time embeddings of the timesteps the job has used (<see cref="DitShortcut.TimeEmbeddings"/>). One per job and branch,
/// so everything it keeps belongs to one prompt and one set of weights.
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
        Bytes(config, condLength + (DitShortcuts.IsOff(DitShortcut.TextKeys) ? 0 : config.TextLen), dtype);

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
