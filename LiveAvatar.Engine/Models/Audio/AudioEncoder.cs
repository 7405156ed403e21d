using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Audio;

/// <summary>Live Avatar's audio path around wav2vec2 (audio_encoder.py's AudioEncoder.extract_audio_feat and
/// WanS2V.encode_audio): normalise, run the encoder, resample every hidden state from 50 Hz to the 30 Hz video
/// rate, then bucket per video frame (<see cref="AudioBuckets"/>). A track longer than one window of
/// <see cref="Windows"/> goes through wav2vec2 window by window; a shorter one in one forward, as in the original.</summary>
/// <param name="windows">How long tracks are cut (default: 30 s cores with 5 s context on each side).</param>
public sealed class AudioEncoder(Wav2Vec2Model model, WindowedHiddenStates? windows = null)
{
    public const int SampleRate = 16000;
    public const double AudioRate = 50;
    public const double VideoRate = 30;

    public Wav2Vec2Model Model { get; } = model;
    public WindowedHiddenStates Windows { get; } = windows ?? new WindowedHiddenStates(model);

    /// <summary>The feature extractor's normalisation: (x − mean) / √(var + 1e-7) over the whole clip
    /// (population variance), computed in float64.</summary>
    public static float[] NormalizeWaveform(ReadOnlySpan<float> samples)
    {
        if (samples.Length == 0) return [];
        double sum = 0;
        foreach (var s in samples) sum += s;
        var mean = sum / samples.Length;
        double sq = 0;
        foreach (var s in samples) sq += (s - mean) * (s - mean);
        var scale = 1 / Math.Sqrt(sq / samples.Length + 1e-7);
        var result = new float[samples.Length];
        for (var i = 0; i < result.Length; i++) result[i] = (float)((samples[i] - mean) * scale);
        return result;
    }

    /// <summary>F.interpolate(linear, align_corners=True) along time to int(T / inputFps · outputFps) frames.
    /// Source positions and weights follow PyTorch's upsample_linear1d in fp32 (scale (T−1)/(T'−1), position
    /// scale·i, λ = position − ⌊position⌋) so the weights match the reference bit for bit; the two-term blend is
    /// taken in fp64 and rounded once. The blend goes <paramref name="chunkFrames"/> output frames at a time: each
    /// output frame depends only on its own two source rows, so the result is the same, and an hour of audio
    /// (108,000 frames × 25 layers × 1,024) no longer needs three fp64 copies of itself (about 66 GB) at once.</summary>
    public static Tensor LinearInterpolation(Tensor features, double inputFps = AudioRate, double outputFps = VideoRate, long? outputLen = null,
        int chunkFrames = 1024)
    {
        // features [L, T, C] → [L, T', C]
        var t = features.shape[1];
        var len = outputLen ?? (long)(t / inputFps * outputFps);
        var (i0, i1, w0, w1) = (new long[len], new long[len], new double[len], new double[len]);
        var scale = len > 1 ? (float)(t - 1) / (len - 1) : 0f;
        for (var i = 0; i < len; i++)
        {
            var pos = scale * i;
            var h = (long)pos;
            var lambda = pos - h;
            (i0[i], i1[i], w0[i], w1[i]) = (h, h < t - 1 ? h + 1 : h, 1f - lambda, lambda);
        }
        var result = torch.empty([features.shape[0], len, features.shape[2]], features.dtype, features.device);
        for (var start = 0; start < len; start += chunkFrames)
        {
            using var scope = torch.NewDisposeScope();
            var n = (int)Math.Min(chunkFrames, len - start);
            Tensor Weights(double[] w) => torch.tensor(w.AsSpan(start, n).ToArray(), [1, n, 1]).to(features.device);
            Tensor Rows(long[] idx) => features.index_select(1, torch.tensor(idx.AsSpan(start, n).ToArray()).to(features.device)).to(ScalarType.Float64);
            result.narrow(1, start, n).copy_((Rows(i0) * Weights(w0) + Rows(i1) * Weights(w1)).to(features.dtype));
        }
        return result;
    }

    /// <summary>extract_audio_feat(return_all_layers=True): every hidden state at 30 Hz, [layers+1, T30, C]
    /// for a mono 16 kHz waveform. The result has the model's dtype.</summary>
    public Tensor ExtractAudioFeat(ReadOnlySpan<float> waveform16k, Device device)
    {
        using var scope = torch.NewDisposeScope();
        return scope.MoveToOuter(LinearInterpolation(HiddenStates(waveform16k, device)));
    }

    /// <summary>Every hidden state at 50 Hz, [layers+1, T, C], in the model's dtype. The waveform is normalised over
    /// the whole track on either path, so windowing changes only what attention sees.</summary>
    public Tensor HiddenStates(ReadOnlySpan<float> waveform16k, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var dtype = Model.FeatureProjection.Projection.Weight.T.dtype;
        var normalized = NormalizeWaveform(waveform16k);
        return scope.MoveToOuter(Windows.AppliesTo(normalized.Length)
            ? Windows.Compute(normalized, device, dtype)
            : Model.HiddenStates(torch.tensor(normalized, [1, normalized.Length]).to(dtype, device)));
    }

    /// <summary>The audio embedding the DiT takes: [1, layers+1, C·(2m+1), nr·batchFrames], and the clip count nr.</summary>
    public (Tensor AudioEmb, int NumRepeat) EncodeAudio(ReadOnlySpan<float> waveform16k, Device device, double fps = 25,
        int batchFrames = 48, int m = 0)
    {
        using var scope = torch.NewDisposeScope();
        var z = ExtractAudioFeat(waveform16k, device);
        var bucket = AudioBuckets.GetAudioEmbedBucketFps(z, fps, batchFrames, m, VideoRate);
        return (scope.MoveToOuter(AudioBuckets.ToDitLayout(bucket.Embeddings)), bucket.NumRepeat);
    }
}
