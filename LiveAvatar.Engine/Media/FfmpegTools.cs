using FFMpegCore;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// Where ffmpeg and ffprobe live: a folder holding both, or null for the PATH. FFMpegCore runs them; this type only
/// finds them first, so a missing tool is one clear sentence instead of a Win32Exception.
/// </summary>
public sealed record FfmpegTools(string? BinaryFolder = null)
{
    public static FfmpegTools Default { get; } = new();

    internal FFOptions ForFfmpeg() => Options("ffmpeg");

    internal FFOptions ForFfprobe() => Options("ffprobe");

    internal static string NotFoundMessage(string tool) =>
        $"{tool} was not found {{0}}. Install it with: apt-get install ffmpeg " +
        "(the Debian package ffmpeg provides both ffmpeg and ffprobe).";

    private FFOptions Options(string tool)
    {
        var folder = BinaryFolder ?? FindOnPath(tool);
        if (folder is null || !File.Exists(Path.Combine(folder, tool)))
            throw new MediaException(string.Format(NotFoundMessage(tool),
                BinaryFolder is null ? "on PATH" : $"in '{BinaryFolder}'"));
        // Error-level logging keeps stderr to what went wrong; that tail is what our messages quote.
        return new FFOptions { BinaryFolder = folder, LogLevel = FFMpegCore.Enums.FFMpegLogLevel.Error };
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, tool)));
}
