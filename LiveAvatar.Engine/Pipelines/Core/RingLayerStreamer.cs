using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// KV rings kept in host memory meet the DiT layer by layer: one working ring whose layers take turns in two device
/// slots. Before layer l runs, its slot holds the rows the forward reads, copied from the host ring on a stream of
/// its own; once layer l is queued, the rows the forward wrote go back to the host ring and layer l + 2 is copied into
/// the slot, all while layer l + 1 computes. The device holds two layers of one ring instead of every ring.
/// On the CPU (tests) the same schedule runs with plain copies.
/// </summary>
internal sealed class RingLayerStreamer : IDitLayerResidency, IDisposable
{
    private const int Slots = 2;

    private readonly Device _device;
    private readonly int _layers;
    private readonly Tensor[] _slotK = new Tensor[Slots];
    private readonly Tensor[] _slotV = new Tensor[Slots];
    private readonly int[] _holds = [-1, -1];
    private readonly CudaStream? _copy;
    private readonly CudaEvent?[] _filled = new CudaEvent?[Slots];
    private readonly CudaEvent?[] _released = new CudaEvent?[Slots];
    private DitRingCache? _host;
    private int _readRows, _writeStart, _writeRows;

    public RingLayerStreamer(DitConfig config, int ringTokens, Device device, ScalarType dtype)
    {
        _device = device;
        _layers = config.NumLayers;
        try
        {
            for (var s = 0; s < Slots; s++)
            {
                _slotK[s] = torch.zeros([1, ringTokens, config.NumHeads, config.HeadDim], dtype, device).DetachFromDisposeScope();
                _slotV[s] = torch.zeros([1, ringTokens, config.NumHeads, config.HeadDim], dtype, device).DetachFromDisposeScope();
            }
            if (device.type == DeviceType.CUDA)
            {
                _copy = CudaStream.Create(device.index);
                for (var s = 0; s < Slots; s++) { _filled[s] = new CudaEvent(timing: false); _released[s] = new CudaEvent(timing: false); }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        Working = new DitRingCache(config, _slotK, _slotV, ringTokens) { Residency = this };
    }

    /// <summary>The ring a forward computes with; valid between <see cref="Begin"/> and the forward's end.</summary>
    public DitRingCache Working { get; }

    /// <summary>Serves <paramref name="host"/> to the next forward, which reads the first <paramref name="readRows"/>
    /// rows and writes <paramref name="writeRows"/> from <paramref name="writeStart"/>; its first two layers start
    /// copying now.</summary>
    public DitRingCache Begin(DitRingCache host, int readRows, int writeStart, int writeRows)
    {
        if (readRows <= 0 || readRows > host.Length || writeStart < 0 || writeRows <= 0 || writeStart + writeRows > readRows)
            throw new ArgumentOutOfRangeException(nameof(readRows), $"rows read [0, {readRows}) and written [{writeStart}, {writeStart + writeRows}) do not fit a ring of {host.Length}");
        (_host, _readRows, _writeStart, _writeRows) = (host, readRows, writeStart, writeRows);
        Array.Fill(_holds, -1);
        for (var l = 0; l < Math.Min(Slots, _layers); l++) Fill(l % Slots, l);
        return Working;
    }

    public void BeforeBlock(int index)
    {
        var slot = index % Slots;
        if (_holds[slot] != index) Fill(slot, index);
        if (_copy is null) return;
        using var compute = CudaStream.Current(_device.index);
        compute.Wait(_filled[slot]!);
    }

    public void AfterBlock(int index)
    {
        var slot = index % Slots;
        if (_copy is not null)
        {
            using var compute = CudaStream.Current(_device.index);
            _released[slot]!.Record(compute);
        }
        OnCopyStream(slot, () =>
        {
            var host = _host!;
            host.K(index).narrow(1, _writeStart, _writeRows).copy_(_slotK[slot].narrow(1, _writeStart, _writeRows), nonBlocking: true);
            host.V(index).narrow(1, _writeStart, _writeRows).copy_(_slotV[slot].narrow(1, _writeStart, _writeRows), nonBlocking: true);
        });
        if (index + Slots < _layers) Fill(slot, index + Slots);
    }

    private void Fill(int slot, int layer)
    {
        var host = _host ?? throw new InvalidOperationException("no ring was begun");
        OnCopyStream(slot, () =>
        {
            _slotK[slot].narrow(1, 0, _readRows).copy_(host.K(layer).narrow(1, 0, _readRows), nonBlocking: true);
            _slotV[slot].narrow(1, 0, _readRows).copy_(host.V(layer).narrow(1, 0, _readRows), nonBlocking: true);
        });
        _filled[slot]?.Record(_copy!);
        _holds[slot] = layer;
    }

    // Runs copies on the copy stream once the compute stream has released the slot (synchronously on the CPU).
    private void OnCopyStream(int slot, Action copies)
    {
        using var scope = torch.NewDisposeScope();
        if (_copy is null)
        {
            copies();
            return;
        }
        using var compute = CudaStream.Current(_device.index);
        _copy.Wait(_released[slot]!);
        _copy.MakeCurrent();
        try
        {
            copies();
        }
        finally
        {
            compute.MakeCurrent();
        }
    }

    public void Dispose()
    {
        _copy?.Synchronize(); // no write-back or fill may still touch memory freed below
        _copy?.Dispose();
        foreach (var e in _filled.Concat(_released)) e?.Dispose();
        if (Working is not null) Working.Dispose();
        else foreach (var t in _slotK.Concat(_slotV)) t?.Dispose();
    }
}
