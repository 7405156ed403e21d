using LiveAvatar.Engine.Models.Dit;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// KV rings in host memory kept from one run for the next. At 704×384 the four step rings are 38.7 GiB of
/// page-locked memory, and making them (zero-fill, then copy into pinned pages) took about 5 s before every job's
/// first block on an H200 machine; a resident server reuses them instead. Reuse needs no clearing: attention reads
/// only the rows a run has written itself (<see cref="DitRingCache.Slot"/>: up to the current block before the
/// first wrap, the whole ring after it). Holds at most the rings of one geometry (a new size frees the old ones),
/// is owned by the model set whose DiT they serve, and is freed with it.
/// </summary>
public sealed class HostRingPool : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<DitRingCache> _idle = [];
    private bool _disposed;

    /// <summary>Rings made so far (not reused): for tests and benchmarks.</summary>
    public int Created { get; private set; }

    /// <summary>Rings waiting for the next run.</summary>
    public int Idle
    {
        get { lock (_gate) return _idle.Count; }
    }

    /// <summary>A ring of <paramref name="tokens"/> rows for <paramref name="dit"/>: an idle one of that shape, else a
    /// new one (pinned where CUDA is present); idle rings of another shape are freed first.</summary>
    internal DitRingCache Rent(CausalWanModelS2V dit, ClipGeometry g, ScalarType dtype, bool pinned)
    {
        var tokens = g.LatentFrames * dit.FrameSeqLen(g.LatentH, g.LatentW);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var match = _idle.FindIndex(r => Fits(r, dit.Config, tokens, dtype));
            if (match >= 0)
            {
                var ring = _idle[match];
                _idle.RemoveAt(match);
                return ring;
            }
            foreach (var stale in _idle.Where(r => !Fits(r, dit.Config, tokens, dtype)).ToList())
            {
                stale.Dispose();
                _idle.Remove(stale);
            }
        }
        var made = dit.NewRingCache(g.LatentH, g.LatentW, g.LatentFrames, CPU, dtype, pinned);
        lock (_gate) Created++;
        return made;
    }

    /// <summary>Makes sure <paramref name="count"/> idle rings of this geometry are kept, so that the first run that
    /// needs them does not spend seconds pinning memory before its first block.</summary>
    internal void Prewarm(CausalWanModelS2V dit, ClipGeometry g, ScalarType dtype, bool pinned, int count)
    {
        var rented = new List<DitRingCache>();
        try
        {
            for (var i = 0; i < count; i++) rented.Add(Rent(dit, g, dtype, pinned));
        }
        finally
        {
            foreach (var r in rented) Return(r);
        }
    }

    /// <summary>Takes back a ring a run has finished with (freed at once once the pool is disposed).</summary>
    internal void Return(DitRingCache ring)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _idle.Add(ring);
                return;
            }
        }
        ring.Dispose();
    }

    /// <summary>Frees the idle rings (memory back to the host now).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            foreach (var r in _idle) r.Dispose();
            _idle.Clear();
        }
    }

    public void Dispose()
    {
        lock (_gate) _disposed = true;
        Clear();
    }

    private static bool Fits(DitRingCache ring, DitConfig config, int tokens, ScalarType dtype)
    {
        var k = ring.K(0);
        return ring.Length == tokens && ring.Layers == config.NumLayers && k.dtype == dtype
            && k.shape[2] == config.NumHeads && k.shape[3] == config.HeadDim;
    }
}
