using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace LiveAvatar.Engine.Media;

/// <summary>
/// One ffmpeg/ffprobe child. Stderr is always drained (a full pipe would stall the child) and its tail kept for error
/// messages; cancellation and disposal kill the child and reap it, so no zombie outlives the owner.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int StderrTailChars = 1500;
    private readonly Process _process;
    private readonly Task<string> _stderrTail;

    private ChildProcess(Process process, string toolName)
    {
        _process = process;
        ToolName = toolName;
        _stderrTail = DrainTailAsync(process.StandardError);
    }

    public string ToolName { get; }
    public Stream Stdin => _process.StandardInput.BaseStream;
    public Stream Stdout => _process.StandardOutput.BaseStream;
    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string tool, IEnumerable<string> args, bool redirectStdin = false)
    {
        var toolName = Path.GetFileName(tool);
        var psi = new ProcessStartInfo(ResolveTool(tool))
        {
            RedirectStandardInput = redirectStdin,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
        };
        // ArgumentList passes each argument verbatim, so spaces and non-ASCII in paths need no quoting.
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            var p = Process.Start(psi) ?? throw NotFound(toolName);
            return new ChildProcess(p, toolName);
        }
        catch (Win32Exception e)
        {
            throw new MediaException(NotFoundMessage(toolName) + $" ({e.Message})", e);
        }
    }

    public async Task<string> StderrTailAsync() => await _stderrTail.ConfigureAwait(false);

    /// <summary>Waits for exit; on cancellation kills the child first, then rethrows.</summary>
    public async Task<int> WaitAsync(CancellationToken ct)
    {
        try
        {
            await _process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        await _stderrTail.ConfigureAwait(false);
        return _process.ExitCode;
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { } // exited between the check and the kill
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        try { await _stderrTail.ConfigureAwait(false); } catch (IOException) { }
        _process.Dispose();
    }

    internal static string NotFoundMessage(string toolName) =>
        $"{toolName} was not found on PATH. Install it with: apt-get install ffmpeg " +
        "(the Debian package ffmpeg provides both ffmpeg and ffprobe).";

    private static MediaException NotFound(string toolName) => new(NotFoundMessage(toolName));

    private static string ResolveTool(string tool)
    {
        if (tool.Contains('/'))
            return File.Exists(tool) ? tool : throw NotFound(Path.GetFileName(tool));
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate)) return candidate;
        }
        throw NotFound(tool);
    }

    private static async Task<string> DrainTailAsync(StreamReader reader)
    {
        var tail = new StringBuilder();
        var buffer = new char[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            tail.Append(buffer, 0, n);
            if (tail.Length > 4 * StderrTailChars) tail.Remove(0, tail.Length - StderrTailChars);
        }
        return tail.Length > StderrTailChars ? tail.ToString(tail.Length - StderrTailChars, StderrTailChars) : tail.ToString();
    }
}
