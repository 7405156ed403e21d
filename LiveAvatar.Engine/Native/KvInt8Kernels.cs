using static TorchSharp.torch;

namespace LiveAvatar.Engine.Native;

/// <summary>The 8-bit KV rows' CUDA kernels (native extension, kv_int8.cu): one pass to encode a block's keys or
/// values, one to decode a ring's rows for attention. <see cref="Models.Dit.Int8KvRows"/> picks them over its PyTorch
/// composite, whose float32 operations they repeat exactly (the self-check compares bytes).</summary>
public static unsafe class KvInt8Kernels
{
    private static readonly Lazy<bool> Built = new(() =>
        NativeExtension.HasCuda && NativeExtension.HasExport("lax_kv_quantize_int8") && NativeExtension.HasExport("lax_kv_dequantize_int8"));

    /// <summary>Whether the kernels take <paramref name="values"/>: bf16 on CUDA, fused kernels on, an extension new
    /// enough to have them.</summary>
    public static bool Applies(Tensor values) => FusedKernels.Applies(values) && Built.Value;

    /// <summary>bf16 <paramref name="values"/> [..., D] (packed) into int8 <paramref name="codes"/> of its sizes and
    /// float32 <paramref name="scales"/> (one per D-vector), both packed.</summary>
    public static void Encode(Tensor values, Tensor codes, Tensor scales) =>
        NativeExtension.Check(((delegate* unmanaged<IntPtr, IntPtr, IntPtr, int>)NativeExtension.Export("lax_kv_quantize_int8"))(
            values.Handle, codes.Handle, scales.Handle), "8-bit KV encode");

    /// <summary>int8 <paramref name="codes"/> [..., D] and their <paramref name="scales"/> into bf16
    /// <paramref name="output"/> of the codes' sizes (packed; D a multiple of 8).</summary>
    public static void Decode(Tensor codes, Tensor scales, Tensor output) =>
        NativeExtension.Check(((delegate* unmanaged<IntPtr, IntPtr, IntPtr, int>)NativeExtension.Export("lax_kv_dequantize_int8"))(
            codes.Handle, scales.Handle, output.Handle), "8-bit KV decode");
}
