namespace LiveAvatar.Engine.Native;

/// <summary>
/// The range an external profiler captures when started with --profile-from-start off (ncu, nsys). Without the
/// extension or CUDA it does nothing, so benchmarks can always open one.
/// </summary>
public sealed unsafe class CudaProfilerRange : IDisposable
{
    private readonly bool _open;

    public CudaProfilerRange()
    {
        if (!NativeExtension.HasCuda) return;
        _open = ((delegate* unmanaged<int>)NativeExtension.Export("lax_profiler_start"))() == 0;
    }

    public void Dispose()
    {
        if (_open) ((delegate* unmanaged<int>)NativeExtension.Export("lax_profiler_stop"))();
    }
}
