using LiveAvatar.Engine.Generation;
using LiveAvatar.Engine.Models.Fp8;
using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Runtime;
using static TorchSharp.torch;

namespace LiveAvatar.Cli.Commands;

/// <summary>`bench sampler --memory_profile P --memory_cap GiB`: the hard per-process cap goes on first (an allocation
/// past it fails, whatever the card has free), then the profile is planned as a job would plan it, with the cap as
/// the memory available.</summary>
internal static class BenchMemory
{
    private const double GiB = 1024.0 * 1024 * 1024;

    public static MemoryPlan? Prepare(string? profileText, double capGiB, Device device, int stages, bool offloadKvCache = false)
    {
        if (capGiB < 0) throw new ArgumentException($"--memory_cap {capGiB}: give GiB above 0");
        if (profileText is null && capGiB == 0) return null;
        if (!MemoryProfiles.TryParse(profileText, out var profile))
            throw new ArgumentException($"--memory_profile {profileText}: use {string.Join(", ", MemoryProfiles.Names)}");
        if (device.type != TorchSharp.DeviceType.CUDA) return MemoryPlanner.Plan(profile, null, false, stages);
        if (capGiB > 0) CudaDevices.SetMemoryCap((long)(capGiB * GiB), device.index);
        var (free, total) = CudaDevices.MemoryInfo(device.index);
        var available = capGiB > 0 ? (long)Math.Min(capGiB * GiB, free) : free;
        var gpu = new GpuMemory(Devices.Name(device), available, capGiB > 0 ? (long)(capGiB * GiB) : total);
        return MemoryPlanner.Plan(profile, gpu, Fp8Conversion.MissingFor(device) is null, stages, offloadKvCache);
    }
}
