using System.Collections.Concurrent;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Web.Services;

/// <summary>
/// Peaks of an uploaded audio for the page's waveform: the file decoded to PCM by the engine's audio loader (ffmpeg),
/// split into equal spans, each reduced to its largest absolute sample. Computed once per upload and kept in
/// memory (a few hundred floats each).
/// </summary>
public sealed class AudioWaveforms(UploadStore uploads)
{
    public const int DefaultBars = 240;

    private readonly ConcurrentDictionary<(string Id, int Bars), Task<float[]>> cache = new();

    public Task<float[]> PeaksAsync(StoredUpload audio, int bars = DefaultBars)
    {
        if (audio.Kind != UploadKind.Audio) throw new ArgumentException("only audio uploads have a waveform", nameof(audio));
        var task = cache.GetOrAdd((audio.Id, bars), key => ComputeAsync(uploads.PathOf(audio), key.Bars));
        // A failed decode is not cached: the next render may try again.
        if (task.IsFaulted) cache.TryRemove((audio.Id, bars), out _);
        return task;
    }

    private static async Task<float[]> ComputeAsync(string path, int bars)
    {
        var track = await AudioLoader.LoadAsync(path).ConfigureAwait(false);
        return Peaks(track.Samples, bars);
    }

    /// <summary>Largest |sample| of each of <paramref name="bars"/> equal spans, scaled so the loudest bar is 1.</summary>
    public static float[] Peaks(ReadOnlySpan<float> samples, int bars)
    {
        if (bars <= 0) throw new ArgumentOutOfRangeException(nameof(bars), "at least one bar");
        var peaks = new float[bars];
        if (samples.Length == 0) return peaks;
        for (int b = 0; b < bars; b++)
        {
            int start = (int)((long)samples.Length * b / bars);
            int end = Math.Max(start + 1, (int)((long)samples.Length * (b + 1) / bars));
            float max = 0;
            foreach (float s in samples[start..Math.Min(end, samples.Length)]) max = Math.Max(max, Math.Abs(s));
            peaks[b] = max;
        }
        float loudest = peaks.Max();
        if (loudest > 0) for (int b = 0; b < bars; b++) peaks[b] /= loudest;
        return peaks;
    }
}
