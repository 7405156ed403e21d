using LiveAvatar.Engine.Native;

namespace LiveAvatar.Engine.Models.Fp8;

/// <summary>How FP8 layers quantise an activation per tensor; every way gives the same bytes and scale.</summary>
public enum Fp8QuantisationMode
{
    /// <summary>The original's order of operations as PyTorch ops: |x|, amax, a float32 copy, multiply, clamp, cast
    /// (six full passes, about 81 ms of a 224 ms FP8 DiT forward on an H200; docs/benchmarks.md).</summary>
    Reference,

    /// <summary>PyTorch ops without the passes that change nothing: one-reduction amax, a multiply that reads bf16
    /// and writes float32, the cast (three passes).</summary>
    Fast,

    /// <summary>The native extension's two kernels (one reduction, one pass; the scale derived on the device, the
    /// matmul's pad rows written as zeros without copying the input). CUDA tensors only; others take Reference.</summary>
    Fused,
}

/// <summary>
/// The process-wide choice of <see cref="Fp8QuantisationMode"/>: <see cref="Fp8QuantisationMode.Fused"/> when the
/// extension has it, LIVEAVATAR_FP8_QUANT=reference|fast|fused to choose (`bench dit --fp8 --fp8_quant` measures each;
/// `selftest` checks on a GPU that all three give the reference's bytes and scale).
/// </summary>
public static class Fp8Quantisation
{
    public static Fp8QuantisationMode Mode { get; set; } = Parse(Environment.GetEnvironmentVariable("LIVEAVATAR_FP8_QUANT"));

    /// <summary>The mode a name selects ("reference", "fast", "fused"); null or empty is the default.</summary>
    public static Fp8QuantisationMode Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" or "fused" => Fp8QuantisationMode.Fused,
        "fast" => Fp8QuantisationMode.Fast,
        "reference" => Fp8QuantisationMode.Reference,
        _ => throw new ArgumentException($"the FP8 quantisation is 'fused' (default), 'fast' or 'reference', not '{name}'"),
    };

    private static readonly Lazy<bool> FusedBuilt = new(() =>
        NativeExtension.HasCuda && NativeExtension.HasExport("lax_f8_quantize_per_tensor"));

    /// <summary>The mode that quantises <paramref name="x"/>: the chosen one, except that <see cref="Fp8QuantisationMode.Fused"/>
    /// needs a CUDA tensor and an extension with its kernels (an older build lacks them); without them the reference
    /// ops run, which need the least.</summary>
    internal static Fp8QuantisationMode For(TorchSharp.torch.Tensor x) =>
        Mode == Fp8QuantisationMode.Fused && !(x.device_type == TorchSharp.DeviceType.CUDA && FusedBuilt.Value)
            ? Fp8QuantisationMode.Reference
            : Mode;
}
