using FFMpegCore;

namespace LiveAvatar.Engine.Media;

/// <summary>Runs one FFMpegCore command to the end; cancellation asks ffmpeg to quit, then kills it.</summary>
internal static class FfmpegRun
{
    internal sealed record Outcome(int ExitCode, string StderrTail)
    {
        public bool Succeeded => ExitCode == 0;
    }

    public static async Task<Outcome> RunAsync(FFMpegArgumentProcessor command, FfmpegTools tools, CancellationToken ct)
    {
        var options = tools.ForFfmpeg();
        ct.ThrowIfCancellationRequested();
        FFMpegResult result;
        try
        {
            result = await command.CancellableThrough(ct, TimeSpan.FromSeconds(2))
                .ProcessAsynchronously(throwOnError: false, options, ct).ConfigureAwait(false);
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            // A pipe broke because ffmpeg stopped reading or writing: its own exit status is reported by the caller.
            return new Outcome(-1, "ffmpeg closed its pipe early");
        }
        ct.ThrowIfCancellationRequested();
        return new Outcome(result.ExitCode, FfmpegException.Tail(result.StandardError));
    }

    public static async Task RunCheckedAsync(FFMpegArgumentProcessor command, FfmpegTools tools, CancellationToken ct)
    {
        var outcome = await RunAsync(command, tools, ct).ConfigureAwait(false);
        if (!outcome.Succeeded) throw new FfmpegException("ffmpeg", outcome.ExitCode, outcome.StderrTail);
    }
}
