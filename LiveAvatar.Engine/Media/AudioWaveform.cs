namespace LiveAvatar.Engine.Media;

/// <summary>Peak envelope of an audio file for drawing its waveform on the page.</summary>
public static class AudioWaveform
{
    /// <summary>
    /// Decodes <paramref name="path"/> like the model does (ffmpeg, 16 kHz mono) and returns, for each of
    /// <paramref name="buckets"/> equal slices of time, the largest absolute sample in [0, 1].
    /// </summary>
    public static async Task<float[]> ComputePeaksAsync(string path, int buckets, MediaOptions? options = null, CancellationToken ct = default)
    {
        var track = await AudioLoader.LoadAsync(path, options, ct).ConfigureAwait(false);
        return ComputePeaks(track.Samples, buckets);
    }

    public static float[] ComputePeaks(ReadOnlySpan<float> samples, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        var peaks = new float[buckets];
        if (samples.IsEmpty) return peaks;
        for (var b = 0; b < buckets; b++)
        {
            var start = (int)((long)samples.Length * b / buckets);
            var end = Math.Max(start + 1, (int)((long)samples.Length * (b + 1) / buckets));
            var peak = 0f;
            foreach (var s in samples[start..Math.Min(end, samples.Length)]) peak = Math.Max(peak, Math.Abs(s));
            peaks[b] = Math.Min(peak, 1f);
        }
        return peaks;
    }
}
