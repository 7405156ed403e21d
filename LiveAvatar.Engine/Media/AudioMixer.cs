using FFMpegCore;
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
        foreach (var i in inputs) InputFile.EnsureReadable(i, "audio");
        var labels = string.Concat(Enumerable.Range(0, inputs.Count).Select(i => $"[{i.ToString(CultureInfo.InvariantCulture)}:a]"));
        var command = inputs.Skip(1).Aggregate(FFMpegArguments.FromFileInput(InputFile.ForFfmpeg(inputs[0], "audio")),
                (args, i) => args.AddFileInput(InputFile.ForFfmpeg(i, "audio")))
            .OutputToFile(output, overwrite: true, o => o.WithCustomArgument(
                $"-filter_complex {labels}amix=inputs={inputs.Count.ToString(CultureInfo.InvariantCulture)}:duration=shortest[aout] -map [aout] -c:a pcm_s16le -f wav"));
        await FfmpegRun.RunCheckedAsync(command, options.Tools, ct).ConfigureAwait(false);
    }
}
