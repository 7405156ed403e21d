using System.Globalization;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// Mixes the speakers' tracks into the one the video carries, as the original's synthesize_audio does:
/// ffmpeg amix with duration=shortest. Kept apart so the media layer can move to FFMpegCore without touching it.
/// </summary>
public static class AudioMixer
{
    /// <summary>Writes a 16-bit PCM WAV mix of <paramref name="inputs"/> to <paramref name="output"/>.</summary>
    public static async Task MixAsync(IReadOnlyList<string> inputs, string output, MediaOptions? options = null, CancellationToken ct = default)
    {
        options ??= MediaOptions.Default;
        if (inputs.Count < 2) throw new ArgumentException("mixing needs at least two audio tracks", nameof(inputs));
        List<string> args = ["-nostdin", "-v", "error", "-y"];
        foreach (var i in inputs)
        {
            InputFile.EnsureReadable(i, "audio");
            args.AddRange(["-i", InputFile.FfmpegUrl(i)]);
        }
        var labels = string.Concat(Enumerable.Range(0, inputs.Count).Select(i => $"[{i.ToString(CultureInfo.InvariantCulture)}:a]"));
        args.AddRange(["-filter_complex", $"{labels}amix=inputs={inputs.Count.ToString(CultureInfo.InvariantCulture)}:duration=shortest[aout]",
            "-map", "[aout]", "-c:a", "pcm_s16le", "-f", "wav", output]);
        await FfmpegRunner.RunCheckedAsync(options.Tools.Ffmpeg, args, ct).ConfigureAwait(false);
    }
}
