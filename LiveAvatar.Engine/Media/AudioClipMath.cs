namespace LiveAvatar.Engine.Media;

/// <summary>
/// How many clips an audio track allows, computed as the original does from the sample count alone
/// (audio_encoder.get_audio_embed_bucket_fps and linear_interpolation), so no model is needed to know it.
/// </summary>
public static class AudioClipMath
{
    public const int SampleRate = 16000;
    public const int VideoFps = LiveAvatar.Engine.Generation.VideoTiming.Fps;
    private const int FeatureRate = 50; // wav2vec2 frames per second
    private const int InterpolatedRate = 30; // AudioEncoder.video_rate

    // wav2vec2 feature-extractor convolutions (kernel, stride); no padding, so each layer floors.
    private static readonly (int Kernel, int Stride)[] ConvStack =
        [(10, 5), (3, 2), (3, 2), (3, 2), (3, 2), (2, 2), (2, 2)];

    /// <summary>The smallest input that yields one wav2vec2 frame (25 ms); less makes the model fail.</summary>
    public const int MinSamples = 400;

    /// <summary>T50: frames the wav2vec2 conv stack gives for <paramref name="samples"/> samples at 16 kHz.</summary>
    public static long Wav2Vec2Frames(long samples)
    {
        var length = samples;
        foreach (var (kernel, stride) in ConvStack)
        {
            if (length < kernel) return 0;
            length = (length - kernel) / stride + 1;
        }
        return length;
    }

    /// <summary>T30 = int(T50 / 50 · 30), in the original's float order.</summary>
    public static long Frames30(long wav2vec2Frames) => (long)(wav2vec2Frames / (double)FeatureRate * InterpolatedRate);

    /// <summary>nr = int(T30 / (infer_frames · 30/fps)) + 1: the audio always allows at least one clip.</summary>
    public static int ClipCount(long samples, int inferFrames = 48, int fps = VideoFps)
    {
        if (inferFrames <= 0) throw new ArgumentOutOfRangeException(nameof(inferFrames), "infer_frames must be positive.");
        var scale = InterpolatedRate / (double)fps;
        return (int)(Frames30(Wav2Vec2Frames(samples)) / (inferFrames * scale)) + 1;
    }
}
