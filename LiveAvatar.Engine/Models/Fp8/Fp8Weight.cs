using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Models.Fp8;

/// <summary>
/// A Linear's weight as per-tensor E4M3 with its inverse scale (the original's FP8ScaleLinear after
/// quantize_weight). Inputs are quantised per call with their own per-tensor scale and multiplied by
/// <c>_scaled_mm</c> with fast accumulation into bf16.
/// </summary>
public sealed class Fp8Weight : IDisposable
{
    private const long Align = 16; // cuBLASLt FP8: every dimension a multiple of 16

    /// <summary>W8 [N, K] e4m3, contiguous (so its transpose is the column-major B the matmul wants).</summary>
    public Tensor Weight { get; }

    /// <summary>1 / scale, a float32 scalar on the weight's device.</summary>
    public Tensor InverseScale { get; }

    /// <summary>[N] bf16, or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>The dtype the layer returned before quantisation (the model's parameter dtype).</summary>
    public DType OutputDType { get; }

    public long InFeatures => Weight.Shape[1];
    public long OutFeatures => Weight.Shape[0];

    private Fp8Weight(Tensor weight, Tensor inverseScale, Tensor? bias, DType outputDType)
    {
        Weight = weight.DetachFromScope();
        InverseScale = inverseScale.DetachFromScope();
        Bias = bias?.DetachFromScope();
        OutputDType = outputDType;
    }

    /// <summary>Why a [N, K] weight cannot run through the FP8 matmul, or null when it can.</summary>
    public static string? ShapeProblem(long outFeatures, long inFeatures) =>
        inFeatures % Align != 0 || outFeatures % Align != 0
            ? $"in_features {inFeatures} and out_features {outFeatures} must both be multiples of {Align} for the FP8 matmul"
            : null;

    /// <summary>Quantises weight [N, K] (any float dtype, on the device that will run it); the caller frees the original.</summary>
    public static Fp8Weight Quantize(Tensor weight, Tensor? bias)
    {
        if (ShapeProblem(weight.Shape[0], weight.Shape[1]) is { } problem) throw new ArgumentException(problem, nameof(weight));
        using var scope = DisposeScope.Enter();
        var (w8, inverse) = QuantizePerTensor(weight);
        return new Fp8Weight(w8.Contiguous(), inverse, bias?.To(DType.BFloat16).Contiguous(), weight.DType);
    }

    /// <summary>x [*, K] any float dtype → [*, N] in <see cref="OutputDType"/>.</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = DisposeScope.Enter();
        long k = InFeatures, n = OutFeatures;
        if (x.Shape[^1] != k) throw new ArgumentException($"FP8 linear expects last dim {k}, got [{string.Join(", ", x.Shape)}]", nameof(x));
        var lead = x.Shape[..^1];
        var x2 = x.Reshape(-1, k);
        var m = x2.Shape[0];
        var pad = (Align - m % Align) % Align;
        // Zero rows change neither the amax nor the real rows' products; they are cut off again below.
        if (pad > 0) x2 = NN.Pad(x2, [0, 0, 0, pad]);
        var (a8, inverseA) = QuantizePerTensor(x2);
        var y = NN.ScaledMm(a8, Weight.Transpose(0, 1), inverseA, InverseScale, Bias, DType.BFloat16, fastAccum: true);
        if (pad > 0) y = y.Narrow(0, 0, m);
        y = y.Reshape([.. lead, n]);
        return (OutputDType == DType.BFloat16 ? y : y.To(OutputDType)).MoveToOuterScope();
    }

    /// <summary>Bytes held on the device: the e4m3 weight, the scale and the bias.</summary>
    public long Bytes => OutFeatures * InFeatures + 4 + (Bias == null ? 0 : OutFeatures * 2);

    // t (any float) → (e4m3 of t·scale, 1/scale as a float32 scalar); see Fp8Math.Scale for the rule.
    // Everything stays on the device: no host sync per call.
    private static (Tensor Q, Tensor Inverse) QuantizePerTensor(Tensor t)
    {
        var amax = t.Abs().Amax().To(DType.Float32);
        var scale = (Fp8Math.E4M3Max / amax.Clamp(min: Fp8Math.AmaxFloor)).Clamp(max: Fp8Math.E4M3Max);
        var q = (t.To(DType.Float32) * scale).Clamp(-Fp8Math.E4M3Max, Fp8Math.E4M3Max).To(DType.Float8E4M3);
        return (q.Contiguous(), scale.Reciprocal());
    }

    public void Dispose()
    {
        Weight.Dispose();
        InverseScale.Dispose();
        Bias?.Dispose();
    }
}
