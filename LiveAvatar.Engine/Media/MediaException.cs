namespace LiveAvatar.Engine.Media;

/// <summary>
/// A media input or output problem with a message meant for the person who chose the file: it names the file and
/// says what is wrong with it, so the CLI and the web page can show it as is.
/// </summary>
public class MediaException : Exception
{
    public MediaException(string message) : base(message) { }
    public MediaException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>ffmpeg or ffprobe ran and failed; <see cref="StderrTail"/> is the end of what the tool said.</summary>
public sealed class FfmpegException : MediaException
{
    public FfmpegException(string tool, int exitCode, string stderrTail)
        : base($"{tool} failed (exit code {exitCode}): {Quote(stderrTail)}")
    {
        Tool = tool;
        ExitCode = exitCode;
        StderrTail = stderrTail;
    }

    public string Tool { get; }
    public int ExitCode { get; }
    public string StderrTail { get; }

    internal static string Quote(string tail) =>
        string.IsNullOrWhiteSpace(tail) ? "(no message)" : tail.Trim().ReplaceLineEndings(" | ");

    /// <summary>The last lines ffmpeg wrote, short enough for a message.</summary>
    internal static string Tail(IEnumerable<string> lines, int maxChars = 1500)
    {
        var text = string.Join("\n", lines.Where(l => !string.IsNullOrWhiteSpace(l)));
        return text.Length > maxChars ? text[^maxChars..] : text;
    }
}
