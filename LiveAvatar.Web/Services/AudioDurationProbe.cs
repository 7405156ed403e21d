using System.Diagnostics;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Web.Services;

/// <summary>
/// Counts the samples an audio file decodes to at 16 kHz mono (what the engine will feed wav2vec2, so clip counts
/// agree) by streaming ffmpeg's output through a small buffer: memory stays flat whatever the length. A file whose
/// header already claims more than the limit is refused by the engine's probe before anything is decoded.
/// </summary>
public static class AudioDurationProbe
{
    public static async Task<long> CountSamplesAsync(string path, ProbedStream stream, FfmpegTools tools, TimeSpan maxDuration, CancellationToken ct)
    {
        long maxSamples = (long)(maxDuration.TotalSeconds * AudioClipMath.SampleRate);
        var start = new ProcessStartInfo(tools.Ffmpeg)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in (string[])["-nostdin", "-v", "error", "-i", "file:" + Path.GetFullPath(path), "-map", $"0:{stream.Index}",
                     "-vn", "-af", $"aresample={AudioClipMath.SampleRate}:resampler=soxr", "-ac", "1", "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1"])
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new MediaException("ffmpeg could not be started to measure the audio.");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        var buffer = new byte[1 << 16];
        long bytes = 0;
        try
        {
            int n;
            while ((n = await process.StandardOutput.BaseStream.ReadAsync(buffer, ct)) > 0)
            {
                bytes += n;
                if (bytes / sizeof(short) > maxSamples)
                    throw new MediaException($"The audio is longer than the maximum of {DisplayFormat.Duration(maxDuration)}; split it or shorten it.");
            }
            await process.WaitForExitAsync(ct);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        string errors = await stderr;
        if (process.ExitCode != 0)
            throw new MediaException($"The audio could not be decoded: {errors.Trim().ReplaceLineEndings(" | ")}");
        long samples = bytes / sizeof(short);
        if (samples < AudioClipMath.MinSamples)
            throw new MediaException($"The audio is only {samples * 1000.0 / AudioClipMath.SampleRate:0.#} ms long; " +
                $"at least {AudioClipMath.MinSamples * 1000 / AudioClipMath.SampleRate} ms of audio is needed.");
        return samples;
    }
}
