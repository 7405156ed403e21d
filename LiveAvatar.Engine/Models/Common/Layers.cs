using LiveAvatar.Engine.Models.Fp8;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Common;

/// <summary>nn.Linear: weight [out, in], optional bias [out]. After <see cref="QuantizeFp8"/> it runs as the
/// original's FP8ScaleLinear (per-tensor E4M3 weight and activations, bf16 output).</summary>
public sealed class Linear : Module
{
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    /// <summary>The E4M3 weight once quantised; null for a plain bf16/fp32 layer.</summary>
    public Fp8Weight? Fp8 { get; private set; }

    public Linear(long inFeatures, long outFeatures, bool bias = true)
    {
        Weight = Param("weight", outFeatures, inFeatures);
        Bias = bias ? Param("bias", outFeatures) : null;
    }

    /// <summary>Runs in the weight's dtype, casting the input as autocast to the parameter dtype does.</summary>
    public Tensor Forward(Tensor x)
    {
        if (Fp8 is not null) return Fp8.Forward(x);
        var w = Weight.T;
        if (x.dtype == w.dtype) return Affine(x, w, Bias?.T);
        using var scope = torch.NewDisposeScope();
        return Affine(x.to(w.dtype), w, Bias?.T).MoveToOuterDisposeScope();
    }

    // TorchSharp's F.linear is libtorch's C++-frontend linear, which folds the bias into the matmul (addmm, and on
    // CUDA cuBLASLt's bias epilogue) only for 2-D input; for [B, L, C] it adds the bias in a separate pass over the
    // whole output. On an H200 those adds were 19.8 ms of kernel time in one 207.5 ms DiT forward
    // (docs/gpu-logs/dit40-kernels-h200.log). Flattening the leading dims makes every call the fused one.
    private static Tensor Affine(Tensor x, Tensor w, Tensor? bias)
    {
        if (bias is null || x.ndim == 2) return F.linear(x, w, bias);
        using var scope = torch.NewDisposeScope();
        var lead = x.shape[..^1];
        return F.linear(x.reshape(-1, x.shape[^1]), w, bias).view([.. lead, w.shape[0]]).MoveToOuterDisposeScope();
    }

    /// <summary>Runs in fp32 with the weights upcast (the original's autocast(float32) regions). An FP8 layer
    /// stays FP8 and returns fp32, as FP8ScaleLinear casts its output to the input dtype.</summary>
    public Tensor ForwardFloat32(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        if (Fp8 is not null) return Fp8.Forward(x).to(ScalarType.Float32).MoveToOuterDisposeScope();
        if (Weight.T.dtype == ScalarType.Float32 && x.dtype == ScalarType.Float32) return Affine(x, Weight.T, Bias?.T).MoveToOuterDisposeScope();
        return Affine(x.to(ScalarType.Float32), Weight.T.to(ScalarType.Float32), Bias?.T.to(ScalarType.Float32)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Replaces the weight by E4M3 + inverse scale on its device and frees it; returns the bytes saved. The weight
    /// parameter keeps a meta tensor of the old shape and dtype (as the original does), so code that asks a layer
    /// for its dtype still works; the bias moves into <see cref="Fp8"/> as bf16.
    /// </summary>
    public long QuantizeFp8()
    {
        if (Fp8 is not null) return 0;
        var w = Weight.T;
        var before = w.shape[0] * w.shape[1] * w.dtype.ElementSize() + (Bias?.T is { } b ? b.shape[0] * b.dtype.ElementSize() : 0);
        Fp8 = Fp8Weight.Quantize(w, Bias?.T);
        Weight.Set(torch.empty(Weight.Shape, w.dtype, torch.META));
        if (Bias?.T is { } bias) Bias.Set(torch.empty(Bias.Shape, bias.dtype, torch.META));
        return before - Fp8.Bytes;
    }

    public override IEnumerable<ModuleTensor> ComputeTensors() => Fp8 is null ? base.ComputeTensors() : base.ComputeTensors().Concat(Fp8.Tensors());

    public override void Dispose()
    {
        Fp8?.Dispose();
        Fp8 = null;
        base.Dispose();
    }
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

    /// <summary>Runs in the weight's dtype, casting the input as autocast to the parameter dtype does.</summary>
    public Tensor Forward(Tensor x)
    {
        if (x.dtype == Weight.T.dtype) return Run(x);
        using var scope = torch.NewDisposeScope();
        return Run(x.to(Weight.T.dtype)).MoveToOuterDisposeScope();
    }

    private Tensor Run(Tensor x) => Stride.Length switch
    {
        1 => F.conv1d(x, Weight.T, Bias?.T, Stride[0], Padding[0], 1, Groups),
        2 => F.conv2d(x, Weight.T, Bias?.T, Stride, Padding, null, Groups),
        _ => F.conv3d(x, Weight.T, Bias?.T, Stride, Padding, null, Groups),
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

    /// <summary>Normalises in x's dtype; affine parameters of another dtype are cast to it.</summary>
    public Tensor Forward(Tensor x)
    {
        if (Weight is null || Weight.T.dtype == x.dtype) return F.layer_norm(x, [_dim], Weight?.T, Bias?.T, _eps);
        using var scope = torch.NewDisposeScope();
        return F.layer_norm(x, [_dim], Weight.T.to(x.dtype), Bias?.T.to(x.dtype), _eps).MoveToOuterDisposeScope();
    }
}

/// <summary>nn.Embedding: a lookup table [num, dim].</summary>
public sealed class Embedding : Module
{
    public Parameter Weight { get; }

    public Embedding(long num, long dim) => Weight = Param("weight", num, dim);

    public Tensor Forward(Tensor ids) => Weight.T.index_select(0, ids.flatten()).reshape([.. ids.shape, Weight.Shape[1]]);
}
