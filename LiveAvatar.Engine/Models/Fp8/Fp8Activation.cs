using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Models.Fp8;

/// <summary>
/// An activation quantised once (per tensor, e4m3, pad rows to a multiple of 16) for several FP8 linears of the same
/// input: self-attention's q, k and v each quantised the same [L, C] input, two passes over it apiece. Only on the
/// one-call cuBLASLt path, whose quantisation this is; the bytes and the scale are the ones each linear made itself,
/// so the products are the same (`selftest` compares them).
/// </summary>
public sealed class Fp8Activation : IDisposable
{
    private static readonly Lazy<bool> GemmBuilt = new(() => NativeExtension.HasCuda && NativeExtension.HasExport("lax_f8_gemm"));
    private static readonly Lazy<bool> GeluBuilt = new(() => NativeExtension.HasCuda && NativeExtension.HasExport("lax_f8_quantize_gelu_per_tensor"));

    /// <summary>How the native GELU prologue rounds x + κx³ (1: one fused multiply-add, as nvcc compiles PyTorch's gelu
    /// by default; 2: the product rounded first). `selftest` checks that this one gives torch's gelu bytes (it did on
    /// the H200 with torch 2.11+cu130).</summary>
    public const int GeluRounding = 1;

    private Fp8Activation(Tensor q, Tensor inverse, long rows, long[] lead)
    {
        (Q, Inverse, Rows, Lead) = (q, inverse, rows, lead);
    }

    /// <summary>e4m3 bytes [Mp, K] (Mp = Rows rounded up to 16, the pad rows zero).</summary>
    internal Tensor Q { get; }

    /// <summary>1 / scale, a float32 scalar on the device.</summary>
    internal Tensor Inverse { get; }

    /// <summary>The input's rows (its leading dims flattened).</summary>
    public long Rows { get; }

    /// <summary>The input's leading dims, which every product keeps.</summary>
    internal long[] Lead { get; }

    /// <summary>Whether <paramref name="x"/> would be quantised once for <paramref name="layers"/>: all FP8, on the
    /// cuBLASLt path with bf16 outputs, an extension with the separate GEMM, and the sharing not switched off.</summary>
    public static bool Applies(Tensor x, params Common.Linear[] layers) =>
        !DitShortcuts.IsOff(DitShortcut.SharedFp8Input) && layers.All(l => l.Fp8 is not null) && GemmBuilt.Value
        && Fp8Gemm.UsesCublasLt(x)
        && layers.All(l => l.Fp8!.InFeatures == x.shape[^1] && l.Fp8.OutputDType == ScalarType.BFloat16);

    /// <summary>Whether tanh-GELU(x) can be quantised for <paramref name="layer"/> without making it (the FFN's second
    /// linear): <see cref="Applies"/> and an extension with the GELU prologue.</summary>
    public static bool AppliesWithGelu(Tensor x, Common.Linear layer) =>
        !DitShortcuts.IsOff(DitShortcut.FusedFp8Gelu) && Applies(x, layer) && GeluBuilt.Value;

    /// <summary>Quantises x [*, K] (bf16 or float32 on CUDA) once; with <paramref name="geluTanh"/>, the bytes and
    /// scale of gelu(x, approximate="tanh") instead, without making it.</summary>
    public static Fp8Activation Quantize(Tensor x, bool geluTanh = false)
    {
        using var scope = torch.NewDisposeScope();
        var lead = x.shape[..^1];
        var x2 = x.reshape(-1, x.shape[^1]);
        var rows = x2.shape[0];
        var pad = Fp8Weight.PadRows(rows);
        var (q, inverse) = geluTanh ? Float8.QuantizeGeluPerTensor(x2, pad, GeluRounding) : Float8.QuantizePerTensor(x2, pad);
        return new Fp8Activation(q.DetachFromDisposeScope(), inverse.DetachFromDisposeScope(), rows, lead);
    }

    public void Dispose()
    {
        Q.Dispose();
        Inverse.Dispose();
    }
}
