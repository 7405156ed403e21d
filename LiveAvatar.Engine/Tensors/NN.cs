using static LiveAvatar.Engine.Native.NativeMethods;

namespace LiveAvatar.Engine.Tensors;

public enum PadMode { Constant = 0, Replicate = 1, Reflect = 2 }

public enum InterpolationMode { Nearest = 0, NearestExact = 1, Linear = 2, Bilinear = 3, Trilinear = 4, Bicubic = 5 }

/// <summary>Neural-network functions (torch.nn.functional equivalents).</summary>
public static class NN
{
    /// <summary>x @ w^T + b with w [out, in].</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null) =>
        Tensor.Wrap(la_linear(x.Handle, weight.Handle, Tensor.HandleOrNull(bias)),
            $"linear {Tensor.Describe(x.Shape)} with weight {Tensor.Describe(weight.Shape)}");

    public static Tensor Conv1d(Tensor x, Tensor w, Tensor? b, long stride = 1, long padding = 0, long dilation = 1, long groups = 1) =>
        Conv(x, w, b, [stride], [padding], [dilation], groups);

    public static Tensor Conv2d(Tensor x, Tensor w, Tensor? b, long[]? stride = null, long[]? padding = null, long[]? dilation = null, long groups = 1) =>
        Conv(x, w, b, stride ?? [1, 1], padding ?? [0, 0], dilation ?? [1, 1], groups);

    public static Tensor Conv3d(Tensor x, Tensor w, Tensor? b, long[]? stride = null, long[]? padding = null, long[]? dilation = null, long groups = 1) =>
        Conv(x, w, b, stride ?? [1, 1, 1], padding ?? [0, 0, 0], dilation ?? [1, 1, 1], groups);

    private static Tensor Conv(Tensor x, Tensor w, Tensor? b, long[] stride, long[] padding, long[] dilation, long groups)
    {
        if (stride.Length != padding.Length || stride.Length != dilation.Length)
            throw new ArgumentException("conv: stride, padding and dilation need one value per spatial dim");
        return Tensor.Wrap(la_conv(x.Handle, w.Handle, Tensor.HandleOrNull(b), stride, padding, dilation, stride.Length, groups),
            $"conv{stride.Length}d input {Tensor.Describe(x.Shape)} weight {Tensor.Describe(w.Shape)}");
    }

    public static Tensor LayerNorm(Tensor x, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        Tensor.Wrap(la_layer_norm(x.Handle, normalizedShape, normalizedShape.Length, Tensor.HandleOrNull(weight), Tensor.HandleOrNull(bias), eps), "layer_norm");

    public static Tensor GroupNorm(Tensor x, long groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        Tensor.Wrap(la_group_norm(x.Handle, groups, Tensor.HandleOrNull(weight), Tensor.HandleOrNull(bias), eps), "group_norm");

    /// <summary>F.pad: pads given last-dim first, (left, right, top, bottom, front, back).</summary>
    public static Tensor Pad(Tensor x, long[] pads, PadMode mode = PadMode.Constant, double value = 0)
    {
        // CPU libtorch 1.13 has no half-precision replicate/reflect pad; padding only copies values, so going
        // through fp32 is exact.
        if (mode != PadMode.Constant && x.Device.Type == DeviceType.Cpu && x.DType is DType.BFloat16 or DType.Float16)
        {
            using var scope = DisposeScope.Enter();
            using var wide = x.To(DType.Float32);
            return Pad(wide, pads, mode, value).To(x.DType).MoveToOuterScope();
        }
        return Tensor.Wrap(la_pad(x.Handle, pads, pads.Length, (int)mode, value), $"pad ({mode})");
    }

    /// <summary>F.interpolate to explicit output sizes. <paramref name="scales"/>, when given, are passed to the
    /// kernel as PyTorch does for scale_factor= calls (they change the source index arithmetic).</summary>
    public static Tensor Interpolate(Tensor x, long[] size, InterpolationMode mode, bool alignCorners = false, double[]? scales = null)
    {
        if (scales != null && scales.Length != size.Length) throw new ArgumentException("interpolate: one scale per spatial dim");
        return Tensor.Wrap(la_interpolate(x.Handle, (int)mode, size, scales, size.Length, alignCorners ? 1 : 0), $"interpolate ({mode})");
    }

    /// <summary>F.interpolate(scale_factor=...): output size floor(in * scale), scales passed to the kernel.</summary>
    public static Tensor Interpolate(Tensor x, double[] scaleFactors, InterpolationMode mode, bool alignCorners = false)
    {
        var shape = x.Shape;
        var n = scaleFactors.Length;
        var size = new long[n];
        for (var i = 0; i < n; i++) size[i] = (long)Math.Floor(shape[shape.Length - n + i] * scaleFactors[i]);
        return Interpolate(x, size, mode, alignCorners, scaleFactors);
    }

    /// <summary>softmax(q k^T * scale + mask) v with q [B,N,Lq,D], k/v [B,N,Lk,D]. A bool mask keeps true
    /// positions; a float mask is added. Fused kernel on libtorch ≥ 2.1, exact composite before.</summary>
    public static Tensor ScaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor? mask = null, double? scale = null, bool isCausal = false) =>
        Tensor.Wrap(la_sdpa(q.Handle, k.Handle, v.Handle, Tensor.HandleOrNull(mask), scale ?? -1, isCausal ? 1 : 0), "scaled_dot_product_attention");

    /// <summary>Rotates adjacent pairs (x[2j], x[2j+1]) by angles given as cos/sin [..., D/2] (broadcast).
    /// The same as multiplying view_as_complex(x) by cos + i·sin; computed in fp32 (fp64 for fp64 input), returned in x's dtype.</summary>
    public static Tensor RopePairs(Tensor x, Tensor cos, Tensor sin) =>
        Tensor.Wrap(la_rope_pairs(x.Handle, cos.Handle, sin.Handle), "rope");

    /// <summary>FP8 matmul: (a @ b) · scaleA · scaleB with a [M,K] row-major e4m3 and b [K,N] column-major e4m3.
    /// Needs CUDA and libtorch ≥ 2.4 on a GPU with FP8 (Hopper/Ada); otherwise throws naming what is missing.</summary>
    public static Tensor ScaledMm(Tensor a, Tensor b, Tensor scaleA, Tensor scaleB, Tensor? bias = null, DType outDtype = DType.BFloat16, bool fastAccum = true) =>
        Tensor.Wrap(la_scaled_mm(a.Handle, b.Handle, scaleA.Handle, scaleB.Handle, Tensor.HandleOrNull(bias), (int)outDtype, fastAccum ? 1 : 0), "scaled_mm");
}
