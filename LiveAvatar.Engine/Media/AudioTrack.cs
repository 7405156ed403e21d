namespace LiveAvatar.Engine.Media;

/// <summary>Driving audio as the wav2vec2 encoder takes it: 16 kHz mono float32.</summary>
public sealed record AudioTrack(float[] Samples, string SourcePath)
{
    public const int SampleRate = AudioClipMath.SampleRate;

    public TimeSpan Duration => TimeSpan.FromSeconds(Samples.Length / (double)SampleRate);

    public long Wav2Vec2Frames => AudioClipMath.Wav2Vec2Frames(Samples.Length);

    /// <summary>Clips of <paramref name="inferFrames"/> frames this audio allows (spec §2.2 step 5).</summary>
    public int ClipCount(int inferFrames = 48) => AudioClipMath.ClipCount(Samples.Length, inferFrames);
}
