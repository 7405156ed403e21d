using System.Diagnostics;
using System.Globalization;
using LiveAvatar.Engine.Native;

namespace LiveAvatar.Cli.Commands;

/// <summary>
/// `liveavatar soak --jobs N [generate options]`: the reliability proof a resident server needs. In one process and
/// one generator it runs N jobs back to back and reads the device's allocated memory after each (it must come back
/// to the level after the first job), cancels a job in the middle of a block (its memory must be freed), runs a job
/// under a per-process memory cap too small for it (it must fail as out-of-memory with advice, and free what it
/// held), and then one more job (it must succeed). Prints one line per job and a verdict; exit code 1 on any breach.
/// </summary>
public static class SoakCommand
{
    public const string Help = "run N jobs in one process and prove memory returns to its level after each, after a cancel and after an out-of-memory";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var jobs = 50;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--jobs" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1)
            {
                jobs = n;
                i++;
            }
            else if (args[i] == "--jobs")
            {
                stderr.WriteLine("liveavatar soak: --jobs needs a whole number of at least 1");
                return 2;
            }
            else rest.Add(args[i]);
        }
        GenerateOptions options;
        try { options = GenerateOptions.Parse([.. rest], GeneratorFactory.CudaDeviceCount()); }
        catch (ArgumentException e)
        {
            stderr.WriteLine("liveavatar soak: " + e.Message);
            stderr.WriteLine("usage: liveavatar soak [--jobs N] --image IMG --audio WAV [generate options]");
            return 2;
        }
        Directory.CreateDirectory(options.SaveDirectory);
        using var generator = (IDisposable)GeneratorFactory.Create(options);
        var gen = (IVideoGenerator)generator;
        var device = options.Request.Devices.DitDevices[0];
        var cuda = device.StartsWith("cuda", StringComparison.Ordinal) ? LiveAvatar.Engine.Runtime.Devices.Index(LiveAvatar.Engine.Runtime.Devices.Parse(device)) : -1;
        var breaches = new List<string>();
        long? baseline = null;

        async Task<(string Outcome, double Seconds)> Job(string name, Func<GenerationUpdate, bool>? cancelWhen = null)
        {
            using var cts = new CancellationTokenSource();
            var request = options.Request with { OutputPath = Path.Combine(options.SaveDirectory, $"soak-{name}.mp4") };
            var sw = Stopwatch.StartNew();
            try
            {
                await foreach (var u in gen.GenerateAsync(request, cts.Token))
                    if (cancelWhen?.Invoke(u) == true) cts.Cancel();
                return ("done", sw.Elapsed.TotalSeconds);
            }
            catch (OperationCanceledException) { return ("cancelled", sw.Elapsed.TotalSeconds); }
            catch (GenerationException e) { return ($"failed ({e.Kind}): {e.Message}" + (e.Hint is { } h ? $" hint: {h}" : ""), sw.Elapsed.TotalSeconds); }
            catch (Exception e) { return ($"failed ({e.GetType().Name}): {e.Message}", sw.Elapsed.TotalSeconds); }
            finally
            {
                // The outputs are not the point; 50 of them would only fill the disk.
                if (File.Exists(request.OutputPath)) File.Delete(request.OutputPath);
            }
        }

        (long BeforeGc, long Settled) Allocated() => cuda < 0 ? (0, 0) : CudaDevices.AllocatedAfterGc(cuda);

        string Report(string label, string outcome, double seconds)
        {
            var (beforeGc, settled) = Allocated();
            baseline ??= settled;
            var delta = settled - baseline.Value;
            var line = $"{label}: {outcome} in {seconds:F1} s" + (cuda < 0 ? "" :
                $"; device allocated {Mib(settled)} (before GC {Mib(beforeGc)}; level after job 1 {Mib(baseline.Value)}, {(delta >= 0 ? "+" : "")}{delta} bytes)");
            if (cuda >= 0 && delta != 0) breaches.Add($"{label}: allocated memory is {delta} bytes away from its level after job 1");
            stdout.WriteLine(line);
            return outcome;
        }

        stdout.WriteLine($"soak on {device}: {jobs} jobs of {options.Request.NumClip?.ToString(CultureInfo.InvariantCulture) ?? "all"} clip(s) at {options.Request.Size}, then a cancel, an out-of-memory and one more job");
        for (var i = 1; i <= jobs; i++)
        {
            var (outcome, s) = await Job($"{i:D3}");
            if (Report($"job {i}/{jobs}", outcome, s) != "done") breaches.Add($"job {i} did not complete: {outcome}");
        }

        var steps = 0;
        var (cancelOutcome, cancelSeconds) = await Job("cancel", u => u is GenerationProgress && ++steps == 2);
        if (Report("cancelled after 2 denoising steps (mid-block)", cancelOutcome, cancelSeconds) != "cancelled")
            breaches.Add($"the cancelled job ended as: {cancelOutcome}");

        if (cuda >= 0)
        {
            // A cap at what the resident models hold plus 1 MiB (the allocator takes 2 MiB segments): the job's first
            // new segment fails, wherever it is (encoders, sampler, VAE).
            var (_, total) = CudaDevices.MemoryInfo(cuda);
            CudaDevices.EmptyCache();
            CudaDevices.SetMemoryCap(baseline!.Value + (1L << 20), cuda);
            string oomOutcome;
            double oomSeconds;
            try { (oomOutcome, oomSeconds) = await Job("oom"); }
            finally { CudaDevices.SetMemoryCap(total, cuda); }
            Report("under a memory cap of the models + 1 MiB", oomOutcome, oomSeconds);
            if (!oomOutcome.StartsWith("failed (OutOfMemory)", StringComparison.Ordinal))
                breaches.Add($"the capped job should fail as out-of-memory, it ended as: {oomOutcome}");
            var (afterOutcome, afterSeconds) = await Job("after-oom");
            if (Report("the next job after the out-of-memory", afterOutcome, afterSeconds) != "done")
                breaches.Add($"the job after the out-of-memory did not complete: {afterOutcome}");
        }

        stdout.WriteLine(breaches.Count == 0
            ? $"soak passed: {jobs} jobs, a cancel{(cuda >= 0 ? ", an out-of-memory and a recovery" : "")}; device memory back to the same level after each"
            : "soak FAILED:" + Environment.NewLine + string.Join(Environment.NewLine, breaches.Select(b => "  " + b)));
        return breaches.Count == 0 ? 0 : 1;
    }

    private static string Mib(long bytes) => $"{bytes / 1048576.0:F1} MiB";
}
