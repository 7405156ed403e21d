using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Models.Audio;

/// <summary>
/// wav2vec2's 50 Hz hidden states of a long track, computed over overlapping windows so the cost grows linearly with
/// the track instead of quadratically (self-attention over an hour is 180,000 frames in one forward). The track is cut
/// into cores of <see cref="CoreFrames"/>; each core runs with up to <see cref="ContextFrames"/> of its neighbours on
/// both sides and keeps only its own rows, so every kept row saw at least that much audio around it. Windows start on
/// whole frames (multiples of the conv stack's 320-sample stride) and the conv stack pads nowhere, so a window's frame
/// j is exactly the track's frame first + j and the cores tile the whole-track frames with nothing missing. What
/// differs from one whole-track forward is attention and the 128-wide positional convolution near a window's edges;
/// the tests measure it.
/// </summary>
public sealed class WindowedHiddenStates
{
    /// <summary>30 s cores with 5 s on each side: XLSR-53 was pre-trained on crops of at most ~15.6 s, so a 40 s
    /// window already gives attention more context than it learnt to use, and 5 s (250 frames) is well past the
    /// positional convolution's ±64-frame reach.</summary>
    public const double DefaultCoreSeconds = 30, DefaultContextSeconds = 5;

    private readonly Wav2Vec2Model _model;

    /// <param name="coreSeconds">Audio each window keeps (rounded to whole 50 Hz frames).</param>
    /// <param name="contextSeconds">Audio each window adds on each side of its core and then drops.</param>
    public WindowedHiddenStates(Wav2Vec2Model model, double coreSeconds = DefaultCoreSeconds, double contextSeconds = DefaultContextSeconds)
    {
        var frameSeconds = model.Config.TotalStride / (double)AudioEncoder.SampleRate;
        CoreFrames = (long)Math.Round(coreSeconds / frameSeconds);
        ContextFrames = (long)Math.Round(contextSeconds / frameSeconds);
        if (double.IsNaN(coreSeconds) || CoreFrames < 1)
            throw new ArgumentOutOfRangeException(nameof(coreSeconds), coreSeconds, "a window's core must hold at least one wav2vec2 frame");
        if (double.IsNaN(contextSeconds) || ContextFrames < 0)
            throw new ArgumentOutOfRangeException(nameof(contextSeconds), contextSeconds, "a window's context cannot be negative");
        _model = model;
    }

    public long CoreFrames { get; }
    public long ContextFrames { get; }

    /// <summary>A full window: its core and the context on both sides.</summary>
    public long WindowFrames => CoreFrames + 2 * ContextFrames;

    /// <summary>Whether a track of <paramref name="samples"/> takes the windowed path. A track that fits in one window
    /// runs whole, exactly as the original does; windowing it would only lose context.</summary>
    public bool AppliesTo(long samples) => _model.Config.FramesFor(samples) > WindowFrames;

    /// <summary>One window in track frames: the frames it runs over, and the core it keeps.</summary>
    public readonly record struct Window(long First, long Count, long CoreFirst, long CoreCount);

    /// <summary>The windows for a track of <paramref name="frames"/> 50 Hz frames: cores of <see cref="CoreFrames"/>
    /// from the start (the last one shorter), each widened by the context where the track has it.</summary>
    public IReadOnlyList<Window> Plan(long frames)
    {
        var windows = new List<Window>();
        for (var core = 0L; core < frames; core += CoreFrames)
        {
            var coreCount = Math.Min(CoreFrames, frames - core);
            var first = Math.Max(0, core - ContextFrames);
            var end = Math.Min(frames, core + coreCount + ContextFrames);
            windows.Add(new Window(first, end - first, core, coreCount));
        }
        return windows;
    }

    /// <summary>The samples a window reads: from its first frame's start to its last frame's receptive field's end.</summary>
    public (long Start, long Length) Samples(Window window)
    {
        var c = _model.Config;
        return (window.First * c.TotalStride, (window.Count - 1) * c.TotalStride + c.ReceptiveField);
    }

    /// <summary>[(layers+1), T, C] at 50 Hz for an already normalised waveform (normalised over the whole track, as
    /// the whole-track path does), T = FramesFor(samples) as in one forward. The result is allocated once in the
    /// caller's dispose scope; each window's tensors are freed before the next window runs.</summary>
    public Tensor Compute(ReadOnlySpan<float> normalized, Device device, ScalarType dtype)
    {
        var c = _model.Config;
        var frames = c.FramesFor(normalized.Length);
        if (frames < 1) throw new ArgumentException($"{normalized.Length} samples are shorter than one wav2vec2 frame ({c.ReceptiveField})", nameof(normalized));
        // Filled in place rather than concatenated at the end, so the kept cores never exist twice.
        var result = torch.empty([c.NumHiddenLayers + 1, frames, c.HiddenSize], dtype: dtype, device: device);
        try
        {
            foreach (var w in Plan(frames))
            {
                using var scope = torch.NewDisposeScope();
                var (start, length) = Samples(w);
                var input = torch.tensor(normalized.Slice((int)start, (int)length).ToArray(), [1, length]).to(dtype, device);
                var states = _model.HiddenStates(input);                                   // [L, w.Count, C]
                if (states.shape[1] != w.Count)
                    throw new InvalidOperationException($"a window of {length} samples gave {states.shape[1]} frames, not {w.Count}");
                result.narrow(1, w.CoreFirst, w.CoreCount).copy_(states.narrow(1, w.CoreFirst - w.First, w.CoreCount));
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }
}
