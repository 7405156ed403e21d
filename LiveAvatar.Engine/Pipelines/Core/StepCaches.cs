using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// One KV ring per denoising step ("timestep forcing") plus the shared sink cache. With offloading the rings live
/// on the CPU and one working ring on the device is filled before each DiT call and written back after it
/// (the original's --offload_kv_cache moves each step's cache to the GPU and back the same way).
/// </summary>
internal sealed class StepCaches : IDisposable
{
    private readonly DitRingCache[] _rings;
    private readonly DitRingCache? _working;
    private readonly int _layers;

    public StepCaches(CausalWanModelS2V dit, ClipGeometry g, int steps, Device device, DType dtype, bool offload)
    {
        _layers = dit.Config.NumLayers;
        var ringDevice = offload ? Device.Cpu : device;
        _rings = new DitRingCache[steps];
        try
        {
            for (var i = 0; i < steps; i++) _rings[i] = dit.NewRingCache(g.LatentH, g.LatentW, g.LatentFrames, ringDevice, dtype);
            if (offload) _working = dit.NewRingCache(g.LatentH, g.LatentW, g.LatentFrames, device, dtype);
            Cond = dit.NewCondCache(g.LatentH, g.LatentW, device, dtype);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public DitCondCache Cond { get; } = null!;

    /// <summary>The ring of <paramref name="step"/>, on the working device.</summary>
    public DitRingCache Acquire(int step)
    {
        if (_working is null) return _rings[step];
        Copy(_rings[step], _working);
        return _working;
    }

    /// <summary>Ends the use of <paramref name="step"/>'s ring (writes the working copy back when offloading).</summary>
    public void Release(int step)
    {
        if (_working is not null) Copy(_working, _rings[step]);
    }

    private void Copy(DitRingCache from, DitRingCache to)
    {
        for (var l = 0; l < _layers; l++)
        {
            to.K(l).CopyFrom(from.K(l));
            to.V(l).CopyFrom(from.V(l));
        }
    }

    public void Dispose()
    {
        foreach (var r in _rings) r?.Dispose();
        _working?.Dispose();
        Cond?.Dispose();
    }
}
