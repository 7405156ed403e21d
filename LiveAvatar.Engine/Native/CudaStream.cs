namespace LiveAvatar.Engine.Native;

/// <summary>A CUDA stream; <see cref="MakeCurrent"/> routes later kernels on its device to it.</summary>
public sealed unsafe class CudaStream : IDisposable
{
    internal IntPtr Ptr { get; private set; }

    private CudaStream(IntPtr p) => Ptr = p;

    public static CudaStream Create(int device, bool highPriority = false)
    {
        NativeExtension.RequireCuda("CUDA streams");
        var p = ((delegate* unmanaged<int, int, IntPtr>)NativeExtension.Export("lax_stream_create"))(device, highPriority ? 1 : 0);
        return new CudaStream(NativeExtension.Check(p, "cuda stream create"));
    }

    public static CudaStream Current(int device)
    {
        NativeExtension.RequireCuda("CUDA streams");
        var p = ((delegate* unmanaged<int, IntPtr>)NativeExtension.Export("lax_stream_current"))(device);
        return new CudaStream(NativeExtension.Check(p, "cuda current stream"));
    }

    public void MakeCurrent() =>
        NativeExtension.Check(((delegate* unmanaged<IntPtr, int>)NativeExtension.Export("lax_stream_set_current"))(Live), "cuda set stream");

    public void Synchronize() =>
        NativeExtension.Check(((delegate* unmanaged<IntPtr, int>)NativeExtension.Export("lax_stream_synchronize"))(Live), "cuda stream synchronize");

    /// <summary>Makes this stream wait (on the device, not the host) until <paramref name="e"/> has happened.</summary>
    public void Wait(CudaEvent e) =>
        NativeExtension.Check(((delegate* unmanaged<IntPtr, IntPtr, int>)NativeExtension.Export("lax_stream_wait_event"))(Live, e.Ptr), "cuda stream wait");

    private IntPtr Live => Ptr != IntPtr.Zero ? Ptr : throw new ObjectDisposedException(nameof(CudaStream));

    public void Dispose()
    {
        if (Ptr != IntPtr.Zero) ((delegate* unmanaged<IntPtr, void>)NativeExtension.Export("lax_stream_free"))(Ptr);
        Ptr = IntPtr.Zero;
    }
}
