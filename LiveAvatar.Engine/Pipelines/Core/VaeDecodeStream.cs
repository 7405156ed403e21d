using LiveAvatar.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// The VAE thread's own CUDA stream for one run. On the stream every other thread uses, a block's decode queues
/// between the DiT kernels of the next block; on its own stream the two can run side by side. What crosses between
/// the streams is ordered on the device (events) and kept safe from the caching allocator (record_stream):
/// inputs made on the shared stream are waited for and marked as used here; what is handed out is complete (the
/// stream is synchronised first, which only the VAE thread waits for) and marked as used by the shared stream, so
/// a consumer may read and free it there.
/// </summary>
internal sealed class VaeDecodeStream : IDisposable
{
    private readonly CudaStream _shared;
    private readonly CudaStream _own;

    /// <summary>Makes the stream current on this thread, after the work that made <paramref name="inputs"/>.</summary>
    public VaeDecodeStream(Device device, params Tensor[] inputs)
    {
        _shared = CudaStream.Current(device.index);
        _own = CudaStream.Create(device.index);
        using (var ready = new CudaEvent(timing: false))
        {
            ready.Record(_shared);
            _own.Wait(ready);
        }
        foreach (var t in inputs) _own.RecordUse(t);
        _own.MakeCurrent();
    }

    /// <summary>A block's latents from the DiT: decoding waits (on the device) for <paramref name="ready"/>, and their
    /// memory is not reused before this stream is done with it.</summary>
    public void Receive(Tensor latents, CudaEvent? ready)
    {
        if (ready is not null) _own.Wait(ready);
        _own.RecordUse(latents);
    }

    /// <summary>Waits for everything queued so far and hands <paramref name="t"/> to the shared stream.</summary>
    public Tensor HandOut(Tensor t)
    {
        _own.Synchronize();
        _shared.RecordUse(t);
        return t;
    }

    public void Dispose()
    {
        _own.Synchronize(); // nothing queued may still touch memory its owners free next
        _shared.MakeCurrent();
        _own.Dispose();
        _shared.Dispose();
    }
}
