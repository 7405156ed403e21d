using System.Runtime.InteropServices;

namespace LiveAvatar.Engine.Native;

/// <summary>P/Invoke declarations for the shim (shim.h). Only this folder talks to native code.</summary>
internal static partial class NativeMethods
{
    internal const string Lib = "liveavatar_native";

    [DllImport(Lib)] internal static extern IntPtr la_last_error();
    [DllImport(Lib)] internal static extern void la_clear_error();
    [DllImport(Lib)] internal static extern int la_abi_version();
    [DllImport(Lib)] internal static extern void la_torch_version(out int major, out int minor, out int patch);
    [DllImport(Lib)] internal static extern int la_has_fused_sdpa();
    [DllImport(Lib)] internal static extern int la_has_float8();
    [DllImport(Lib)] internal static extern int la_built_with_cuda();
    [DllImport(Lib)] internal static extern IntPtr la_parallel_info();
    [DllImport(Lib)] internal static extern void la_set_num_threads(int n);
    [DllImport(Lib)] internal static extern int la_get_num_threads();
    [DllImport(Lib)] internal static extern void la_set_grad_enabled(int enabled);
    [DllImport(Lib)] internal static extern void la_free(IntPtr t);
    [DllImport(Lib)] internal static extern long la_live_count();

    [DllImport(Lib)] internal static extern int la_dim(TensorHandle t);
    [DllImport(Lib)] internal static extern int la_sizes(TensorHandle t, long[] output, int cap);
    [DllImport(Lib)] internal static extern int la_strides(TensorHandle t, long[] output, int cap);
    [DllImport(Lib)] internal static extern int la_dtype(TensorHandle t);
    [DllImport(Lib)] internal static extern int la_device(TensorHandle t, out int index);
    [DllImport(Lib)] internal static extern long la_numel(TensorHandle t);
    [DllImport(Lib)] internal static extern int la_is_contiguous(TensorHandle t);
    [DllImport(Lib)] internal static extern int la_is_pinned(TensorHandle t);
    [DllImport(Lib)] internal static extern IntPtr la_data_ptr(TensorHandle t);

    [DllImport(Lib)] internal static extern IntPtr la_empty(long[] shape, int ndim, int dtype, int dev, int idx, int pinned);
    [DllImport(Lib)] internal static extern IntPtr la_full(long[] shape, int ndim, double value, int dtype, int dev, int idx);
    [DllImport(Lib)] internal static extern IntPtr la_arange(double start, double end, double step, int dtype, int dev, int idx);
    [DllImport(Lib)] internal static extern IntPtr la_linspace(double start, double end, long steps, int dtype, int dev, int idx);
    [DllImport(Lib)] internal static extern IntPtr la_random(long[] shape, int ndim, int kind, ulong seed, int dtype, int dev, int idx);
    [DllImport(Lib)] internal static extern unsafe IntPtr la_from_host(void* data, long[] shape, int ndim, int srcDtype, int dtype, int dev, int idx);
    [DllImport(Lib)] internal static extern unsafe int la_to_host(TensorHandle t, void* dst, long nbytes);
    [DllImport(Lib)] internal static extern IntPtr la_to(TensorHandle t, int dtype, int dev, int idx, int nonBlocking, int copy);
    [DllImport(Lib)] internal static extern IntPtr la_pin_memory(TensorHandle t);
    [DllImport(Lib)] internal static extern IntPtr la_contiguous(TensorHandle t);
    [DllImport(Lib)] internal static extern IntPtr la_clone(TensorHandle t);
    [DllImport(Lib)] internal static extern int la_copy_(TensorHandle dst, TensorHandle src, int nonBlocking);
    [DllImport(Lib)] internal static extern int la_fill_(TensorHandle t, double value);
    [DllImport(Lib)] internal static extern double la_item(TensorHandle t);

    [DllImport(Lib)] internal static extern IntPtr la_reshape(TensorHandle t, long[] shape, int ndim);
    [DllImport(Lib)] internal static extern IntPtr la_view(TensorHandle t, long[] shape, int ndim);
    [DllImport(Lib)] internal static extern IntPtr la_permute(TensorHandle t, long[] dims, int ndim);
    [DllImport(Lib)] internal static extern IntPtr la_transpose(TensorHandle t, long d0, long d1);
    [DllImport(Lib)] internal static extern IntPtr la_narrow(TensorHandle t, long dim, long start, long length);
    [DllImport(Lib)] internal static extern IntPtr la_slice(TensorHandle t, long dim, long start, long end, long step);
    [DllImport(Lib)] internal static extern IntPtr la_select(TensorHandle t, long dim, long index);
    [DllImport(Lib)] internal static extern IntPtr la_squeeze(TensorHandle t, long dim);
    [DllImport(Lib)] internal static extern IntPtr la_unsqueeze(TensorHandle t, long dim);
    [DllImport(Lib)] internal static extern IntPtr la_flatten(TensorHandle t, long start, long end);
    [DllImport(Lib)] internal static extern IntPtr la_expand(TensorHandle t, long[] shape, int ndim);
    [DllImport(Lib)] internal static extern IntPtr la_repeat(TensorHandle t, long[] repeats, int ndim);
    [DllImport(Lib)] internal static extern IntPtr la_repeat_interleave(TensorHandle t, long repeats, long dim);
    [DllImport(Lib)] internal static extern IntPtr la_cat(IntPtr[] ts, int n, long dim);
    [DllImport(Lib)] internal static extern IntPtr la_stack(IntPtr[] ts, int n, long dim);
    [DllImport(Lib)] internal static extern int la_split(TensorHandle t, long[] sizes, int n, long dim, IntPtr[] output);
    [DllImport(Lib)] internal static extern IntPtr la_index_select(TensorHandle t, long dim, TensorHandle index);
    [DllImport(Lib)] internal static extern IntPtr la_gather(TensorHandle t, long dim, TensorHandle index);
    [DllImport(Lib)] internal static extern IntPtr la_masked_fill(TensorHandle t, TensorHandle mask, double value);
    [DllImport(Lib)] internal static extern IntPtr la_where(TensorHandle cond, TensorHandle a, TensorHandle b);
    [DllImport(Lib)] internal static extern IntPtr la_flip(TensorHandle t, long[] dims, int ndim);
    [DllImport(Lib)] internal static extern IntPtr la_roll(TensorHandle t, long shift, long dim);
    [DllImport(Lib)] internal static extern IntPtr la_view_as_complex(TensorHandle t);
    [DllImport(Lib)] internal static extern IntPtr la_view_as_real(TensorHandle t);
    [DllImport(Lib)] internal static extern IntPtr la_tril(TensorHandle t, long diagonal);

    [DllImport(Lib)] internal static extern IntPtr la_unary(int op, TensorHandle t);
    [DllImport(Lib)] internal static extern IntPtr la_binary(int op, TensorHandle a, TensorHandle b);
    [DllImport(Lib)] internal static extern IntPtr la_binary_scalar(int op, TensorHandle a, double s);
    [DllImport(Lib)] internal static extern IntPtr la_scalar_binary(int op, double s, TensorHandle b);
    [DllImport(Lib)] internal static extern int la_binary_(int op, TensorHandle a, TensorHandle b);
    [DllImport(Lib)] internal static extern int la_binary_scalar_(int op, TensorHandle a, double s);
    [DllImport(Lib)] internal static extern IntPtr la_clamp(TensorHandle t, double lo, double hi, int hasLo, int hasHi);
    [DllImport(Lib)] internal static extern IntPtr la_softmax(TensorHandle t, long dim, int dtype);
    [DllImport(Lib)] internal static extern IntPtr la_log_softmax(TensorHandle t, long dim);
    [DllImport(Lib)] internal static extern IntPtr la_lerp(TensorHandle a, TensorHandle b, double w);
    [DllImport(Lib)] internal static extern IntPtr la_addcmul(TensorHandle t, TensorHandle a, TensorHandle b, double value);

    [DllImport(Lib)] internal static extern IntPtr la_reduce(int op, TensorHandle t, long[] dims, int ndim, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr la_argmax(TensorHandle t, long dim, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr la_cumsum(TensorHandle t, long dim);

    [DllImport(Lib)] internal static extern IntPtr la_matmul(TensorHandle a, TensorHandle b);
    [DllImport(Lib)] internal static extern IntPtr la_bmm(TensorHandle a, TensorHandle b);
    [DllImport(Lib)] internal static extern IntPtr la_addmm(TensorHandle bias, TensorHandle a, TensorHandle b, double beta, double alpha);
    [DllImport(Lib)] internal static extern IntPtr la_linear(TensorHandle x, TensorHandle w, TensorHandle b);
    [DllImport(Lib)] internal static extern IntPtr la_outer(TensorHandle a, TensorHandle b);
    [DllImport(Lib)] internal static extern IntPtr la_scaled_mm(TensorHandle a, TensorHandle b, TensorHandle sa, TensorHandle sb, TensorHandle bias, int outDtype, int fastAccum);

    [DllImport(Lib)] internal static extern IntPtr la_conv(TensorHandle x, TensorHandle w, TensorHandle b, long[] stride, long[] padding, long[] dilation, int nspatial, long groups);
    [DllImport(Lib)] internal static extern IntPtr la_layer_norm(TensorHandle x, long[] shape, int ndim, TensorHandle w, TensorHandle b, double eps);
    [DllImport(Lib)] internal static extern IntPtr la_group_norm(TensorHandle x, long groups, TensorHandle w, TensorHandle b, double eps);
    [DllImport(Lib)] internal static extern IntPtr la_pad(TensorHandle x, long[] pads, int npads, int mode, double value);
    [DllImport(Lib)] internal static extern IntPtr la_interpolate(TensorHandle x, int mode, long[] sizes, double[]? scales, int nspatial, int alignCorners);
    [DllImport(Lib)] internal static extern IntPtr la_sdpa(TensorHandle q, TensorHandle k, TensorHandle v, TensorHandle mask, double scale, int isCausal);
    [DllImport(Lib)] internal static extern IntPtr la_rope_pairs(TensorHandle x, TensorHandle cos, TensorHandle sin);

    [DllImport(Lib)] internal static extern int la_cuda_available();
    [DllImport(Lib)] internal static extern int la_cuda_device_count();
    [DllImport(Lib)] internal static extern int la_cuda_synchronize(int dev);
    [DllImport(Lib)] internal static extern int la_cuda_mem_info(int dev, out long free, out long total);
    [DllImport(Lib)] internal static extern int la_cuda_mem_stats(int dev, long[] out4);
    [DllImport(Lib)] internal static extern int la_cuda_reset_peak(int dev);
    [DllImport(Lib)] internal static extern int la_cuda_set_memory_fraction(double fraction, int dev);
    [DllImport(Lib)] internal static extern int la_cuda_empty_cache();
    [DllImport(Lib)] internal static extern int la_cuda_device_name(int dev, byte[] buf, int cap);
    [DllImport(Lib)] internal static extern IntPtr la_stream_create(int dev, int highPriority);
    [DllImport(Lib)] internal static extern IntPtr la_stream_current(int dev);
    [DllImport(Lib)] internal static extern int la_stream_set_current(IntPtr s);
    [DllImport(Lib)] internal static extern int la_stream_synchronize(IntPtr s);
    [DllImport(Lib)] internal static extern void la_stream_free(IntPtr s);
    [DllImport(Lib)] internal static extern IntPtr la_event_create(int timing);
    [DllImport(Lib)] internal static extern int la_event_record(IntPtr e, IntPtr s);
    [DllImport(Lib)] internal static extern int la_event_synchronize(IntPtr e);
    [DllImport(Lib)] internal static extern int la_stream_wait_event(IntPtr s, IntPtr e);
    [DllImport(Lib)] internal static extern double la_event_elapsed_ms(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern void la_event_free(IntPtr e);
}
