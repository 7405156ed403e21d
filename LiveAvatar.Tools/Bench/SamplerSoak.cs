using System.Diagnostics;
using System.Runtime.InteropServices;
using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Pipelines.Core;
using static TorchSharp.torch;

namespace LiveAvatar.Tools.Bench;

/// <summary>
/// Repeated full-size runs of the block-streaming sampler in one process (the models stay resident, as in the
/// server): the device's allocated memory must come back to the same level after every run, after a run cancelled
/// in the middle of a block, and after a run that hits a per-process memory cap (which must fail as out-of-memory),
/// and a run after that must succeed. No media: the GPU machines have no ffmpeg.
/// </summary>
public static class SamplerSoak
{
    /// <param name="newSampler">Makes each run's sampler, configured as the measured run's (its KV placement and host
    /// ring pool included).</param>
    public static IReadOnlyList<string> Run(Func<PipelineSampler> newSampler, SamplerInputs inputs, Device device, int runs)
    {
        var lines = new List<string>();
        var one = inputs with { Clips = 1 };
        long? level = null;
        var breaches = 0;

        void Record(string label, string outcome, TimeSpan took)
        {
            var (beforeGc, settled) = CudaDevices.AllocatedAfterGc(device.index);
            level ??= settled;
            if (settled != level) breaches++;
            lines.Add($"  {label}: {outcome} in {took.TotalSeconds:F1} s; allocated {settled / 1048576.0:F1} MiB (before GC {beforeGc / 1048576.0:F1}; " +
                      $"level after run 1 {level / 1048576.0:F1}, {settled - level:+#;-#;0} bytes)");
        }

        string RunOnce(int cancelAfterSteps = 0)
        {
            using var cts = new CancellationTokenSource();
            var steps = 0;
            try
            {
                foreach (var e in newSampler().Run(one, new SeededRandomness(9), cts.Token))
                {
                    e.DisposeTensors();
                    if (e is SamplerStep && cancelAfterSteps > 0 && ++steps == cancelAfterSteps) cts.Cancel();
                }
                return "done";
            }
            catch (OperationCanceledException) { return "cancelled"; }
            catch (ExternalException e) when (e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase))
            {
                return "out of memory";
            }
        }

        for (var i = 1; i <= runs; i++)
        {
            var sw = Stopwatch.StartNew();
            var outcome = RunOnce();
            if (outcome != "done") breaches++;
            Record($"run {i}/{runs} (1 clip)", outcome, sw.Elapsed);
        }
        var cancel = Stopwatch.StartNew();
        var cancelled = RunOnce(cancelAfterSteps: 2);
        if (cancelled != "cancelled") breaches++;
        Record("cancelled after 2 DiT calls (mid-block)", cancelled, cancel.Elapsed);

        var (_, total) = CudaDevices.MemoryInfo(device.index);
        CudaDevices.EmptyCache();
        // The resident models + 1 MiB (the allocator takes 2 MiB segments): the run's first new segment fails, whatever
        // the model's size (a +1 GiB cap let the demo-size model's whole run fit).
        CudaDevices.SetMemoryCap(level!.Value + (1L << 20), device.index);
        var capped = Stopwatch.StartNew();
        string oom;
        try { oom = RunOnce(); }
        finally { CudaDevices.SetMemoryCap(total, device.index); }
        if (oom != "out of memory") breaches++;
        Record("under a cap of the resident models + 1 MiB", oom, capped.Elapsed);
        var after = Stopwatch.StartNew();
        var recovered = RunOnce();
        if (recovered != "done") breaches++;
        Record("the run after the out-of-memory", recovered, after.Elapsed);
        lines.Insert(0, breaches == 0
            ? $"soak passed: {runs} runs, a cancel, an out-of-memory and a recovery; allocated memory back to the same level after each:"
            : $"soak FAILED ({breaches} breach(es)):");
        return lines;
    }
}
