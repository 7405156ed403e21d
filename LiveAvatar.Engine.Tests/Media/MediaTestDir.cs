using Xunit;
using System.Diagnostics;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Engine.Tests.Media;

/// <summary>A per-test scratch folder for generated inputs; deleted on dispose.</summary>
public sealed class MediaTestDir : IDisposable
{
    public MediaTestDir()
    {
        Root = Path.Combine(Path.GetTempPath(), "liveavatar-media-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string PathOf(string name) => Path.Combine(Root, name);

    /// <summary>Runs ffmpeg to make a test input; <paramref name="name"/> is the output file, appended last.</summary>
    public string Ffmpeg(string name, params string[] args)
    {
        var output = PathOf(name);
        Run("ffmpeg", ["-nostdin", "-v", "error", "-y", .. args, output]);
        return output;
    }

    public string Speech(string name, string text)
    {
        var output = PathOf(name);
        Run("espeak-ng", ["-w", output, text]);
        return output;
    }

    public string Write(string name, byte[] bytes)
    {
        var output = PathOf(name);
        File.WriteAllBytes(output, bytes);
        return output;
    }

    /// <summary>Files that tests did not create themselves: temp leftovers from the code under test.</summary>
    public string[] Leftovers() =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f).StartsWith('.') || f.EndsWith(".partial.mp4", StringComparison.Ordinal))
            .ToArray();

    public static string Run(string tool, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} failed: {stderr.Result}");
        return stdout;
    }

    /// <summary>ffprobe one entry list as "key=value" lines (compact, no wrappers).</summary>
    public static string Probe(string path, params string[] args) =>
        Run("ffprobe", ["-v", "error", .. args, "-of", "default=noprint_wrappers=1", path]);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Shared helpers for asserting the clear-message contract.</summary>
internal static class MediaAssert
{
    public static async Task<MediaException> RefusesAsync(Func<Task> act, params string[] fragments)
    {
        var e = await Assert.ThrowsAnyAsync<MediaException>(act);
        foreach (var f in fragments)
            Assert.True(e.Message.Contains(f, StringComparison.OrdinalIgnoreCase), $"'{f}' not in: {e.Message}");
        return e;
    }

    public static Task<MediaException> ImageRefusedAsync(MediaTestDir dir, string path, params string[] fragments) =>
        CheckedAsync(dir, () => ReferenceImageLoader.LoadAsync(path, "704*384"), fragments);

    public static Task<MediaException> AudioRefusedAsync(MediaTestDir dir, string path, MediaOptions? options, params string[] fragments) =>
        CheckedAsync(dir, () => AudioLoader.LoadAsync(path, options), fragments);

    private static async Task<MediaException> CheckedAsync(MediaTestDir dir, Func<Task> act, string[] fragments)
    {
        var e = await RefusesAsync(act, fragments);
        Assert.Empty(dir.Leftovers());
        return e;
    }
}
