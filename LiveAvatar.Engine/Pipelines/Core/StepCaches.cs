using LiveAvatar.Engine.Generation;
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
    private readonly bool[][] _onHost;
    private readonly DitCondCache[] _cond;
    private readonly RingLayerStreamer? _streamer;
    private readonly HostRingPool? _pool;

    /// <param name="offload">Every ring in host memory.</param>
    /// <param name="pool">Where host rings come from and go back to (kept between runs); null: made and freed here.</param>
    /// <param name="gpuBudgetBytes">Without <paramref name="offload"/>: the device peak to keep under; rings that do not
    /// fit beside what the device already holds go to host memory (<see cref="KvRingPlacement"/>). Null: all on the device.</param>
    /// <param name="ringFormat">How the rings store their rows, on the device and in host memory (8-bit rings have no
    /// tail).</param>
    public StepCaches(CausalWanModelS2V dit, ClipGeometry g, int steps, int branches, Device device, ScalarType dtype, bool offload,
        HostRingPool? pool = null, long? gpuBudgetBytes = null, KvRingFormat ringFormat = KvRingFormat.Compute)
    {
        if (branches is < 1 or > 2) throw new ArgumentOutOfRangeException(nameof(branches), "1 (no guidance) or 2 (guidance)");
        // Host rings sit in page-locked memory, so the copies to and from the device slots run asynchronously.
        var pinned = device.type == DeviceType.CUDA;
        _pool = pool;
        _rings = new DitRingCache[branches][];
        _onHost = new bool[branches][];
        _cond = new DitCondCache[branches];
        try
        {
            // The sink caches first, so that the placement below counts them among what the device holds.
            for (var br = 0; br < branches; br++) _cond[br] = dit.NewCondCache(g.LatentH, g.LatentW, device, dtype);
            var ringTokens = g.LatentFrames * dit.FrameSeqLen(g.LatentH, g.LatentW);
            var tailRows = TailRowsFor(dit, g, ringFormat);
            (GpuRings, TailRings) = offload ? (0, 0) : RingsOnDevice(dit, ringTokens, tailRows, branches * steps, device, dtype, gpuBudgetBytes, ringFormat);
            RingFormat = ringFormat;
            for (var br = 0; br < branches; br++)
            {
                _rings[br] = new DitRingCache[steps];
                _onHost[br] = new bool[steps];
                for (var i = 0; i < steps; i++)
                {
                    var host = br * steps + i >= GpuRings;
                    _onHost[br][i] = host;
                    _rings[br][i] = host
                        ? _pool?.Rent(dit, g, dtype, pinned, ringFormat)
                          ?? dit.NewRingCache(g.LatentH, g.LatentW, g.LatentFrames, torch.CPU, dtype, pinned, format: ringFormat)
                        : dit.NewRingCache(g.LatentH, g.LatentW, g.LatentFrames, device, dtype, sinkTail: br * steps + i < TailRings, format: ringFormat);
                }
            }
            if (GpuRings < branches * steps) _streamer = new RingLayerStreamer(dit.Config, ringTokens, device, dtype, tailRows, ringFormat);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Rings kept on the device (the others stream from host memory).</summary>
    public int GpuRings { get; }

    /// <summary>Of the <see cref="GpuRings"/>, those with room for the sink's rows after their own, which attention
    /// reads in place (the others copy ring and sink into a new buffer in every layer).</summary>
    public int TailRings { get; }

    /// <summary>How the rings store their rows.</summary>
    public KvRingFormat RingFormat { get; }

    /// <summary>All rings of the run: steps × branches.</summary>
    public int TotalRings => _rings.Sum(b => b?.Length ?? 0);

    /// <summary>The bytes of one ring (or a tail) of <paramref name="ringTokens"/> rows: K and V of every layer.</summary>
    public static long RingBytes(DitConfig config, int ringTokens, ScalarType dtype, KvRingFormat format = KvRingFormat.Compute) =>
        DitRingCache.BytesFor(config, ringTokens, format, dtype);

    /// <summary>The tail a ring of geometry <paramref name="g"/> gets when there is room: the sink's rows (0 when
    /// the shortcut is switched off, and for 8-bit rings, which attention decodes into a buffer anyway).</summary>
    internal static int TailRowsFor(CausalWanModelS2V dit, ClipGeometry g, KvRingFormat format = KvRingFormat.Compute) =>
        DitShortcuts.IsOff(DitShortcut.RingTail) || format == KvRingFormat.Int8 ? 0 : dit.Config.CondLength(g.LatentH, g.LatentW);

    /// <summary>How many of <paramref name="rings"/> rings stay on <paramref name="device"/> under <paramref name="budget"/>,
    /// given what the device holds now (the sink caches included), and how many of those also get a tail of
    /// <paramref name="tailRows"/> rows (the streaming slots get one whenever <paramref name="tailRows"/> &gt; 0).</summary>
    internal static (int Rings, int Tails) RingsOnDevice(CausalWanModelS2V dit, int ringTokens, int tailRows, int rings, Device device,
        ScalarType dtype, long? budget, KvRingFormat format = KvRingFormat.Compute, long alsoComing = 0)
    {
        var all = (rings, tailRows > 0 ? rings : 0);
        if (budget is not { } limit) return all;
        // What the device holds: the allocator's count on a GPU (without the extension it cannot be read, so every
        // ring stays); nothing on the CPU, where a budget only comes from tests of the mixed placement.
        long allocated = 0;
        if (device.type == DeviceType.CUDA)
        {
            if (!Native.NativeExtension.HasCuda) return all;
            allocated = Native.CudaDevices.MemoryStats(device.index).Allocated;
        }
        allocated += alsoComing;
        var ringBytes = RingBytes(dit.Config, ringTokens, dtype, format);
        var tailBytes = RingBytes(dit.Config, tailRows, dtype);
        var slotBytes = 2 * (ringBytes + tailBytes) / dit.Config.NumLayers;
        var reserve = KvRingPlacement.ReserveBytes(ringTokens);
        var onGpu = KvRingPlacement.OnGpu(rings, ringBytes, slotBytes, limit, allocated, reserve);
        return (onGpu, KvRingPlacement.TailsOnGpu(onGpu, rings, ringBytes, tailBytes, slotBytes, limit, allocated, reserve));
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
        if (!_onHost[branch][step]) return ring;
        var (start, active) = ring.Slot(currentStart, tokens);
        // A block that would wrap inside the ring (not the case for whole blocks in 12-frame rings) moves every row.
        return start + tokens <= ring.Length
            ? _streamer!.Begin(ring, active, start, tokens)
            : _streamer!.Begin(ring, ring.Length, 0, ring.Length);
    }

    public void Dispose()
    {
        // The streamer first: it waits for the write-backs still queued into the host rings.
        _streamer?.Dispose();
        for (var br = 0; br < _rings.Length; br++)
            for (var i = 0; i < (_rings[br]?.Length ?? 0); i++)
            {
                var r = _rings[br][i];
                if (r is null) continue;
                if (_pool is not null && _onHost[br][i]) _pool.Return(r);
                else r.Dispose();
            }
        foreach (var c in _cond) c?.Dispose();
    }
}
