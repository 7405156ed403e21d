using System.Text;
using static LiveAvatar.Engine.Native.NativeMethods;

namespace LiveAvatar.Engine.Tensors;

public readonly record struct CudaMemoryStats(long Allocated, long Reserved, long PeakAllocated, long PeakReserved);

/// <summary>CUDA devices, memory and synchronisation. Every call fails with a clear message on a CPU build.</summary>
public static class Cuda
{
    public static bool IsAvailable => Torch.NativeLoadError == null && la_cuda_available() == 1;
    public static int DeviceCount => IsAvailable ? la_cuda_device_count() : 0;

    public static void Synchronize(int device = 0) => TorchException.Check(la_cuda_synchronize(device), "cuda synchronize");

    public static (long Free, long Total) MemoryInfo(int device = 0)
    {
        TorchException.Check(la_cuda_mem_info(device, out var f, out var t), "cuda mem info");
        return (f, t);
    }

    public static CudaMemoryStats MemoryStats(int device = 0)
    {
        var o = new long[4];
        TorchException.Check(la_cuda_mem_stats(device, o), "cuda memory stats");
        return new CudaMemoryStats(o[0], o[1], o[2], o[3]);
    }

    public static void ResetPeakMemory(int device = 0) => TorchException.Check(la_cuda_reset_peak(device), "cuda reset peak");

    /// <summary>Caps this process's caching allocator on <paramref name="device"/> to a fraction of its memory.</summary>
    public static void SetMemoryFraction(double fraction, int device = 0)
    {
        if (fraction is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "must be in (0, 1]");
        TorchException.Check(la_cuda_set_memory_fraction(fraction, device), "cuda set memory fraction");
    }

    public static void EmptyCache() => TorchException.Check(la_cuda_empty_cache(), "cuda empty cache");

    public static string DeviceName(int device = 0)
    {
        var buf = new byte[256];
        TorchException.Check(la_cuda_device_name(device, buf, buf.Length), "cuda device name");
        return Encoding.UTF8.GetString(buf, 0, Array.IndexOf(buf, (byte)0) is var n and >= 0 ? n : buf.Length);
    }
}

/// <summary>A CUDA stream; <see cref="MakeCurrent"/> routes later kernels on its device to it.</summary>
public sealed class CudaStream : IDisposable
{
    internal IntPtr Ptr { get; private set; }

    private CudaStream(IntPtr p) => Ptr = p;

    public static CudaStream Create(int device = 0, bool highPriority = false) =>
        new(TorchException.Check(la_stream_create(device, highPriority ? 1 : 0), "cuda stream create"));

    public static CudaStream Current(int device = 0) => new(TorchException.Check(la_stream_current(device), "cuda current stream"));

    public void MakeCurrent() => TorchException.Check(la_stream_set_current(Ptr), "cuda set stream");
    public void Synchronize() => TorchException.Check(la_stream_synchronize(Ptr), "cuda stream synchronize");
    public void Wait(CudaEvent e) => TorchException.Check(la_stream_wait_event(Ptr, e.Ptr), "cuda stream wait");

    public void Dispose()
    {
        if (Ptr != IntPtr.Zero) la_stream_free(Ptr);
        Ptr = IntPtr.Zero;
    }
}

public sealed class CudaEvent : IDisposable
{
    internal IntPtr Ptr { get; private set; }

    public CudaEvent(bool timing = true) => Ptr = TorchException.Check(la_event_create(timing ? 1 : 0), "cuda event create");

    public void Record(CudaStream stream) => TorchException.Check(la_event_record(Ptr, stream.Ptr), "cuda event record");
    public void Synchronize() => TorchException.Check(la_event_synchronize(Ptr), "cuda event synchronize");

    public double ElapsedMsSince(CudaEvent start)
    {
        var ms = la_event_elapsed_ms(start.Ptr, Ptr);
        if (ms < 0) throw TorchException.FromNative("cuda event elapsed");
        return ms;
    }

    public void Dispose()
    {
        if (Ptr != IntPtr.Zero) la_event_free(Ptr);
        Ptr = IntPtr.Zero;
    }
}
