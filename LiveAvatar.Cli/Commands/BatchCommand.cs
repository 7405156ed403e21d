using System.Diagnostics;
using System.Text.Json;

namespace LiveAvatar.Cli.Commands;

/// <summary>`liveavatar batch MANIFEST [generate options]`: runs items in order, continues past failures,
/// skips items whose output exists, and writes summary.json beside the outputs.</summary>
public static class BatchCommand
{
    public const string Help = "run a JSON/CSV list of prompt/image/audio/num_clip items (skips finished ones)";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            stderr.WriteLine("usage: liveavatar batch MANIFEST.json|csv [--save_dir DIR] [generate options applied to every item]");
            return 2;
        }
        IReadOnlyList<BatchItem> items;
        try { items = BatchManifest.Load(args[0]); }
        catch (ArgumentException e) { stderr.WriteLine("liveavatar batch: " + e.Message); return 1; }
        var shared = args[1..];
        var saveDir = ValueOf(shared, "save_dir") ?? Path.Combine("output", "batch");
        Directory.CreateDirectory(saveDir);
        var results = new List<object>();
        int done = 0, skipped = 0, failed = 0;
        IVideoGenerator? generator = null;
        foreach (var item in items)
        {
            var output = Path.GetFullPath(item.Output is { } o ? (Path.IsPathRooted(o) ? o : Path.Combine(saveDir, o))
                : Path.Combine(saveDir, $"{item.Index:D3}_{Slug(item.Prompt)}.mp4"));
            if (File.Exists(output))
            {
                stderr.WriteLine($"[{item.Index}/{items.Count}] skipped: {output} exists");
                results.Add(new { item = item.Index, status = "skipped", output });
                skipped++;
                continue;
            }
            var itemArgs = new List<string>(shared) { "--image", item.Image, "--audio", item.Audio, "--prompt", item.Prompt, "--save_file", output };
            if (item.NumClip is { } n) itemArgs.AddRange(["--num_clip", n.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            foreach (var (k, v) in item.Overrides) itemArgs.AddRange([$"--{k}", v]);
            stderr.WriteLine($"[{item.Index}/{items.Count}] {Path.GetFileName(item.Image)} + {Path.GetFileName(item.Audio)} → {output}");
            var sw = Stopwatch.StartNew();
            try
            {
                var options = GenerateOptions.Parse(itemArgs.ToArray(), GeneratorFactory.CudaDeviceCount());
                generator ??= GenerateCommand.Factory(options);
                var r = await GenerateCommand.RunOneAsync(generator, options.Request, TextWriter.Null, stderr, CancellationToken.None);
                if (r == null) throw new InvalidOperationException("generation failed (see above)");
                results.Add(new { item = item.Index, status = "done", output, seconds = Math.Round(sw.Elapsed.TotalSeconds, 2) });
                stdout.WriteLine(output);
                done++;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or GenerationException or IOException)
            {
                stderr.WriteLine($"[{item.Index}/{items.Count}] failed: {e.Message}");
                results.Add(new { item = item.Index, status = "failed", error = e.Message, seconds = Math.Round(sw.Elapsed.TotalSeconds, 2) });
                failed++;
            }
        }
        var summaryPath = Path.Combine(saveDir, "summary.json");
        await File.WriteAllTextAsync(summaryPath, JsonSerializer.Serialize(new { manifest = Path.GetFullPath(args[0]), done, skipped, failed, items = results },
            new JsonSerializerOptions { WriteIndented = true }));
        stderr.WriteLine($"batch: {done} done, {skipped} skipped, {failed} failed; summary in {summaryPath}");
        return failed == 0 ? 0 : 1;
    }

    private static string? ValueOf(string[] args, string name)
    {
        var i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string Slug(string prompt)
    {
        var s = new string(prompt.Take(40).Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray()).Trim('_');
        return s.Length == 0 ? "item" : s;
    }
}
