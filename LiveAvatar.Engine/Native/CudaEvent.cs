namespace LiveAvatar.Engine.Native;

/// <summary>A CUDA event: orders work across streams and times stages on the device.</summary>
public sealed unsafe class CudaEvent : IDisposable
{
    internal IntPtr Ptr { get; private set; }

    public CudaEvent(bool timing = true)
    {
        NativeExtension.RequireCuda("CUDA events");
        var p = ((delegate* unmanaged<int, IntPtr>)NativeExtension.Export("lax_event_create"))(timing ? 1 : 0);
        Ptr = NativeExtension.Check(p, "cuda event create");
    }

    public void Record(CudaStream stream) =>
        NativeExtension.Check(((delegate* unmanaged<IntPtr, IntPtr, int>)NativeExtension.Export("lax_event_record"))(Live, stream.Ptr), "cuda event record");

    public void Synchronize() =>
        NativeExtension.Check(((delegate* unmanaged<IntPtr, int>)NativeExtension.Export("lax_event_synchronize"))(Live), "cuda event synchronize");

    public double ElapsedMsSince(CudaEvent start)
    {
        var ms = ((delegate* unmanaged<IntPtr, IntPtr, double>)NativeExtension.Export("lax_event_elapsed_ms"))(start.Live, Live);
        if (ms < 0) throw new InvalidOperationException($"cuda event elapsed failed: {NativeExtension.LastError()}");
        return ms;
    }

    private IntPtr Live => Ptr != IntPtr.Zero ? Ptr : throw new ObjectDisposedException(nameof(CudaEvent));

    public void Dispose()
    {
        if (Ptr != IntPtr.Zero) ((delegate* unmanaged<IntPtr, void>)NativeExtension.Export("lax_event_free"))(Ptr);
        Ptr = IntPtr.Zero;
    }
}
