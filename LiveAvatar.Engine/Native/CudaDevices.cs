using System.Text;
using TorchSharp;

namespace LiveAvatar.Engine.Native;

public readonly record struct CudaMemoryStats(long Allocated, long Reserved, long PeakAllocated, long PeakReserved);

/// <summary>
/// CUDA devices. Presence, count and synchronisation come from TorchSharp; names, free memory, the allocator's
/// statistics and the per-process cap come from the native extension.
/// </summary>
public static class CudaDevices
{
    public static bool IsAvailable
    {
        get
        {
            try { return torch.cuda.is_available(); }
            catch (Exception) { return false; }  // libtorch failed to load: the engine reports that elsewhere
        }
    }

    public static int Count => IsAvailable ? torch.cuda.device_count() : 0;

    public static void Synchronize(int device) => torch.cuda.synchronize(new torch.Device(DeviceType.CUDA, device));

    /// <summary>The marketing name ("NVIDIA H200"); "cuda:N" where the extension is absent.</summary>
    public static unsafe string Name(int device)
    {
        if (!NativeExtension.HasCuda) return $"cuda:{device}";
        var buf = new byte[256];
        fixed (byte* p = buf)
            NativeExtension.Check(((delegate* unmanaged<int, byte*, int, int>)NativeExtension.Export("lax_cuda_device_name"))(device, p, buf.Length), "cuda device name");
        var n = Array.IndexOf(buf, (byte)0);
        return Encoding.UTF8.GetString(buf, 0, n >= 0 ? n : buf.Length);
    }

    public static unsafe (long Free, long Total) MemoryInfo(int device)
    {
        NativeExtension.RequireCuda("CUDA memory information");
        long free, total;
        NativeExtension.Check(((delegate* unmanaged<int, long*, long*, int>)NativeExtension.Export("lax_cuda_mem_info"))(device, &free, &total), "cuda memory info");
        return (free, total);
    }

    public static unsafe CudaMemoryStats MemoryStats(int device)
    {
        NativeExtension.RequireCuda("CUDA memory statistics");
        var o = stackalloc long[4];
        NativeExtension.Check(((delegate* unmanaged<int, long*, int>)NativeExtension.Export("lax_cuda_mem_stats"))(device, o), "cuda memory statistics");
        return new CudaMemoryStats(o[0], o[1], o[2], o[3]);
    }

    /// <summary>
    /// Bytes allocated on the device once the queued work is done, read before and after a full GC: a tensor only
    /// the finalizer frees still counts before it, so the two figures tell a real leak from one waiting on the GC.
    /// </summary>
    public static (long BeforeGc, long Settled) AllocatedAfterGc(int device)
    {
        Synchronize(device);
        var before = MemoryStats(device).Allocated;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Synchronize(device);
        return (before, MemoryStats(device).Allocated);
    }

    public static unsafe void ResetPeakMemory(int device)
    {
        NativeExtension.RequireCuda("resetting CUDA peak memory");
        NativeExtension.Check(((delegate* unmanaged<int, int>)NativeExtension.Export("lax_cuda_reset_peak"))(device), "cuda reset peak");
    }

    /// <summary>
    /// A hard cap on this process's device memory: any allocation that would take the caching allocator past
    /// <paramref name="bytes"/> fails with an out-of-memory error, whatever the card has free.
    /// </summary>
    public static unsafe void SetMemoryCap(long bytes, int device)
    {
        if (bytes <= 0) throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "a memory cap must be positive");
        NativeExtension.RequireCuda("a CUDA memory cap");
        NativeExtension.Check(((delegate* unmanaged<int, long, int>)NativeExtension.Export("lax_cuda_set_memory_cap"))(device, bytes), "cuda memory cap");
    }

    /// <summary>Returns cached, unused blocks to the driver. Does nothing without CUDA or the extension.</summary>
    public static unsafe void EmptyCache()
    {
        if (!NativeExtension.HasCuda) return;
        NativeExtension.Check(((delegate* unmanaged<int>)NativeExtension.Export("lax_cuda_empty_cache"))(), "cuda empty cache");
    }
}
