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
/// On the CPU (tests) the same schedule runs with plain copies. 8-bit rings stream their codes and scales as they are
/// (half the bytes of bf16 rows); attention decodes the slot's rows on the device.
/// </summary>
internal sealed class RingLayerStreamer : IDitLayerResidency, IDisposable
{
    private const int Slots = 2;

    private readonly int _layers;
    private readonly Tensor[] _slotK = new Tensor[Slots];
    private readonly Tensor[] _slotV = new Tensor[Slots];
    private readonly Tensor[]? _slotKScale;
    private readonly Tensor[]? _slotVScale;
    private readonly int[] _holds = [-1, -1];
    private readonly SlotCopyStream _copies;
    private DitRingCache? _host;
    private int _readRows, _writeStart, _writeRows;

    /// <param name="dtype">The dtype attention computes in.</param>
    /// <param name="tailRows">Rows each slot holds past the ring's (the sink's, read in place by attention; 0: none).</param>
    /// <param name="format">How the host rings store their rows (8-bit rings have no tail).</param>
    public RingLayerStreamer(DitConfig config, int ringTokens, Device device, ScalarType dtype, int tailRows = 0,
        KvRingFormat format = KvRingFormat.Compute)
    {
        _layers = config.NumLayers;
        var coded = format == KvRingFormat.Int8;
        if (coded && tailRows > 0) throw new ArgumentException("an 8-bit ring has no tail", nameof(tailRows));
        if (coded) (_slotKScale, _slotVScale) = (new Tensor[Slots], new Tensor[Slots]);
        try
        {
            for (var s = 0; s < Slots; s++)
            {
                long[] rows = [1, ringTokens + tailRows, config.NumHeads, config.HeadDim];
                _slotK[s] = torch.zeros(rows, coded ? ScalarType.Int8 : dtype, device).DetachFromDisposeScope();
                _slotV[s] = torch.zeros(rows, coded ? ScalarType.Int8 : dtype, device).DetachFromDisposeScope();
                if (!coded) continue;
                _slotKScale![s] = torch.zeros([1, ringTokens, config.NumHeads], ScalarType.Float32, device).DetachFromDisposeScope();
                _slotVScale![s] = torch.zeros([1, ringTokens, config.NumHeads], ScalarType.Float32, device).DetachFromDisposeScope();
            }
            _copies = new SlotCopyStream(device, Slots);
        }
        catch
        {
            Dispose();
            throw;
        }
        Working = new DitRingCache(config, _slotK, _slotV, ringTokens, coded ? (_slotKScale!, _slotVScale!, dtype) : null) { Residency = this };
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
        if (host.Format != Working.Format)
            throw new ArgumentException($"a {host.Format} host ring cannot stream through {Working.Format} slots", nameof(host));
        (_host, _readRows, _writeStart, _writeRows) = (host, readRows, writeStart, writeRows);
        Array.Fill(_holds, -1);
        for (var l = 0; l < Math.Min(Slots, _layers); l++) Fill(l % Slots, l);
        return Working;
    }

    public void BeforeBlock(int index)
    {
        var slot = index % Slots;
        if (_holds[slot] != index) Fill(slot, index);
        _copies.WaitFilled(slot);
    }

    public void AfterBlock(int index)
    {
        var slot = index % Slots;
        _copies.Release(slot);
        _copies.Run(slot, () =>
        {
            var host = _host!;
            host.K(index).narrow(1, _writeStart, _writeRows).copy_(_slotK[slot].narrow(1, _writeStart, _writeRows), nonBlocking: true);
            host.V(index).narrow(1, _writeStart, _writeRows).copy_(_slotV[slot].narrow(1, _writeStart, _writeRows), nonBlocking: true);
            if (_slotKScale is null) return;
            host.KScale(index).narrow(1, _writeStart, _writeRows).copy_(_slotKScale[slot].narrow(1, _writeStart, _writeRows), nonBlocking: true);
            host.VScale(index).narrow(1, _writeStart, _writeRows).copy_(_slotVScale![slot].narrow(1, _writeStart, _writeRows), nonBlocking: true);
        });
        if (index + Slots < _layers) Fill(slot, index + Slots);
    }

    private void Fill(int slot, int layer)
    {
        var host = _host ?? throw new InvalidOperationException("no ring was begun");
        _copies.Run(slot, () =>
        {
            _slotK[slot].narrow(1, 0, _readRows).copy_(host.K(layer).narrow(1, 0, _readRows), nonBlocking: true);
            _slotV[slot].narrow(1, 0, _readRows).copy_(host.V(layer).narrow(1, 0, _readRows), nonBlocking: true);
            if (_slotKScale is null) return;
            _slotKScale[slot].narrow(1, 0, _readRows).copy_(host.KScale(layer).narrow(1, 0, _readRows), nonBlocking: true);
            _slotVScale![slot].narrow(1, 0, _readRows).copy_(host.VScale(layer).narrow(1, 0, _readRows), nonBlocking: true);
        });
        _holds[slot] = layer;
    }

    public void Dispose()
    {
        _copies?.Dispose(); // first: it waits for write-backs and fills still touching the slots freed below
        if (Working is not null) Working.Dispose();
        else foreach (var t in _slotK.Concat(_slotV).Concat(_slotKScale ?? []).Concat(_slotVScale ?? [])) t?.Dispose();
    }
}
