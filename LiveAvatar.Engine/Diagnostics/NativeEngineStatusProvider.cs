using System.Runtime.InteropServices;
using LiveAvatar.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Diagnostics;

/// <summary>Reads engine facts from libtorch: version, threads, devices with memory, checkpoint files.</summary>
public sealed class NativeEngineStatusProvider(string checkpointDirectory) : IEngineStatusProvider
{
    public EngineStatus GetStatus()
    {
        var ckpt = CheckpointLayout.Inspect(checkpointDirectory);
        var error = TorchRuntime.LoadError;
        if (error is not null)
            return new EngineStatus(false, error, null, null, false, [], ckpt);
        var devices = new List<DeviceStatus> { new("cpu", $"CPU ({Environment.ProcessorCount} cores, {torch.get_num_threads()} threads)", HostMemoryBytes(), null, null) };
        var cuda = CudaDevices.IsAvailable;
        if (cuda)
        {
            for (var i = 0; i < CudaDevices.Count; i++)
            {
                // Memory figures come from the native extension; without it the device is listed without them.
                if (!NativeExtension.HasCuda)
                {
                    devices.Add(new DeviceStatus($"cuda:{i}", CudaDevices.Name(i), null, null, null));
                    continue;
                }
                try
                {
                    var (free, total) = CudaDevices.MemoryInfo(i);
                    devices.Add(new DeviceStatus($"cuda:{i}", CudaDevices.Name(i), total, free, CudaDevices.MemoryStats(i).Allocated));
                }
                catch (Exception e) when (e is ExternalException or NotSupportedException)
                {
                    devices.Add(new DeviceStatus($"cuda:{i}", "unavailable: " + e.Message, null, null, null));
                }
            }
        }
        var extension = NativeExtension.IsAvailable ? $"native extension: {NativeExtension.LoadedFrom}" : $"native extension unavailable: {NativeExtension.UnavailableReason}";
        return new EngineStatus(true, null, TorchRuntime.Version, $"TorchSharp, {torch.get_num_threads()} threads; {extension}", cuda, devices, ckpt);
    }

    private static long? HostMemoryBytes()
    {
        var info = GC.GetGCMemoryInfo();
        return info.TotalAvailableMemoryBytes > 0 ? info.TotalAvailableMemoryBytes : null;
    }
}
