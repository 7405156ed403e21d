namespace LiveAvatar.Engine.Media;

/// <summary>Runs a tool to completion and collects its stdout, with an optional cap on how much is kept.</summary>
internal static class FfmpegRunner
{
    internal sealed record Result(int ExitCode, byte[] Stdout, string StderrTail, bool StdoutOverflowed);

    /// <summary>
    /// Reads stdout until EOF or until more than <paramref name="maxStdoutBytes"/> arrive; on overflow the child is
    /// killed at once (the caller reports "too long") instead of decoding hours nobody will use.
    /// </summary>
    public static async Task<Result> RunAsync(
        string tool, IEnumerable<string> args, CancellationToken ct, long maxStdoutBytes = long.MaxValue)
    {
        await using var child = ChildProcess.Start(tool, args);
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        var overflowed = false;
        try
        {
            int n;
            while ((n = await child.Stdout.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > maxStdoutBytes)
                {
                    overflowed = true;
                    child.Kill();
                    break;
                }
                buffer.Write(chunk, 0, n);
            }
        }
        catch (OperationCanceledException)
        {
            child.Kill();
            throw;
        }
        var code = await child.WaitAsync(ct).ConfigureAwait(false);
        return new Result(code, buffer.ToArray(), await child.StderrTailAsync().ConfigureAwait(false), overflowed);
    }

    /// <summary>Runs and throws <see cref="FfmpegException"/> with the tool's own words on a non-zero exit.</summary>
    public static async Task<Result> RunCheckedAsync(string tool, IEnumerable<string> args, CancellationToken ct)
    {
        var r = await RunAsync(tool, args, ct).ConfigureAwait(false);
        if (r.ExitCode != 0) throw new FfmpegException(Path.GetFileName(tool), r.ExitCode, r.StderrTail);
        return r;
    }
}
