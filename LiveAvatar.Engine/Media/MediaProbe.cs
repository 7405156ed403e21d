using System.Globalization;
using System.Text.Json;

namespace LiveAvatar.Engine.Media;

/// <summary>One stream as ffprobe reports it (only the fields the loaders decide on).</summary>
public sealed record ProbedStream(
    int Index, string CodecType, string CodecName, int Width, int Height, int SampleRate, int Channels,
    long? FrameCount, double? Duration, long? BitRate, bool IsAttachedPicture);

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
    /// Runs ffprobe; a file ffprobe cannot open becomes a <see cref="MediaException"/> that quotes ffprobe.
    /// The path must already be checked (exists, is a file) by <see cref="InputFile"/>.
    /// </summary>
    public static async Task<ProbeResult> ProbeAsync(string path, FfmpegTools tools, CancellationToken ct)
    {
        var r = await FfmpegRunner.RunAsync(tools.Ffprobe,
            // pattern_type none: a literal '%d' in a file name is not an image-sequence pattern.
            ["-v", "error", "-pattern_type", "none", "-of", "json", "-show_format", "-show_streams", InputFile.FfmpegUrl(path)], ct)
            .ConfigureAwait(false);
        if (r.ExitCode != 0)
            throw new MediaException(
                $"'{path}' is not a media file ffmpeg can read: {FfmpegException.Quote(r.StderrTail)}");
        return Parse(r.Stdout);
    }

    internal static ProbeResult Parse(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var streams = new List<ProbedStream>();
        if (root.TryGetProperty("streams", out var ss))
        {
            foreach (var s in ss.EnumerateArray())
            {
                var attached = s.TryGetProperty("disposition", out var d)
                    && d.TryGetProperty("attached_pic", out var ap) && ap.GetInt32() == 1;
                streams.Add(new ProbedStream(
                    Int(s, "index") ?? 0, Str(s, "codec_type") ?? "", Str(s, "codec_name") ?? "unknown",
                    Int(s, "width") ?? 0, Int(s, "height") ?? 0, (int)(Num(s, "sample_rate") ?? 0),
                    Int(s, "channels") ?? 0, (long?)Num(s, "nb_frames"), Num(s, "duration"), (long?)Num(s, "bit_rate"),
                    attached));
            }
        }
        var format = root.TryGetProperty("format", out var f) ? f : default;
        return format.ValueKind == JsonValueKind.Object
            ? new ProbeResult(Str(format, "format_name") ?? "unknown", Num(format, "duration"), (long?)Num(format, "bit_rate"), streams)
            : new ProbeResult("unknown", null, null, streams);
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    // ffprobe prints most numbers as strings ("44100", "12.345000", "N/A").
    private static double? Num(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        return v.ValueKind == JsonValueKind.String
            && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : null;
    }
}
