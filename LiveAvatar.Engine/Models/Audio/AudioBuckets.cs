using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Audio;

/// <summary>One bucketing result: per video frame the chosen 30 Hz rows, how many clips that makes, and the
/// source index of each frame (≥ the frame count means a zero row).</summary>
public sealed record AudioBucket(Tensor Embeddings, int NumRepeat, long[] SourceIndex);

/// <summary>get_audio_embed_bucket_fps / get_sample_indices of audio_encoder.py: maps video frames at
/// <c>fps</c> onto the 30 Hz audio features, padding whole clips of <c>batchFrames</c> with zeros.</summary>
public static class AudioBuckets
{
    /// <summary>Frame indices at <paramref name="originalFps"/> of <paramref name="numSample"/> samples taken at
    /// <paramref name="targetFps"/> from <paramref name="fixedStart"/>: numpy's linspace(endpoint=False) times,
    /// np.round (half to even), clipped to the last frame.</summary>
    public static long[] GetSampleIndices(double originalFps, long totalFrames, double targetFps, int numSample, long fixedStart = 0)
    {
        var requiredDuration = numSample / targetFps;
        if (requiredDuration > totalFrames / originalFps)
            throw new ArgumentException("required_duration must be less than video length");
        var start = fixedStart / originalFps;
        var step = (start + requiredDuration - start) / numSample;
        var result = new long[numSample];
        for (var k = 0; k < numSample; k++)
        {
            var t = k * step + start;
            var idx = (long)Math.Round(t * originalFps, MidpointRounding.ToEven);
            result[k] = Math.Clamp(idx, 0, totalFrames - 1);
        }
        return result;
    }

    /// <summary>Number of clips for <paramref name="frames30"/> feature frames: int(T30 / (bf · 30/fps)) + 1.</summary>
    public static int NumRepeat(long frames30, double fps, int batchFrames, double videoRate = AudioEncoder.VideoRate) =>
        (int)(frames30 / (batchFrames * (videoRate / fps))) + 1;

    /// <summary>z [L, T30, C] → embeddings [nr·bf, L, (2m+1)·C]: frame k takes rows idx_k + j·stride
    /// (j = −m..m, stride int(30/fps), clamped into range), or zeros when idx_k ≥ T30.</summary>
    public static AudioBucket GetAudioEmbedBucketFps(Tensor z, double fps, int batchFrames, int m = 0, double videoRate = AudioEncoder.VideoRate)
    {
        // z [L, T30, C] → [n, L, (2m+1)·C]
        using var scope = torch.NewDisposeScope();
        var (layers, frames, dim) = (z.shape[0], z.shape[1], z.shape[2]);
        var nr = NumRepeat(frames, fps, batchFrames, videoRate);
        var bucketNum = nr * batchFrames;
        var pad = (long)Math.Ceiling(nr * batchFrames / fps * videoRate) - frames;
        var source = GetSampleIndices(videoRate, frames + pad, fps, bucketNum);
        var stride = (long)(videoRate / fps);
        var width = 2 * m + 1;
        var chosen = new long[bucketNum * width];
        var zero = new bool[bucketNum];
        for (var k = 0; k < bucketNum; k++)
        {
            zero[k] = source[k] >= frames;
            for (var j = 0; j < width; j++)
                chosen[k * width + j] = zero[k] ? 0 : Math.Clamp(source[k] + (j - m) * stride, 0, frames - 1);
        }
        var rows = z.index_select(1, torch.tensor(chosen).to(z.device))
            .view(layers, bucketNum, width, dim).permute(1, 0, 2, 3).reshape(bucketNum, layers, width * dim);
        var emb = rows.masked_fill(torch.tensor(zero, [bucketNum, 1, 1]).to(z.device), 0);
        return new AudioBucket(scope.MoveToOuter(emb), nr, source);
    }

    /// <summary>bucket.unsqueeze(0).permute(0, 2, 3, 1): [n, L, C] → [1, L, C, n], the DiT's audio input.</summary>
    public static Tensor ToDitLayout(Tensor bucket) => bucket.unsqueeze(0).permute(0, 2, 3, 1).contiguous();
}
