using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Diagnostics;

/// <summary>Reads engine facts from libtorch: version, threads, devices with memory, checkpoint files.</summary>
public sealed class NativeEngineStatusProvider(string checkpointDirectory) : IEngineStatusProvider
{
    public EngineStatus GetStatus()
    {
        var ckpt = CheckpointLayout.Inspect(checkpointDirectory);
        var error = Torch.NativeLoadError;
        if (error != null)
            return new EngineStatus(false, error, null, null, false, [], ckpt);
        var devices = new List<DeviceStatus> { new("cpu", $"CPU ({Environment.ProcessorCount} cores, {Torch.NumThreads} threads)", HostMemoryBytes(), null, null) };
        var cuda = Cuda.IsAvailable;
        if (cuda)
        {
            for (var i = 0; i < Cuda.DeviceCount; i++)
            {
                try
                {
                    var (free, total) = Cuda.MemoryInfo(i);
                    devices.Add(new DeviceStatus($"cuda:{i}", Cuda.DeviceName(i), total, free, Cuda.MemoryStats(i).Allocated));
                }
                catch (TorchException e)
                {
                    devices.Add(new DeviceStatus($"cuda:{i}", "unavailable: " + e.Message, null, null, null));
                }
            }
        }
        return new EngineStatus(true, null, Torch.Version.ToString(), Torch.ParallelInfo.Trim(), cuda, devices, ckpt);
    }

    private static long? HostMemoryBytes()
    {
        var info = GC.GetGCMemoryInfo();
        return info.TotalAvailableMemoryBytes > 0 ? info.TotalAvailableMemoryBytes : null;
    }
}
