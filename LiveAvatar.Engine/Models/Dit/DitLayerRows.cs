using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>Per-layer key and value rows [1, rows, N, D], zero at start; owned and freed by the cache.</summary>
public abstract class DitLayerRows : IDisposable
{
    private readonly Tensor[] _k;
    private readonly Tensor[] _v;

    /// <param name="pinnedHost">Host memory, page-locked where CUDA is present (rings kept off the GPU), instead of
    /// <paramref name="device"/>.</param>
    /// <param name="tailRows">Rows allocated past <paramref name="rows"/> in every layer (see <see cref="DitRingCache"/>).</param>
    protected DitLayerRows(DitConfig config, int rows, Device device, ScalarType dtype, bool pinnedHost = false, int tailRows = 0)
    {
        if (tailRows < 0) throw new ArgumentOutOfRangeException(nameof(tailRows), "the tail cannot have negative rows");
        Length = rows;
        _k = new Tensor[config.NumLayers];
        _v = new Tensor[config.NumLayers];
        try
        {
            for (var i = 0; i < config.NumLayers; i++)
            {
                long[] shape = [1, rows + tailRows, config.NumHeads, config.HeadDim];
                _k[i] = (pinnedHost ? HostMemory.Zeros(shape, dtype) : torch.zeros(shape, dtype, device)).DetachFromDisposeScope();
                _v[i] = (pinnedHost ? HostMemory.Zeros(shape, dtype) : torch.zeros(shape, dtype, device)).DetachFromDisposeScope();
            }
        }
        catch
        {
            // Out of memory part-way: nobody will hold this half-built cache, so free its layers now rather than
            // leaving hundreds of MiB to the finalizer (the H200 soak saw 868 MiB held until the next GC).
            foreach (var t in _k.Concat(_v)) t?.Dispose();
            throw;
        }
    }

    /// <summary>Rows over given per-layer tensors (e.g. two device slots shared by every other layer), which this
    /// object then frees on <see cref="Dispose"/> (a tensor shared by several layers is freed once).</summary>
    protected DitLayerRows(Tensor[] k, Tensor[] v, int rows)
    {
        (_k, _v, Length) = (k, v, rows);
    }

    /// <summary>The device bytes of <paramref name="rows"/> key and value rows in every layer of a model: the one
    /// formula behind the rings', the tails' and the sink cache's sizes.</summary>
    public static long Bytes(DitConfig config, long rows, ScalarType dtype) =>
        2L * config.NumLayers * rows * config.Dim * dtype.ElementSize();

    /// <summary>The rows a layer holds for its owner (a layer's tensor may hold more: <see cref="DitRingCache"/>'s tail).</summary>
    public int Length { get; }

    /// <summary>Layers this cache holds rows for.</summary>
    public int Layers => _k.Length;

    /// <summary>Where the layers' rows come from during a forward when they are not all resident (see
    /// <see cref="IDitLayerResidency"/>); null when they are.</summary>
    public IDitLayerResidency? Residency { get; init; }

    public Tensor K(int layer) => _k[layer];
    public Tensor V(int layer) => _v[layer];

    public void Dispose()
    {
        DisposeOwned();
        foreach (var t in _k.Concat(_v).Distinct(ReferenceEqualityComparer.Instance)) ((Tensor?)t)?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees what a derived cache holds besides the rows.</summary>
    protected virtual void DisposeOwned()
    {
    }
}
