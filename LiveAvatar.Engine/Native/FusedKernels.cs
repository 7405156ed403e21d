using TorchSharp;
using static TorchSharp.torch;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Native;

/// <summary>
/// The DiT block's fused elementwise kernels (native extension, fused_dit.cu): LayerNorm + modulation, gated
/// residual, and WanRMSNorm + RoPE, each one read and one write of the activation instead of 4–9 PyTorch kernels.
/// They do the unfused code's float32 operations in the same order; only the reductions inside the norms sum in
/// another order. Used for bf16 tensors on CUDA when the extension has them; everything else takes the unfused path.
/// Set LIVEAVATAR_FUSED=0 to force the unfused path (the benchmarks' "before").
/// </summary>
public static unsafe class FusedKernels
{
    private static readonly Lazy<bool> Present = new(() =>
    {
        if (Environment.GetEnvironmentVariable("LIVEAVATAR_FUSED") == "0") return false;
        if (!NativeExtension.IsAvailable || !NativeExtension.HasCuda) return false;
        try
        {
            return ((delegate* unmanaged<int>)NativeExtension.Export("lax_fused_available"))() == 1;
        }
        catch (NotSupportedException)
        {
            return false; // an extension built before the fused kernels
        }
    });

    [ThreadStatic] private static int _suspended;

    /// <summary>Whether the fused kernels exist in the loaded extension (and are not switched off).</summary>
    public static bool IsAvailable => Present.Value && _suspended == 0;

    /// <summary>Runs this thread's work on the unfused path until disposed (benchmarks and self-checks compare the
    /// two).</summary>
    public static IDisposable Suspend()
    {
        _suspended++;
        return new Resume();
    }

    private sealed class Resume : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _suspended--;
        }
    }

    /// <summary>Whether <paramref name="x"/> takes the fused path: bf16 on a CUDA device, kernels present.</summary>
    public static bool Applies(Tensor x) => x.dtype == ScalarType.BFloat16 && x.device_type == DeviceType.CUDA && IsAvailable;

    /// <summary>Like <see cref="Applies"/> for an activation that may be float32 or bf16.</summary>
    public static bool AppliesToActivation(Tensor x) =>
        x.dtype is ScalarType.BFloat16 or ScalarType.Float32 && x.device_type == DeviceType.CUDA && IsAvailable;

    private static readonly Lazy<bool> HasChannelNorm = new(() =>
        NativeExtension.HasExport("lax_fused_channel_rms_norm") && NativeExtension.HasExport("lax_fused_bias_residual"));

    /// <summary>Whether the VAE's channel RMS_norm (+ SiLU) kernel takes <paramref name="x"/>: bf16 on CUDA, and an
    /// extension new enough to have it.</summary>
    public static bool AppliesToChannelNorm(Tensor x) => Applies(x) && HasChannelNorm.Value;

    /// <summary>Whether the VAE's channel RMS_norm kernel is loaded (and the fused kernels not switched off).</summary>
    public static bool ChannelNormAvailable => IsAvailable && HasChannelNorm.Value;

    /// <summary>The Wan VAE's RMS_norm of bf16 x [N, C, ...] over C (x / max(‖x‖₂, 1e-12) · scale · gamma), then SiLU
    /// when <paramref name="silu"/>, into <paramref name="output"/> (x's sizes; may be a frame range of a larger
    /// buffer) or a new tensor. <paramref name="bias"/> [C], when given, is first added to x and rounded to bf16: the
    /// bias of the convolution that produced x, which then runs without it.</summary>
    public static Tensor ChannelRmsNorm(Tensor x, Tensor gamma, double scale, bool silu, Tensor? output = null, Tensor? bias = null)
    {
        // A copy only for a strided x (channels-last runs as it is); it belongs to the caller's dispose scope.
        var input = x.is_contiguous() || ChannelsLast.Is(x) ? x : x.contiguous();
        var result = output ?? torch.empty_like(input);
        var rc = ((delegate* unmanaged<IntPtr, IntPtr, IntPtr, double, int, IntPtr, int>)NativeExtension.Export("lax_fused_channel_rms_norm"))(
            input.Handle, bias?.Handle ?? IntPtr.Zero, gamma.Handle, scale, silu ? 1 : 0, result.Handle);
        if (rc < 0 && output is null) result.Dispose();
        NativeExtension.Check(rc, "fused VAE RMS_norm");
        return result;
    }

    /// <summary>bf16(bf16(y + bias) + h) for bf16 y and h [N, C, ...] and bias [C]: a VAE residual block's last
    /// convolution, run without its bias, finished with the bias and the shortcut in one pass.</summary>
    public static Tensor BiasResidual(Tensor y, Tensor bias, Tensor h)
    {
        using var scope = torch.NewDisposeScope();
        // Both channels-last, or both contiguous (the result keeps y's layout).
        var last = ChannelsLast.Is(y);
        var (a, b) = last ? (y, ChannelsLast.From(h)) : (y.contiguous(), h.contiguous());
        return NativeExtension.WrapTensor(((delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr>)NativeExtension.Export("lax_fused_bias_residual"))(
            a.Handle, bias.Handle, b.Handle), "fused VAE bias + residual").MoveToOuterDisposeScope();
    }

    /// <summary>bf16(LayerNorm(x) · (1 + scale) + shift): x [..., C] float32 or bf16; scale/shift [R, C]-viewable
    /// per consecutive run of tokens (R divides the token count).</summary>
    public static Tensor LayerNormModulate(Tensor x, Tensor scale, Tensor shift, double eps) =>
        LayerNorm(x, scale, shift, onePlus: true, roundInput: false, eps);

    /// <summary><paramref name="residual"/> += <paramref name="addend"/> in place (float32 residual, bf16 addend of
    /// its shape: exactly the unfused add_), then <see cref="LayerNormModulate"/> of the sum, in one pass.</summary>
    public static Tensor AddLayerNormModulate(Tensor residual, Tensor addend, Tensor scale, Tensor shift, double eps) =>
        NativeExtension.WrapTensor(((delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, double, IntPtr>)NativeExtension.Export("lax_fused_add_layer_norm_modulate"))(
            residual.Handle, addend.contiguous().Handle, scale.Handle, shift.Handle, eps), "fused add + layer norm");

    /// <summary>Whether the extension has <see cref="AddLayerNormModulate"/> (older builds do not).</summary>
    public static bool HasAddLayerNorm => AddLayerNormBuilt.Value;

    private static readonly Lazy<bool> AddLayerNormBuilt = new(() => NativeExtension.HasExport("lax_fused_add_layer_norm_modulate"));

    /// <summary>bf16(LayerNorm(x) · weight + bias) for one affine LayerNorm; <paramref name="roundInput"/> first
    /// rounds x to bf16 (the original's norm3 on a bf16 residual).</summary>
    public static Tensor LayerNormAffine(Tensor x, Tensor weight, Tensor bias, bool roundInput, double eps) =>
        LayerNorm(x, weight, bias, onePlus: false, roundInput, eps);

    private static Tensor LayerNorm(Tensor x, Tensor mul, Tensor add, bool onePlus, bool roundInput, double eps) =>
        NativeExtension.WrapTensor(((delegate* unmanaged<IntPtr, IntPtr, IntPtr, int, int, double, IntPtr>)NativeExtension.Export("lax_fused_layer_norm_modulate"))(
            x.contiguous().Handle, mul.Handle, add.Handle, onePlus ? 1 : 0, roundInput ? 1 : 0, eps), "fused layer norm");

    /// <summary>float(x) + float(y) · gate, gate [R, C]-viewable per consecutive run of tokens; float32, or bf16 when
    /// <paramref name="bf16Out"/> (the block's final cast folded in).</summary>
    public static Tensor GateResidual(Tensor x, Tensor y, Tensor gate, bool bf16Out = false) =>
        NativeExtension.WrapTensor(((delegate* unmanaged<IntPtr, IntPtr, IntPtr, int, IntPtr>)NativeExtension.Export("lax_fused_gate_residual"))(
            x.contiguous().Handle, y.contiguous().Handle, gate.Handle, bf16Out ? 1 : 0), "fused gated residual");

    /// <summary>WanRMSNorm of bf16 rows [..., C] (weight [C]) into a new tensor.</summary>
    public static Tensor RmsNorm(Tensor x, Tensor weight, double eps)
    {
        var output = torch.empty_like(x, dtype: ScalarType.BFloat16);
        RmsNormRope(x, weight, null, null, eps, normalize: true, output);
        return output;
    }

    /// <summary>WanRMSNorm (when <paramref name="normalize"/>; weight optional) then RoPE by cos/sin [T, D/2] (when
    /// given) of bf16 rows [T, ..., C], written into <paramref name="output"/> (same element count, viewable as rows:
    /// a slice of a cache is fine).</summary>
    public static void RmsNormRope(Tensor x, Tensor? weight, Tensor? cos, Tensor? sin, double eps, bool normalize, Tensor output)
    {
        var rc = ((delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, double, int, IntPtr, int>)NativeExtension.Export("lax_fused_rms_norm_rope"))(
            x.Handle, weight?.Handle ?? IntPtr.Zero, cos?.Handle ?? IntPtr.Zero, sin?.Handle ?? IntPtr.Zero, eps, normalize ? 1 : 0, output.Handle);
        NativeExtension.Check(rc, "fused RMSNorm/RoPE");
    }
}
