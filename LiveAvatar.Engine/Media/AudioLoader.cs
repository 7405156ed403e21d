using System.Globalization;
using System.Runtime.InteropServices;
using FFMpegCore;
using FFMpegCore.Pipes;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// Decodes any ffmpeg-readable audio (first audio stream; MP3/M4A cover art is ignored) to 16 kHz mono float32,
/// like librosa.load(path, sr=16000): channels are averaged first (librosa's to_mono, not ffmpeg's surround
/// downmix), then resampled with soxr at librosa's default "soxr_hq" precision.
/// Silence is valid input (a talking head may pause); only empty or shorter-than-one-wav2vec2-frame audio is refused.
/// </summary>
public static class AudioLoader
{
    public static async Task<AudioTrack> LoadAsync(string path, MediaOptions? options = null, CancellationToken ct = default)
    {
        options ??= MediaOptions.Default;
        var maxSamples = (long)(options.MaxAudioDuration.TotalSeconds * AudioTrack.SampleRate);
        var sink = new CappedPipeSink("f32le", (maxSamples + 1) * sizeof(float));
        await DecodeAsync(path, options, sink, () => sink.Overflowed, ct).ConfigureAwait(false);
        var bytes = sink.Bytes;
        var samples = MemoryMarshal.Cast<byte, float>(bytes[..(bytes.Length / sizeof(float) * sizeof(float))]).ToArray();
        CheckLength(path, samples.Length);
        return new AudioTrack(samples, path);
    }

    /// <summary>
    /// The number of samples <see cref="LoadAsync"/> would return, found by decoding the same way but only counting
    /// the output: memory stays flat whatever the length (an upload check that must not hold the whole track).
    /// </summary>
    public static async Task<long> CountSamplesAsync(string path, MediaOptions? options = null, CancellationToken ct = default)
    {
        options ??= MediaOptions.Default;
        var maxSamples = (long)(options.MaxAudioDuration.TotalSeconds * AudioTrack.SampleRate);
        var sink = new CountingPipeSink("f32le", maxSamples * sizeof(float));
        await DecodeAsync(path, options, sink, () => sink.Overflowed, ct).ConfigureAwait(false);
        var samples = sink.Count / sizeof(float);
        CheckLength(path, samples);
        return samples;
    }

    // One decode for loading and counting: probe, refuse a declared over-length, then ffmpeg to 16 kHz mono f32 into
    // the sink (which stops reading past the limit: overflowed() tells a too-long track from a broken one).
    private static async Task DecodeAsync(string path, MediaOptions options, IPipeSink sink, Func<bool> overflowed, CancellationToken ct)
    {
        InputFile.EnsureReadable(path, "audio");
        var probe = await MediaProbe.ProbeAsync(path, options.Tools, ct).ConfigureAwait(false);
        var audio = probe.AudioStreams.FirstOrDefault()
            ?? throw new MediaException($"'{path}' has no audio stream: ffprobe sees {probe.Describe()}.");
        CheckDeclaredDuration(path, probe, audio, options.MaxAudioDuration);
        var filter = MonoFilter(audio.Channels) + $"aresample={AudioTrack.SampleRate}:resampler=soxr:precision=20";
        var command = FFMpegArguments.FromFileInput(InputFile.ForFfmpeg(path, "audio"), verifyExists: false)
            .OutputToPipe(sink, o => o.WithCustomArgument($"-map 0:{audio.Index} -vn -af {filter} -ac 1 -c:a pcm_f32le"));
        var r = await FfmpegRun.RunAsync(command, options.Tools, ct).ConfigureAwait(false);
        if (overflowed()) throw TooLong(path, options.MaxAudioDuration, null);
        if (!r.Succeeded)
            throw new MediaException($"'{path}' could not be decoded as audio: {FfmpegException.Quote(r.StderrTail)}");
    }

    private static void CheckLength(string path, long samples)
    {
        if (samples == 0) throw new MediaException($"'{path}' contains no audio samples (zero length).");
        if (samples < AudioClipMath.MinSamples)
            throw new MediaException($"'{path}' is only {samples * 1000.0 / AudioTrack.SampleRate:0.#} ms long; " +
                $"at least {AudioClipMath.MinSamples * 1000 / AudioTrack.SampleRate} ms of audio is needed.");
    }

    /// <summary>
    /// Refuses a too-long file before decoding it, trusting the declared duration only when the file is big enough
    /// to hold it (a header can claim more than the bytes carry; the decode cap then catches the real length).
    /// </summary>
    private static void CheckDeclaredDuration(string path, ProbeResult probe, ProbedStream audio, TimeSpan max)
    {
        var declared = audio.Duration ?? probe.Duration;
        if (declared is not { } seconds || seconds <= max.TotalSeconds) return;
        var bitRate = audio.BitRate ?? probe.BitRate;
        var bytesSupport = bitRate is > 0 ? new FileInfo(path).Length * 8.0 / bitRate.Value : double.MaxValue;
        if (bytesSupport > max.TotalSeconds) throw TooLong(path, max, seconds);
    }

    private static MediaException TooLong(string path, TimeSpan max, double? seconds) => new(
        $"'{path}' is {(seconds is { } s ? FormatDuration(TimeSpan.FromSeconds(s)) : "longer than the limit")}; " +
        $"the maximum audio duration is {FormatDuration(max)}. Split the audio or raise the limit.");

    internal static string FormatDuration(TimeSpan t) =>
        t.ToString(t.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss\.fff", CultureInfo.InvariantCulture);

    /// <summary>librosa's to_mono is a plain mean over channels.</summary>
    private static string MonoFilter(int channels)
    {
        if (channels <= 1) return "";
        var gain = (1.0 / channels).ToString("R", CultureInfo.InvariantCulture);
        return "pan=mono|c0=" + string.Join("+", Enumerable.Range(0, channels).Select(i => $"{gain}*c{i}")) + ",";
    }
}
