using FFMpegCore;
using FFMpegCore.Exceptions;

namespace LiveAvatar.Engine.Media;

/// <summary>One stream as ffprobe reports it (only the fields the loaders decide on).</summary>
public sealed record ProbedStream(
    int Index, string CodecType, string CodecName, int Width, int Height, int SampleRate, int Channels,
    double? Duration, long? BitRate, bool IsAttachedPicture);

/// <summary>What ffprobe says about a file.</summary>
public sealed record ProbeResult(string FormatName, double? Duration, long? BitRate, IReadOnlyList<ProbedStream> Streams)
{
    public IEnumerable<ProbedStream> AudioStreams => Streams.Where(s => s.CodecType == "audio");

    /// <summary>Video streams that are real pictures, not an MP3/M4A cover image.</summary>
    public IEnumerable<ProbedStream> VideoStreams => Streams.Where(s => s.CodecType == "video" && !s.IsAttachedPicture);

    public string Describe() => Streams.Count == 0
        ? $"a {FormatName} file with no streams"
        : $"a {FormatName} file with " + string.Join(", ", Streams.Select(s => $"{s.CodecType} ({s.CodecName})"));
}

public static class MediaProbe
{
    /// <summary>
    /// Runs ffprobe through FFMpegCore; a file ffprobe cannot open becomes a <see cref="MediaException"/> that quotes
    /// ffprobe. The path must already be checked (exists, is a file) by <see cref="InputFile"/>.
    /// </summary>
    public static async Task<ProbeResult> ProbeAsync(string path, FfmpegTools tools, CancellationToken ct)
    {
        var options = tools.ForFfprobe();
        IMediaAnalysis analysis;
        try
        {
            // pattern_type none: a literal '%d' in a file name is not an image-sequence pattern.
            analysis = await FFProbe.AnalyseAsync(InputFile.ForFfmpeg(path, "input"), options, "-pattern_type none", ct)
                .ConfigureAwait(false);
        }
        catch (FFProbeProcessException e)
        {
            throw new MediaException($"'{path}' is not a media file ffmpeg can read: {FfmpegException.Quote(FfmpegException.Tail(e.StandardError))}", e);
        }
        catch (FormatNullException e)
        {
            throw new MediaException($"'{path}' is not a media file ffmpeg can read: ffprobe found no container format.", e);
        }
        ct.ThrowIfCancellationRequested();
        var streams = analysis.VideoStreams.Select(v => Stream(v, "video", v.Width ?? 0, v.Height ?? 0, 0, 0))
            .Concat(analysis.AudioStreams.Select(a => Stream(a, "audio", 0, 0, a.SampleRateHz ?? 0, a.Channels ?? 0)))
            .Concat(analysis.SubtitleStreams.Select(s => Stream(s, "subtitle", 0, 0, 0, 0)))
            .OrderBy(s => s.Index)
            .ToList();
        var format = analysis.Format;
        return new ProbeResult(format.FormatName ?? "unknown", Seconds(format.Duration),
            format.BitRate is > 0 ? (long)format.BitRate.Value : null, streams);
    }

    private static ProbedStream Stream(MediaStream s, string type, int width, int height, int rate, int channels) => new(
        s.Index, type, s.CodecName ?? "unknown", width, height, rate, channels, Seconds(s.Duration),
        s.BitRate is > 0 ? s.BitRate : null,
        s.Disposition?.TryGetValue("attached_pic", out var attached) == true && attached);

    // FFMpegCore reports "N/A" as zero; zero-length media is decided by decoding, never by the header.
    private static double? Seconds(TimeSpan t) => t > TimeSpan.Zero ? t.TotalSeconds : null;
}
