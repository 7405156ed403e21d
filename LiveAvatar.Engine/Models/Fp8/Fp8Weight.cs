using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Fp8;

/// <summary>
/// A Linear's weight as per-tensor E4M3 with its inverse scale (the original's FP8ScaleLinear after
/// quantize_weight). Inputs are quantised per call with their own per-tensor scale and multiplied by
/// <c>_scaled_mm</c> with fast accumulation into bf16.
/// </summary>
public sealed class Fp8Weight : IDisposable
{
    private const long Align = 16; // cuBLASLt FP8: every dimension a multiple of 16

    /// <summary>W8 [N, K]: the e4m3 bytes as uint8, contiguous (so its transpose is the column-major B the matmul wants).</summary>
    public Tensor Weight { get; private set; }

    /// <summary>1 / scale, a float32 scalar on the weight's device.</summary>
    public Tensor InverseScale { get; private set; }

    /// <summary>[N] bf16, or null.</summary>
    public Tensor? Bias { get; private set; }

    /// <summary>The dtype the layer returned before quantisation (the model's parameter dtype).</summary>
    public ScalarType OutputDType { get; }

    public long InFeatures => Weight.shape[1];
    public long OutFeatures => Weight.shape[0];

    private Fp8Weight(Tensor weight, Tensor inverseScale, Tensor? bias, ScalarType outputDType)
    {
        Weight = weight.DetachFromDisposeScope();
        InverseScale = inverseScale.DetachFromDisposeScope();
        Bias = bias?.DetachFromDisposeScope();
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
        if (ShapeProblem(weight.shape[0], weight.shape[1]) is { } problem) throw new ArgumentException(problem, nameof(weight));
        using var scope = torch.NewDisposeScope();
        var (w8, inverse) = QuantizePerTensor(weight, Fp8Quantisation.For(weight));
        return new Fp8Weight(w8.contiguous(), inverse, bias?.to(ScalarType.BFloat16).contiguous(), weight.dtype);
    }

    /// <summary>The zero rows that bring an activation of <paramref name="rows"/> rows to the matmul's alignment.</summary>
    internal static long PadRows(long rows) => (Align - rows % Align) % Align;

    /// <summary>x [*, K] any float dtype → [*, N] in <see cref="OutputDType"/>.</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        long k = InFeatures, n = OutFeatures;
        if (x.shape[^1] != k) throw new ArgumentException($"FP8 linear expects last dim {k}, got [{string.Join(", ", x.shape)}]", nameof(x));
        var lead = x.shape[..^1];
        var x2 = x.reshape(-1, k);
        if (Fp8Gemm.UsesCublasLt(x2))
        {
            // bf16 out, then the layer's dtype, as the _scaled_mm path does.
            var product = Float8.Linear(x2, Weight, InverseScale, Bias, ScalarType.BFloat16).reshape([.. lead, n]);
            return (OutputDType == ScalarType.BFloat16 ? product : product.to(OutputDType)).MoveToOuterDisposeScope();
        }
        var m = x2.shape[0];
        var pad = PadRows(m);
        var (a8, inverseA) = QuantizePerTensor(x2, Fp8Quantisation.For(x2), pad);
        var y = Float8.ScaledMm(a8, Weight.transpose(0, 1), inverseA, InverseScale, Bias, ScalarType.BFloat16, fastAccum: true);
        if (pad > 0) y = y.narrow(0, 0, m);
        y = y.reshape([.. lead, n]);
        return (OutputDType == ScalarType.BFloat16 ? y : y.to(OutputDType)).MoveToOuterDisposeScope();
    }

    /// <summary>This linear on an input quantised once (<see cref="Fp8Activation"/>) → [*, N] in bf16 (the layer's
    /// dtype for a bf16 model, which is the only one that shares inputs), or written into <paramref name="into"/>
    /// (contiguous, Rows · N elements) and returned.</summary>
    public Tensor Forward(Fp8Activation x, Tensor? into = null)
    {
        if (x.Q.shape[1] != InFeatures) throw new ArgumentException($"FP8 linear expects {InFeatures} input features, the activation has {x.Q.shape[1]}", nameof(x));
        var y = Float8.Gemm(x.Q, x.Inverse, x.Rows, Weight, InverseScale, Bias, ScalarType.BFloat16, into);
        return into is null ? y.view([.. x.Lead, OutFeatures]) : y;
    }

    /// <summary>The tensors a weight streamer may point elsewhere (see <see cref="Module.ComputeTensors"/>).</summary>
    internal IEnumerable<ModuleTensor> Tensors()
    {
        yield return new ModuleTensor(() => Weight, t => Weight = t);
        yield return new ModuleTensor(() => InverseScale, t => InverseScale = t);
        if (Bias is not null) yield return new ModuleTensor(() => Bias!, t => Bias = t);
    }

    /// <summary>Bytes held on the device: the e4m3 weight, the scale and the bias.</summary>
    public long Bytes => OutFeatures * InFeatures + 4 + (Bias is null ? 0 : OutFeatures * 2);

    // t (any float) → (e4m3 of t·scale, 1/scale as a float32 scalar) with padRows zero rows appended (the matmul's
    // 16-row alignment; zero rows change neither the amax nor the real rows' products). Every mode gives the same
    // bytes (Fp8Quantisation); the scale rule is Fp8Math.Scale. Everything stays on the device: no host sync per call.
    internal static (Tensor Q, Tensor Inverse) QuantizePerTensor(Tensor t, Fp8QuantisationMode mode, long padRows = 0)
    {
        if (mode == Fp8QuantisationMode.Fused) return Float8.QuantizePerTensor(t.dim() == 2 ? t : t.reshape(-1, t.shape[^1]), padRows);
        if (padRows > 0) t = F.pad(t, [0, 0, 0, padRows]);
        var fast = mode == Fp8QuantisationMode.Fast;
        var amax = fast ? Float8.AbsMax(t) : t.abs().amax().to(ScalarType.Float32);
        var scale = (Fp8Math.E4M3Max / amax.clamp(min: Fp8Math.AmaxFloor)).clamp(max: Fp8Math.E4M3Max);
        var q = fast ? Float8.QuantizeE4M3AmaxScaled(t, scale) : Float8.QuantizeE4M3(t.to(ScalarType.Float32), scale);
        return (q.contiguous(), scale.reciprocal());
    }

    public void Dispose()
    {
        Weight.Dispose();
        InverseScale.Dispose();
        Bias?.Dispose();
    }
}
