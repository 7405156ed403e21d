using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>
/// Keeps the DiT's blocks in host memory and only two on the device, for GPUs too small for the 14B weights. Every
/// block has the same tensors, so block i computes with the device tensors of slot i mod 2: before block i runs, its
/// host copy has been copied into that slot; as soon as block i is queued, block i+2 is copied into the same slot on
/// a stream of its own, after the compute stream has finished with it. Copies thus overlap the previous block's
/// compute, and at the end of a forward blocks 0 and 1 are already on their way for the next one.
/// On the CPU (tests) the same schedule runs with plain synchronous copies.
/// </summary>
public sealed class DitWeightStreamer : IDitLayerResidency, IDisposable
{
    private const int Slots = 2;

    private readonly int _blocks;
    private readonly Tensor[]?[] _host;
    private readonly ModuleTensor[]?[] _refs;
    private readonly Tensor[]?[] _slots = new Tensor[]?[Slots];
    private readonly int[] _slotHolds = [-1, -1];
    private readonly SlotCopyStream _copies;

    public DitWeightStreamer(int blocks, Device device)
    {
        if (blocks < Slots) throw new ArgumentOutOfRangeException(nameof(blocks), blocks, $"streaming needs at least {Slots} blocks");
        _blocks = blocks;
        _host = new Tensor[]?[blocks];
        _refs = new ModuleTensor[]?[blocks];
        _copies = new SlotCopyStream(device, Slots);
    }

    /// <summary>Bytes of the host copies (what the profile needs in host RAM for the weights).</summary>
    public long HostBytes => _host.Where(h => h is not null).SelectMany(h => h!).Sum(t => t.NumberOfElements * t.ElementSize);

    /// <summary>Bytes of the two device slots.</summary>
    public long DeviceBytes => _slots.Where(s => s is not null).SelectMany(s => s!).Sum(t => t.NumberOfElements * t.ElementSize);

    /// <summary>
    /// Takes over block <paramref name="index"/>, whose weights are final and on the device (LoRA merged, FP8
    /// applied): keeps a host copy, and from the third block on points the block at its slot's tensors and frees
    /// its own. Adopting blocks one by one keeps at most three on the device while a model loads.
    /// </summary>
    public void Adopt(int index, Module block)
    {
        if (index < 0 || index >= _blocks || _refs[index] is not null) throw new ArgumentOutOfRangeException(nameof(index), index, "each block is adopted once");
        var refs = block.ComputeTensors().ToArray();
        var host = new Tensor[refs.Length];
        for (var k = 0; k < refs.Length; k++) host[k] = HostMemory.Copy(refs[k].Get()).DetachFromDisposeScope();
        _refs[index] = refs;
        _host[index] = host;
        var slot = index % Slots;
        if (_slots[slot] is not { } tensors)
        {
            _slots[slot] = refs.Select(r => r.Get()).ToArray(); // the first blocks' own tensors become the slots
            _slotHolds[slot] = index;
            return;
        }
        if (tensors.Length != refs.Length) throw new ArgumentException($"block {index} has {refs.Length} tensors; block {slot} has {tensors.Length}");
        for (var k = 0; k < refs.Length; k++)
        {
            var own = refs[k].Get();
            if (!own.shape.SequenceEqual(tensors[k].shape) || own.dtype != tensors[k].dtype)
                throw new ArgumentException($"block {index}'s tensor {k} differs from block {slot}'s");
            refs[k].Bind(tensors[k]);
            own.Dispose();
        }
    }

    /// <summary>Call before block <paramref name="index"/> runs: its weights are in its slot, or queued ahead of it.</summary>
    public void BeforeBlock(int index)
    {
        var slot = index % Slots;
        if (_slotHolds[slot] != index) Fill(slot, index); // a forward that did not start at block 0, or one cut short
        _copies.WaitFilled(slot);
    }

    /// <summary>Call once block <paramref name="index"/> has been queued: its slot starts filling with block index + 2.</summary>
    public void AfterBlock(int index)
    {
        var slot = index % Slots;
        _copies.Release(slot);
        Fill(slot, (index + Slots) % _blocks);
    }

    private void Fill(int slot, int block)
    {
        var tensors = _slots[slot]!;
        var host = _host[block] ?? throw new InvalidOperationException($"block {block} was never adopted");
        _copies.Run(slot, () =>
        {
            for (var k = 0; k < tensors.Length; k++) tensors[k].copy_(host[k], nonBlocking: true);
        });
        _slotHolds[slot] = block;
    }

    public void Dispose()
    {
        _copies.Dispose(); // first: it waits for copies still reading the host memory freed below
        foreach (var h in _host)
            foreach (var t in h ?? []) t.Dispose();
    }
}
