using TorchSharp;

namespace LiveAvatar.Engine.Native;

/// <summary>
/// FP8 E4M3 through the native extension. TorchSharp 0.107 has no float8 dtype, so FP8 data is a uint8 tensor
/// holding the E4M3 bytes; the extension reinterprets it without a copy.
/// </summary>
public static unsafe class Float8
{
    /// <summary>FP8 GEMM needs the extension, CUDA, a libtorch with _scaled_mm and a GPU of compute capability 8.9+.</summary>
    public static bool IsSupported(torch.Device device, out string why)
    {
        if (device.type != DeviceType.CUDA) { why = "FP8 runs on CUDA GPUs only (Ada or Hopper and newer)"; return false; }
        if (!NativeExtension.IsAvailable) { why = NativeExtension.UnavailableReason!; return false; }
        if (!NativeExtension.HasCuda) { why = $"the native extension was built against a CPU-only libtorch ({NativeExtension.BuiltAgainst})"; return false; }
        try
        {
            // The real check: a tiny scaled GEMM on the device (fails on GPUs below compute capability 8.9).
            using var scope = torch.NewDisposeScope();
            var a = QuantizeE4M3(torch.ones(16, 16, device: device), torch.ones(1, device: device));
            var b = QuantizeE4M3(torch.ones(16, 16, device: device), torch.ones(1, device: device));
            var one = torch.ones(1, device: device);
            var y = ScaledMm(a, b.t(), one, one, null, torch.ScalarType.BFloat16);
            var v = y[0, 0].to_type(torch.ScalarType.Float32).cpu().item<float>();
            if (Math.Abs(v - 16f) > 1e-3) { why = $"the FP8 self-check computed {v} instead of 16"; return false; }
        }
        catch (Exception e)
        {
            why = $"FP8 scaled matmul failed on {device}: {e.Message}";
            return false;
        }
        why = "";
        return true;
    }

    public static torch.Tensor QuantizeE4M3(torch.Tensor x, torch.Tensor scale) =>
        NativeExtension.WrapTensor(((delegate* unmanaged<IntPtr, IntPtr, IntPtr>)NativeExtension.Export("lax_f8_quantize_e4m3"))(x.Handle, scale.Handle), "float8 quantize");

    /// <summary>max |x| as a float32 scalar, in one reduction.</summary>
    public static torch.Tensor AbsMax(torch.Tensor x) =>
        NativeExtension.WrapTensor(((delegate* unmanaged<IntPtr, IntPtr>)NativeExtension.Export("lax_abs_max"))(x.Handle), "abs max");

    /// <summary><see cref="QuantizeE4M3"/> for a scale made from <paramref name="x"/>'s own amax: the same bytes in two
    /// kernels instead of four (no separate widening cast, no clamp, which such a scale never needs).</summary>
    public static torch.Tensor QuantizeE4M3AmaxScaled(torch.Tensor x, torch.Tensor scale) =>
        NativeExtension.WrapTensor(((delegate* unmanaged<IntPtr, IntPtr, IntPtr>)NativeExtension.Export("lax_f8_quantize_e4m3_amax_scaled"))(x.Handle, scale.Handle), "float8 quantize");

    /// <summary>x [M, K] (float32 or bf16, on CUDA) → (e4m3 bytes of x·scale as uint8 [M + padRows, K] with zero pad
    /// rows, 1/scale as a float32 scalar), scale = min(448 / max(amax, 1e-12), 448), in two kernels (one reduction, one
    /// pass) with the scale derived on the device: the bytes and scale of the op-by-op composite.</summary>
    public static (torch.Tensor Q, torch.Tensor Inverse) QuantizePerTensor(torch.Tensor x, long padRows = 0)
    {
        IntPtr q = IntPtr.Zero, inverse = IntPtr.Zero;
        var rc = ((delegate* unmanaged<IntPtr, long, IntPtr*, IntPtr*, int>)NativeExtension.Export("lax_f8_quantize_per_tensor"))(
            x.Handle, padRows, &q, &inverse);
        NativeExtension.Check(rc, "float8 per-tensor quantize");
        return (torch.Tensor.UnsafeCreateTensor(q), torch.Tensor.UnsafeCreateTensor(inverse));
    }

    /// <summary><see cref="QuantizePerTensor"/> of tanh-GELU(x) without making it: <paramref name="prologue"/> 1
    /// computes x + κx³ as a fused multiply-add (what nvcc makes of PyTorch's gelu by default), 2 rounds the product
    /// first; `selftest` says which matches this libtorch's gelu.</summary>
    public static (torch.Tensor Q, torch.Tensor Inverse) QuantizeGeluPerTensor(torch.Tensor x, long padRows, int prologue)
    {
        IntPtr q = IntPtr.Zero, inverse = IntPtr.Zero;
        var rc = ((delegate* unmanaged<IntPtr, long, int, IntPtr*, IntPtr*, int>)NativeExtension.Export("lax_f8_quantize_gelu_per_tensor"))(
            x.Handle, padRows, prologue, &q, &inverse);
        NativeExtension.Check(rc, "float8 per-tensor quantize of gelu(x)");
        return (torch.Tensor.UnsafeCreateTensor(q), torch.Tensor.UnsafeCreateTensor(inverse));
    }

    public static torch.Tensor DequantizeE4M3(torch.Tensor bytes, torch.ScalarType dtype) =>
        NativeExtension.WrapTensor(((delegate* unmanaged<IntPtr, int, IntPtr>)NativeExtension.Export("lax_f8_dequantize_e4m3"))(bytes.Handle, (int)dtype), "float8 dequantize");

    /// <summary>(a8 · scaleA) @ (b8 · scaleB) + bias in <paramref name="outDtype"/>; a8 row-major [M,K], b8 column-major [K,N].</summary>
    /// <summary>One FP8 linear in one call: x [M, K] (bf16 or float32) quantised per tensor (the fused kernels' bytes
    /// and scale), times the e4m3 weight w8 [N, K] (uint8 bytes, 1/scale <paramref name="weightInverse"/>), plus bias
    /// (bf16 [N] or null), through cuBLASLt with a cached plan → [M, N] in <paramref name="outDtype"/>.</summary>
    public static torch.Tensor Linear(torch.Tensor x, torch.Tensor w8, torch.Tensor weightInverse, torch.Tensor? bias, torch.ScalarType outDtype) =>
        NativeExtension.WrapTensor(((delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, int, IntPtr>)NativeExtension.Export("lax_f8_linear"))(
            x.Handle, w8.Handle, weightInverse.Handle, bias?.Handle ?? IntPtr.Zero, (int)outDtype), "FP8 linear");

    /// <summary>The GEMM of <see cref="Linear"/> for an activation quantised once by <see cref="QuantizePerTensor"/>
    /// (with its pad rows to a multiple of 16) and shared by several linears: dequant(q)[:m] · dequant(w8)ᵀ + bias →
    /// a new [m, N] tensor in <paramref name="outDtype"/>, or written into <paramref name="into"/> (contiguous, m·N
    /// elements, e.g. rows of a KV ring; its dtype wins), which is then what is returned.</summary>
    public static torch.Tensor Gemm(torch.Tensor q, torch.Tensor qInverse, long m, torch.Tensor w8, torch.Tensor weightInverse,
                                    torch.Tensor? bias, torch.ScalarType outDtype, torch.Tensor? into = null) =>
        NativeExtension.WrapTensor(((delegate* unmanaged<IntPtr, IntPtr, long, IntPtr, IntPtr, IntPtr, int, IntPtr, IntPtr>)NativeExtension.Export("lax_f8_gemm"))(
            q.Handle, qInverse.Handle, m, w8.Handle, weightInverse.Handle, bias?.Handle ?? IntPtr.Zero, (int)outDtype, into?.Handle ?? IntPtr.Zero), "FP8 GEMM");

    public static torch.Tensor ScaledMm(torch.Tensor a8, torch.Tensor b8, torch.Tensor scaleA, torch.Tensor scaleB, torch.Tensor? bias,
                                        torch.ScalarType outDtype, bool fastAccum = true) =>
        NativeExtension.WrapTensor(((delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, int, int, IntPtr>)NativeExtension.Export("lax_f8_scaled_mm"))(
            a8.Handle, b8.Handle, scaleA.Handle, scaleB.Handle, bias?.Handle ?? IntPtr.Zero, (int)outDtype, fastAccum ? 1 : 0), "float8 scaled matmul");
}
