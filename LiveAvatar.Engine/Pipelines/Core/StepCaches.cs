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
/// different text, so each also needs its own sink prefill. With offloading the rings live on the CPU and one
/// working ring on the device, shared by both branches, is filled before each DiT call and written back after it
/// (the original's --offload_kv_cache moves each step's cache to the GPU and back the same way).
/// </summary>
internal sealed class StepCaches : IDisposable
{
    private readonly DitRingCache[][] _rings;
    private readonly DitCondCache[] _cond;
    private readonly DitRingCache? _working;
    private readonly int _layers;

    public StepCaches(CausalWanModelS2V dit, ClipGeometry g, int steps, int branches, Device device, ScalarType dtype, bool offload)
    {
        if (branches is < 1 or > 2) throw new ArgumentOutOfRangeException(nameof(branches), "1 (no guidance) or 2 (guidance)");
        _layers = dit.Config.NumLayers;
        // Offloaded rings sit in page-locked host memory, so the copies to and from the working ring run asynchronously.
        var pinned = offload && device.type == DeviceType.CUDA;
        var ringDevice = offload ? torch.CPU : device;
        _rings = new DitRingCache[branches][];
        _cond = new DitCondCache[branches];
        try
        {
            for (var br = 0; br < branches; br++)
            {
                _rings[br] = new DitRingCache[steps];
                for (var i = 0; i < steps; i++) _rings[br][i] = dit.NewRingCache(g.LatentH, g.LatentW, g.LatentFrames, ringDevice, dtype, pinned);
                _cond[br] = dit.NewCondCache(g.LatentH, g.LatentW, device, dtype);
            }
            if (offload) _working = dit.NewRingCache(g.LatentH, g.LatentW, g.LatentFrames, device, dtype);
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

    /// <summary>The ring of <paramref name="step"/> in <paramref name="branch"/>, on the working device.</summary>
    public DitRingCache Acquire(int branch, int step)
    {
        if (_working is null) return _rings[branch][step];
        Copy(_rings[branch][step], _working);
        return _working;
    }

    /// <summary>Ends the use of the ring. When offloading, the working copy goes back to host memory: only the rows
    /// this call wrote (<paramref name="rows"/> from <paramref name="firstRow"/>; a forward writes one block and
    /// only reads the rest), a quarter of the ring with 12-frame rings and 3-frame blocks.</summary>
    public void Release(int branch, int step, int firstRow, int rows)
    {
        if (_working is null) return;
        if (firstRow < 0 || rows <= 0 || firstRow + rows > _working.Length) Copy(_working, _rings[branch][step]);
        else Copy(_working, _rings[branch][step], firstRow, rows);
    }

    private void Copy(DitRingCache from, DitRingCache to) => Copy(from, to, 0, from.Length);

    private void Copy(DitRingCache from, DitRingCache to, int firstRow, int rows)
    {
        using var scope = torch.NewDisposeScope();
        for (var l = 0; l < _layers; l++)
        {
            to.K(l).narrow(1, firstRow, rows).copy_(from.K(l).narrow(1, firstRow, rows), nonBlocking: true);
            to.V(l).narrow(1, firstRow, rows).copy_(from.V(l).narrow(1, firstRow, rows), nonBlocking: true);
        }
    }

    public void Dispose()
    {
        foreach (var branch in _rings)
            foreach (var r in branch ?? []) r?.Dispose();
        foreach (var c in _cond) c?.Dispose();
        _working?.Dispose();
    }
}
