using LiveAvatar.Engine.Models.Dit;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// KV rings in host memory kept from one run for the next. At 704×384 the four step rings are 38.7 GiB of
/// page-locked memory, and making them (zero-fill, then copy into pinned pages) took about 5 s before every job's
/// first block on an H200 machine; a resident server reuses them instead. Reuse needs no clearing: attention reads
/// only the rows a run has written itself (<see cref="DitRingCache.Slot"/>: up to the current block before the
/// first wrap, the whole ring after it). Keeps the rings of the largest size asked for lately (a smaller one is served
/// by a view of their first rows, a larger one frees them), is owned by the model set whose DiT they serve, and is
/// freed with it.
/// </summary>
public sealed class HostRingPool : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<DitRingCache> _idle = [];
    private readonly Dictionary<DitRingCache, DitRingCache> _lentViews = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    /// <summary>Rings made so far (not reused): for tests and benchmarks.</summary>
    public int Created { get; private set; }

    /// <summary>Rings waiting for the next run.</summary>
    public int Idle
    {
        get { lock (_gate) return _idle.Count; }
    }

    /// <summary>A ring of <paramref name="tokens"/> rows for <paramref name="dit"/>: the smallest idle one that holds
    /// that many (a larger one is lent as a view of its first rows: pictures of another aspect at the same size setting
    /// differ by a few rows, and re-pinning 10-40 GiB for them would take seconds), else a new one (pinned where CUDA
    /// is present); idle rings too small or of another layout are freed first.</summary>
    internal DitRingCache Rent(CausalWanModelS2V dit, ClipGeometry g, ScalarType dtype, bool pinned, KvRingFormat format = KvRingFormat.Compute)
    {
        var tokens = g.LatentFrames * dit.FrameSeqLen(g.LatentH, g.LatentW);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var match = _idle.Where(r => Holds(r, dit.Config, tokens, dtype, format)).MinBy(r => r.Length);
            if (match is not null)
            {
                _idle.Remove(match);
                if (match.Length == tokens) return match;
                Tensor[] First(Func<int, Tensor> rows) => Enumerable.Range(0, match.Layers).Select(l => rows(l).narrow(1, 0, tokens)).ToArray();
                var view = new DitRingCache(dit.Config, First(match.K), First(match.V), tokens,
                    format == KvRingFormat.Int8 ? (First(match.KScale), First(match.VScale), dtype) : null);
                _lentViews[view] = match;
                return view;
            }
            foreach (var stale in _idle.ToList())
            {
                stale.Dispose();
                _idle.Remove(stale);
            }
        }
        var made = dit.NewRingCache(g.LatentH, g.LatentW, g.LatentFrames, CPU, dtype, pinned, format: format);
        lock (_gate) Created++;
        return made;
    }

    /// <summary>Makes sure <paramref name="count"/> idle rings of this geometry are kept, so that the first run that
    /// needs them does not spend seconds pinning memory before its first block.</summary>
    internal void Prewarm(CausalWanModelS2V dit, ClipGeometry g, ScalarType dtype, bool pinned, int count,
        KvRingFormat format = KvRingFormat.Compute)
    {
        var rented = new List<DitRingCache>();
        try
        {
            for (var i = 0; i < count; i++) rented.Add(Rent(dit, g, dtype, pinned, format));
        }
        finally
        {
            foreach (var r in rented) Return(r);
        }
    }

    /// <summary>Takes back a ring a run has finished with (freed at once once the pool is disposed); a view goes, the
    /// ring it was cut from comes back.</summary>
    internal void Return(DitRingCache ring)
    {
        lock (_gate)
        {
            if (_lentViews.Remove(ring, out var whole))
            {
                ring.Dispose(); // the views only
                ring = whole;
            }
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

    private static bool Holds(DitRingCache ring, DitConfig config, int tokens, ScalarType dtype, KvRingFormat format)
    {
        var k = ring.K(0);
        return ring.Length >= tokens && ring.Layers == config.NumLayers && ring.Dtype == dtype && ring.Format == format
            && k.shape[2] == config.NumHeads && k.shape[3] == config.HeadDim;
    }
}
