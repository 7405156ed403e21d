using LiveAvatar.Engine.Models.Dit;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// One KV ring per denoising step ("timestep forcing") plus the sink cache, for each guidance branch: branch 0 is
/// the conditional (prompt) forward, branch 1, present only with classifier-free guidance, the unconditional
/// (negative prompt) one. The branches never share rows: their keys and values differ through cross-attention on
/// different text, so each also needs its own sink prefill. With offloading the rings live in host memory and stream
/// through two device slots layer by layer during each DiT call (<see cref="RingLayerStreamer"/>); the original's
/// --offload_kv_cache moves each step's whole cache to the GPU and back instead.
/// </summary>
internal sealed class StepCaches : IDisposable
{
    private readonly DitRingCache[][] _rings;
    private readonly DitCondCache[] _cond;
    private readonly RingLayerStreamer? _streamer;
    private readonly HostRingPool? _pool;

    /// <param name="pool">Where offloaded rings come from and go back to (kept between runs); null: made and freed here.</param>
    public StepCaches(CausalWanModelS2V dit, ClipGeometry g, int steps, int branches, Device device, ScalarType dtype, bool offload,
        HostRingPool? pool = null)
    {
        if (branches is < 1 or > 2) throw new ArgumentOutOfRangeException(nameof(branches), "1 (no guidance) or 2 (guidance)");
        // Offloaded rings sit in page-locked host memory, so the copies to and from the device slots run asynchronously.
        var pinned = offload && device.type == DeviceType.CUDA;
        var ringDevice = offload ? torch.CPU : device;
        _pool = offload ? pool : null;
        _rings = new DitRingCache[branches][];
        _cond = new DitCondCache[branches];
        try
        {
            for (var br = 0; br < branches; br++)
            {
                _rings[br] = new DitRingCache[steps];
                for (var i = 0; i < steps; i++)
                    _rings[br][i] = _pool?.Rent(dit, g, dtype, pinned) ?? dit.NewRingCache(g.LatentH, g.LatentW, g.LatentFrames, ringDevice, dtype, pinned);
                _cond[br] = dit.NewCondCache(g.LatentH, g.LatentW, device, dtype);
            }
            if (offload) _streamer = new RingLayerStreamer(dit.Config, _rings[0][0].Length, device, dtype);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>1 without guidance, 2 with it.</summary>
    public int Branches => _rings.Length;

    /// <summary>The sink cache of <paramref name="branch"/>.</summary>
    public DitCondCache Cond(int branch) => _cond[branch];

    /// <summary>The ring of <paramref name="step"/> in <paramref name="branch"/> for one forward of
    /// <paramref name="tokens"/> tokens at global token <paramref name="currentStart"/>: the ring itself, or with
    /// offloading a working ring whose layers stream through two device slots during that forward (only the rows the
    /// forward reads go in, only the rows it writes come back).</summary>
    public DitRingCache Acquire(int branch, int step, int currentStart, int tokens)
    {
        var ring = _rings[branch][step];
        if (_streamer is null) return ring;
        var (start, active) = ring.Slot(currentStart, tokens);
        // A block that would wrap inside the ring (not the case for whole blocks in 12-frame rings) moves every row.
        return start + tokens <= ring.Length
            ? _streamer.Begin(ring, active, start, tokens)
            : _streamer.Begin(ring, ring.Length, 0, ring.Length);
    }

    public void Dispose()
    {
        // The streamer first: it waits for the write-backs still queued into the host rings.
        _streamer?.Dispose();
        foreach (var branch in _rings)
            foreach (var r in branch ?? [])
            {
                if (r is null) continue;
                if (_pool is null) r.Dispose();
                else _pool.Return(r);
            }
        foreach (var c in _cond) c?.Dispose();
    }
}
