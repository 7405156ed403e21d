using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Vae;

/// <summary>
/// The per-conv time cache of WanVAE_ (feat_cache + feat_idx): slot i belongs to the i-th cached conv reached in a
/// forward pass, in call order. A slot is empty, holds the marker "Rep" (upsample3d saw its first chunk), or holds
/// the last frames (at most <see cref="CacheT"/>) of that conv's previous input. The cache owns its tensors: a
/// replaced slot is disposed at once, so streaming memory stays flat.
/// </summary>
public sealed class FeatureCache : IDisposable
{
    /// <summary>CACHE_T: frames of past input each conv keeps.</summary>
    public const int CacheT = 2;

    private readonly List<Tensor?> _frames = [];
    private readonly List<bool> _rep = [];
    private int _next;

    /// <summary>Starts one chunk's forward: slot numbering restarts at 0 (feat_idx = [0]).</summary>
    public void BeginChunk() => _next = 0;

    /// <summary>Takes the next slot number, in the order the Python code increments feat_idx.</summary>
    public int Claim()
    {
        var i = _next++;
        while (_frames.Count <= i)
        {
            _frames.Add(null);
            _rep.Add(false);
        }
        return i;
    }

    public bool IsEmpty(int slot) => _frames[slot] is null && !_rep[slot];

    public bool IsRep(int slot) => _rep[slot];

    /// <summary>The cached frames of a slot, or null when it is empty or "Rep".</summary>
    public Tensor? Frames(int slot) => _frames[slot];

    public void MarkRep(int slot)
    {
        _frames[slot]?.Dispose();
        _frames[slot] = null;
        _rep[slot] = true;
    }

    /// <summary>Stores new frames (taken out of every dispose scope) and frees the old ones.</summary>
    public void Store(int slot, Tensor frames)
    {
        var old = _frames[slot];
        _frames[slot] = frames.DetachFromDisposeScope();
        _rep[slot] = false;
        if (!ReferenceEquals(old, frames)) old?.Dispose();
    }

    /// <summary>The tensors the cache holds now (for memory checks).</summary>
    public int TensorCount => _frames.Count(f => f is not null);

    /// <summary>Empties every slot (clear_cache).</summary>
    public void Clear()
    {
        foreach (var f in _frames) f?.Dispose();
        _frames.Clear();
        _rep.Clear();
        _next = 0;
    }

    public void Dispose() => Clear();
}
