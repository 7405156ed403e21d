using LiveAvatar.Engine.Native;

namespace LiveAvatar.Engine.Models.Fp8;

/// <summary>Which call runs an FP8 linear's GEMM.</summary>
public enum Fp8GemmPath
{
    /// <summary>The default where the extension has it: quantisation and GEMM in one native call, the GEMM through
    /// cuBLASLt with its plan cached per shape (float8_linear.cpp): far less host time per linear.</summary>
    CublasLt,

    /// <summary>libtorch's _scaled_mm after the quantisation: it plans the GEMM again on every call.</summary>
    Torch,
}

/// <summary>The process-wide <see cref="Fp8GemmPath"/>: LIVEAVATAR_FP8_GEMM=cublaslt|torch (`bench dit --fp8` prints
/// the host time each needs; `selftest` compares their results on a GPU).</summary>
public static class Fp8Gemm
{
    public static Fp8GemmPath Path { get; set; } = Parse(Environment.GetEnvironmentVariable("LIVEAVATAR_FP8_GEMM"));

    /// <summary>The path a name selects ("cublaslt", "torch"); null or empty is the default.</summary>
    public static Fp8GemmPath Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" or "cublaslt" => Fp8GemmPath.CublasLt,
        "torch" => Fp8GemmPath.Torch,
        _ => throw new ArgumentException($"LIVEAVATAR_FP8_GEMM is 'cublaslt' (default) or 'torch', not '{name}'"),
    };

    private static readonly Lazy<bool> LinearBuilt = new(() => NativeExtension.HasCuda && NativeExtension.HasExport("lax_f8_linear"));

    /// <summary>Whether a linear on <paramref name="x"/> takes the one-call cuBLASLt path: chosen, a CUDA tensor, the
    /// fused quantisation chosen too (the path includes it), and an extension that has it.</summary>
    internal static bool UsesCublasLt(TorchSharp.torch.Tensor x) =>
        Path == Fp8GemmPath.CublasLt && Fp8Quantisation.For(x) == Fp8QuantisationMode.Fused && LinearBuilt.Value;
}
