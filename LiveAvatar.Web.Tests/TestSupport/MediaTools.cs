using System.Diagnostics;
using System.Globalization;

namespace LiveAvatar.Web.Tests.TestSupport;

/// <summary>Debian's ffmpeg and ffprobe as the tests call them, to make inputs and to check what the server wrote.</summary>
internal static class MediaTools
{
    /// <summary>Runs <paramref name="tool"/> to the end; its standard output followed by its standard error.</summary>
    public static string Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(start)!;
        var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return text;
    }

    /// <summary>The file's stream types, one per line ("video", "audio"); fails the test when ffprobe refuses the file.</summary>
    public static async Task<string> StreamTypesAsync(string file) =>
        await ProbeAsync(file, "-show_entries", "stream=codec_type", "-of", "csv=p=0");

    /// <summary>Frames of the first video stream, decoded one by one (ffprobe -count_frames).</summary>
    public static async Task<int> CountVideoFramesAsync(string file)
    {
        var parts = (await ProbeAsync(file, "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=codec_type,nb_read_frames", "-of", "csv=p=0")).Trim().Split(',');
        Assert.Equal("video", parts[0]);
        return int.Parse(parts[1], CultureInfo.InvariantCulture);
    }

    private static async Task<string> ProbeAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo("ffprobe", ["-v", "error", .. args, file]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"ffprobe rejected {Path.GetFileName(file)}: {error}");
        return output;
    }
}
