using LiveAvatar.Engine.Models.Audio;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Live;

/// <summary>
/// Audio features for live input, one 12-frame block at a time, without the future: wav2vec2 runs over a window of
/// the last <see cref="ContextSeconds"/> of audio plus the new block (normalised over that window), and the block's
/// 12 video frames take their rows from the window's 50 Hz hidden states by the same frame → 30 Hz → 50 Hz mapping
/// the whole-track encode uses (AudioEncoder.EncodeAudio: linear 50→30 Hz resampling, then 25 fps buckets), with the
/// resampling ratio taken as exactly 5/3 because the track's length is not known yet. The differences against the
/// whole-track encode come from the window (attention and the positional convolution see only the past context,
/// the normalisation is over the window) and are measured by the tests.
/// </summary>
public sealed class SlidingWindowAudioEncoder
{
    public const int VideoFps = Generation.VideoTiming.Fps;
    public const int FramesPerBlock = Generation.VideoTiming.FramesPerBlock;
    public const int SamplesPerBlock = AudioEncoder.SampleRate / VideoFps * FramesPerBlock; // 7,680 at 25 fps
    public const double DefaultContextSeconds = 2.0;

    private readonly Wav2Vec2Model _model;
    private readonly Device _device;
    private readonly int _stride;
    private readonly float[] _window;
    private int _filled;
    private long _blocks;

    /// <param name="contextSeconds">Past audio each block's window starts with (rounded to whole wav2vec2 frames).</param>
    public SlidingWindowAudioEncoder(Wav2Vec2Model model, Device device, double contextSeconds = DefaultContextSeconds)
    {
        if (double.IsNaN(contextSeconds) || contextSeconds < 0 || contextSeconds > 30)
            throw new ArgumentOutOfRangeException(nameof(contextSeconds), contextSeconds, "the audio context must be 0 to 30 seconds");
        _model = model;
        _device = device;
        _stride = (int)model.Config.TotalStride;
        if (SamplesPerBlock % _stride != 0)
            throw new ArgumentException($"a block of {SamplesPerBlock} samples is not a whole number of wav2vec2 frames ({_stride} samples)");
        var context = (int)Math.Round(contextSeconds * AudioEncoder.SampleRate / _stride) * _stride;
        ContextSeconds = context / (double)AudioEncoder.SampleRate;
        _window = new float[context + SamplesPerBlock];
    }

    public double ContextSeconds { get; }

    /// <summary>Blocks encoded so far.</summary>
    public long Blocks => _blocks;

    /// <summary>Appends the next block's <see cref="SamplesPerBlock"/> samples (16 kHz mono) and returns its features in
    /// the DiT's layout, [1, layers+1, C, 12], in the model's dtype on its device (caller owns).</summary>
    public Tensor Next(ReadOnlySpan<float> block)
    {
        if (block.Length != SamplesPerBlock)
            throw new ArgumentException($"a block is {SamplesPerBlock} samples at 16 kHz; got {block.Length}", nameof(block));
        Append(block);
        var totalSamples = (_blocks + 1) * SamplesPerBlock;
        var windowStart = totalSamples - _filled;                                           // a multiple of the stride
        using var scope = torch.NewDisposeScope();
        var dtype = _model.FeatureProjection.Projection.Weight.T.dtype;
        var input = torch.tensor(AudioEncoder.NormalizeWaveform(_window.AsSpan(0, _filled)), [1, _filled]).to(dtype, _device);
        var states = _model.HiddenStates(input);                                            // [L, Tw, C] at 50 Hz
        var rows = RowsForBlock(states, _blocks * FramesPerBlock, windowStart / _stride);   // [12, L, C]
        _blocks++;
        return AudioBuckets.ToDitLayout(rows).MoveToOuterDisposeScope();
    }

    // Video frame g → 30 Hz row round(g·30/25) (get_sample_indices) → 50 Hz position row·5/3 (the interpolation's
    // align_corners scale for a long track), blended linearly in fp64 from the window's frames.
    private static Tensor RowsForBlock(Tensor states, long firstFrame, long windowFirst50)
    {
        var available = states.shape[1];
        var (i0, i1, w0, w1) = (new long[FramesPerBlock], new long[FramesPerBlock], new double[FramesPerBlock], new double[FramesPerBlock]);
        for (var j = 0; j < FramesPerBlock; j++)
        {
            var row30 = Math.Round((firstFrame + j) * AudioEncoder.VideoRate / VideoFps, MidpointRounding.ToEven);
            var local = row30 * AudioEncoder.AudioRate / AudioEncoder.VideoRate - windowFirst50;
            var h = (long)Math.Floor(local);
            var lambda = local - h;
            i0[j] = Math.Clamp(h, 0, available - 1);
            i1[j] = Math.Clamp(h + 1, 0, available - 1);
            (w0[j], w1[j]) = (1 - lambda, lambda);
        }
        Tensor Weights(double[] w) => torch.tensor(w, [1, FramesPerBlock, 1]).to(states.device);
        Tensor Rows(long[] idx) => states.index_select(1, torch.tensor(idx).to(states.device)).to(ScalarType.Float64);
        var blended = (Rows(i0) * Weights(w0) + Rows(i1) * Weights(w1)).to(states.dtype);  // [L, 12, C]
        return blended.permute(1, 0, 2);
    }

    // Keeps the last context + block samples, newest at the end.
    private void Append(ReadOnlySpan<float> block)
    {
        var keep = Math.Min(_filled, _window.Length - block.Length);
        if (keep < _filled) Array.Copy(_window, _filled - keep, _window, 0, keep);
        block.CopyTo(_window.AsSpan(keep));
        _filled = keep + block.Length;
    }
}
