using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Native;

/// <summary>
/// Copies into (and out of) a few device slots on a CUDA stream of their own, ordered against the compute stream by
/// two events per slot: a copy into a slot starts only after the compute stream has <see cref="Release"/>d it, and
/// the compute stream uses a slot only after <see cref="WaitFilled"/>. That lets the next layer's data arrive while
/// the current layer computes. Off CUDA the copies simply run when asked and the ordering calls do nothing.
/// </summary>
public sealed class SlotCopyStream : IDisposable
{
    private readonly Device _device;
    private readonly CudaStream? _copy;
    private readonly CudaEvent[] _filled = [];
    private readonly CudaEvent[] _released = [];

    public SlotCopyStream(Device device, int slots)
    {
        _device = device;
        if (device.type != DeviceType.CUDA) return;
        _copy = CudaStream.Create(device.index);
        _filled = Enumerable.Range(0, slots).Select(_ => new CudaEvent(timing: false)).ToArray();
        _released = Enumerable.Range(0, slots).Select(_ => new CudaEvent(timing: false)).ToArray();
    }

    /// <summary>Queues <paramref name="copies"/> (non-blocking copy_ calls touching <paramref name="slot"/>) on the copy
    /// stream behind the compute stream's last release of the slot; the slot counts as filled after them.</summary>
    public void Run(int slot, Action copies)
    {
        using var scope = NewDisposeScope();
        if (_copy is null)
        {
            copies();
            return;
        }
        using var compute = CudaStream.Current(_device.index);
        _copy.Wait(_released[slot]);
        _copy.MakeCurrent();
        try
        {
            copies();
        }
        finally
        {
            compute.MakeCurrent();
        }
        _filled[slot].Record(_copy);
    }

    /// <summary>Makes the compute stream wait (on the device) for the copies queued into <paramref name="slot"/>.</summary>
    public void WaitFilled(int slot)
    {
        if (_copy is null) return;
        using var compute = CudaStream.Current(_device.index);
        compute.Wait(_filled[slot]);
    }

    /// <summary>Marks the point of the compute stream after which <paramref name="slot"/> may be overwritten.</summary>
    public void Release(int slot)
    {
        if (_copy is null) return;
        using var compute = CudaStream.Current(_device.index);
        _released[slot].Record(compute);
    }

    public void Dispose()
    {
        _copy?.Synchronize(); // nothing queued may still touch memory its owner frees next
        _copy?.Dispose();
        foreach (var e in _filled.Concat(_released)) e.Dispose();
    }
}
