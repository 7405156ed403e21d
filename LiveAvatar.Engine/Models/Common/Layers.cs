using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Models.Common;

/// <summary>nn.Linear: weight [out, in], optional bias [out].</summary>
public sealed class Linear : Module
{
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    public Linear(long inFeatures, long outFeatures, bool bias = true)
    {
        Weight = Param("weight", outFeatures, inFeatures);
        Bias = bias ? Param("bias", outFeatures) : null;
    }

    public Tensor Forward(Tensor x) => NN.Linear(x, Weight.T, Bias?.T);
}

/// <summary>nn.Conv1d/2d/3d with square or per-dim kernel, stride, padding; weight [out, in/groups, *k].</summary>
public sealed class Conv : Module
{
    public Parameter Weight { get; }
    public Parameter? Bias { get; }
    public long[] Stride { get; }
    public long[] Padding { get; }
    public long Groups { get; }

    public Conv(long inChannels, long outChannels, long[] kernel, long[]? stride = null, long[]? padding = null, long groups = 1, bool bias = true)
    {
        Weight = Param("weight", [outChannels, inChannels / groups, .. kernel]);
        Bias = bias ? Param("bias", outChannels) : null;
        Stride = stride ?? Enumerable.Repeat(1L, kernel.Length).ToArray();
        Padding = padding ?? new long[kernel.Length];
        Groups = groups;
    }

    public Tensor Forward(Tensor x) => Stride.Length switch
    {
        1 => NN.Conv1d(x, Weight.T, Bias?.T, Stride[0], Padding[0], 1, Groups),
        2 => NN.Conv2d(x, Weight.T, Bias?.T, Stride, Padding, null, Groups),
        _ => NN.Conv3d(x, Weight.T, Bias?.T, Stride, Padding, null, Groups),
    };
}

/// <summary>nn.LayerNorm over the last dim; affine parameters only when asked (the DiT's norm1/norm2 have none).</summary>
public sealed class LayerNorm : Module
{
    private readonly long _dim;
    private readonly double _eps;
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }

    public LayerNorm(long dim, double eps, bool affine)
    {
        _dim = dim;
        _eps = eps;
        if (affine)
        {
            Weight = Param("weight", dim);
            Bias = Param("bias", dim);
        }
    }

    public Tensor Forward(Tensor x) => NN.LayerNorm(x, [_dim], Weight?.T, Bias?.T, _eps);
}

/// <summary>nn.Embedding: a lookup table [num, dim].</summary>
public sealed class Embedding : Module
{
    public Parameter Weight { get; }

    public Embedding(long num, long dim) => Weight = Param("weight", num, dim);

    public Tensor Forward(Tensor ids) => Weight.T.IndexSelect(0, ids.Flatten()).Reshape([.. ids.Shape, Weight.Shape[1]]);
}
