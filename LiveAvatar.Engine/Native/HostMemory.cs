using static TorchSharp.torch;

namespace LiveAvatar.Engine.Native;

/// <summary>Host copies of device tensors, page-locked where CUDA is present so copies back run asynchronously.</summary>
public static unsafe class HostMemory
{
    /// <summary>Whether <see cref="Copy"/> pins: CUDA and the native extension (TorchSharp cannot pin).</summary>
    public static bool CanPin => NativeExtension.HasCuda;

    /// <summary>A host copy of <paramref name="t"/> that shares no storage with it (the caller owns it): pinned when
    /// <see cref="CanPin"/>, else ordinary CPU memory.</summary>
    public static Tensor Copy(Tensor t)
    {
        using var scope = NewDisposeScope();
        var cpu = t.device.type == TorchSharp.DeviceType.CPU ? t.clone() : t.to(CPU);
        return (CanPin ? Pin(cpu) : cpu).MoveToOuterDisposeScope();
    }

    /// <summary>A zero-filled host tensor, pinned when <see cref="CanPin"/>.</summary>
    public static Tensor Zeros(long[] shape, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var cpu = zeros(shape, dtype, CPU);
        return (CanPin ? Pin(cpu) : cpu).MoveToOuterDisposeScope();
    }

    /// <summary>A small host tensor on <paramref name="device"/> without making the host wait for the device: libtorch
    /// synchronises the stream for every copy from pageable memory, which inside a DiT forward stalls the host until
    /// the GPU has drained its queue (and then starves the GPU while the host queues the next kernels). From pinned
    /// memory the copy is queued like a kernel; libtorch keeps the pinned buffer until the copy has run.</summary>
    public static Tensor ToDeviceQueued(Tensor cpu, Device device)
    {
        if (device.type == TorchSharp.DeviceType.CPU) return cpu.alias();
        if (!CanPin) return cpu.to(device);
        using var pinned = Pin(cpu.contiguous());
        return pinned.to(device.type, device.index, non_blocking: true);
    }

    // pin_memory copies into a new page-locked buffer; the pageable original goes with the caller's scope.
    private static Tensor Pin(Tensor cpu) =>
        NativeExtension.WrapTensor(((delegate* unmanaged<IntPtr, IntPtr>)NativeExtension.Export("lax_pin_memory"))(cpu.Handle), "pin host memory");
}
