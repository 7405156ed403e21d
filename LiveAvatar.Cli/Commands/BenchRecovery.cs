using LiveAvatar.Engine.Generation;
using LiveAvatar.Engine.Native;
using static TorchSharp.torch;

namespace LiveAvatar.Cli.Commands;

/// <summary>`bench sampler --memory_profile P --memory_cap GiB --recover`: what a job does after running out of
/// memory, on the real device. The run under the cap fails; the engine's message and hint for that plan are printed;
/// the memory the run held must be back (allocated memory after a GC, against the level before it); then the profile
/// the hint names runs under the same cap and must finish, leaving the memory at that level again.</summary>
internal static class BenchRecovery
{
    public static object Run(MemoryPlan plan, double capGiB, Device device, int stages, Func<MemoryPlan, object> run, TextWriter stdout)
    {
        if (device.type != TorchSharp.DeviceType.CUDA) throw new ArgumentException("--recover needs a CUDA device");
        var before = CudaDevices.AllocatedAfterGc(device.index).Settled;
        try
        {
            var result = run(plan);
            stdout.WriteLine($"--recover: the run did not run out of memory under {plan.Profile} with a {capGiB} GiB cap");
            return result;
        }
        catch (Exception e) when (GenerationHints.IsOutOfMemory(e))
        {
            var (beforeGc, settled) = CudaDevices.AllocatedAfterGc(device.index);
            stdout.WriteLine($"out of memory under a {capGiB} GiB cap: {GenerationHints.OutOfMemoryMessage(plan)} Hint: {GenerationHints.OutOfMemoryUnder(plan)}");
            stdout.WriteLine($"device memory after the failed run: {Mib(settled)} allocated ({Mib(beforeGc)} before the GC; {Mib(before)} before the run)");
            var next = plan.AfterOutOfMemory ?? throw new InvalidOperationException("no lower memory profile to recover with");
            var retry = BenchMemory.Prepare(MemoryProfiles.Name(next), capGiB, device, stages)!;
            stdout.WriteLine("recovering with " + retry.Summary);
            var result = run(retry);
            stdout.WriteLine($"device memory after the recovery run: {Mib(CudaDevices.AllocatedAfterGc(device.index).Settled)} allocated");
            return result;
        }
    }

    private static string Mib(long bytes) => $"{bytes / 1048576.0:F1} MiB";
}
