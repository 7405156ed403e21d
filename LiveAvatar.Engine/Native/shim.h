// Plain C ABI over ATen. Every function that can fail returns NULL (or -1) and leaves the libtorch
// message in la_last_error(); the C# side turns that into a TorchException. Tensors cross the
// boundary as opaque heap-allocated at::Tensor handles released with la_free.
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LA_API __attribute__((visibility("default")))

typedef struct la_tensor_s* la_tensor;

// dtype codes (stable, ours; mapped to c10::ScalarType inside)
enum { LA_U8 = 0, LA_I32 = 1, LA_I64 = 2, LA_F16 = 3, LA_BF16 = 4, LA_F32 = 5, LA_F64 = 6, LA_BOOL = 7,
       LA_F8E4M3 = 8, LA_C64 = 9, LA_I8 = 10, LA_F8E5M2 = 11 };
// device type codes
enum { LA_CPU = 0, LA_CUDA = 1, LA_META = 2 };

// ---- errors, library, lifetime ----
LA_API const char* la_last_error(void);
LA_API void la_clear_error(void);
LA_API int la_abi_version(void);
LA_API void la_torch_version(int* major, int* minor, int* patch);
LA_API int la_has_fused_sdpa(void);
LA_API int la_has_float8(void);
LA_API int la_built_with_cuda(void);
LA_API const char* la_parallel_info(void);
LA_API void la_set_num_threads(int n);
LA_API int la_get_num_threads(void);
LA_API void la_set_grad_enabled(int enabled);
LA_API void la_free(la_tensor t);
LA_API int64_t la_live_count(void);

// ---- metadata ----
LA_API int la_dim(la_tensor t);
LA_API int la_sizes(la_tensor t, int64_t* out, int cap);
LA_API int la_strides(la_tensor t, int64_t* out, int cap);
LA_API int la_dtype(la_tensor t);
LA_API int la_device(la_tensor t, int* index);
LA_API int64_t la_numel(la_tensor t);
LA_API int la_is_contiguous(la_tensor t);
LA_API int la_is_pinned(la_tensor t);
LA_API void* la_data_ptr(la_tensor t);

// ---- creation and copies ----
LA_API la_tensor la_empty(const int64_t* shape, int ndim, int dtype, int dev, int dev_index, int pinned);
LA_API la_tensor la_full(const int64_t* shape, int ndim, double value, int dtype, int dev, int dev_index);
LA_API la_tensor la_arange(double start, double end, double step, int dtype, int dev, int dev_index);
LA_API la_tensor la_linspace(double start, double end, int64_t steps, int dtype, int dev, int dev_index);
// Normal (kind 0) or uniform [0,1) (kind 1) noise drawn on the CPU from a generator seeded with seed,
// then moved: the same seed gives the same numbers on every device.
LA_API la_tensor la_random(const int64_t* shape, int ndim, int kind, uint64_t seed, int dtype, int dev, int dev_index);
// Copies host memory (dtype src_dtype, contiguous) into a new tensor of dtype/device.
LA_API la_tensor la_from_host(const void* data, const int64_t* shape, int ndim, int src_dtype,
                              int dtype, int dev, int dev_index);
LA_API int la_to_host(la_tensor t, void* dst, int64_t nbytes);
LA_API la_tensor la_to(la_tensor t, int dtype, int dev, int dev_index, int non_blocking, int copy);
LA_API la_tensor la_pin_memory(la_tensor t);
LA_API la_tensor la_contiguous(la_tensor t);
LA_API la_tensor la_clone(la_tensor t);
LA_API int la_copy_(la_tensor dst, la_tensor src, int non_blocking);
LA_API int la_fill_(la_tensor t, double value);
LA_API double la_item(la_tensor t);

// ---- views and indexing ----
LA_API la_tensor la_reshape(la_tensor t, const int64_t* shape, int ndim);
LA_API la_tensor la_view(la_tensor t, const int64_t* shape, int ndim);
LA_API la_tensor la_permute(la_tensor t, const int64_t* dims, int ndim);
LA_API la_tensor la_transpose(la_tensor t, int64_t d0, int64_t d1);
LA_API la_tensor la_narrow(la_tensor t, int64_t dim, int64_t start, int64_t length);
LA_API la_tensor la_slice(la_tensor t, int64_t dim, int64_t start, int64_t end, int64_t step);
LA_API la_tensor la_select(la_tensor t, int64_t dim, int64_t index);
LA_API la_tensor la_squeeze(la_tensor t, int64_t dim);
LA_API la_tensor la_unsqueeze(la_tensor t, int64_t dim);
LA_API la_tensor la_flatten(la_tensor t, int64_t start, int64_t end);
LA_API la_tensor la_expand(la_tensor t, const int64_t* shape, int ndim);
LA_API la_tensor la_repeat(la_tensor t, const int64_t* repeats, int ndim);
LA_API la_tensor la_repeat_interleave(la_tensor t, int64_t repeats, int64_t dim);
LA_API la_tensor la_cat(const la_tensor* ts, int n, int64_t dim);
LA_API la_tensor la_stack(const la_tensor* ts, int n, int64_t dim);
LA_API int la_split(la_tensor t, const int64_t* sizes, int n, int64_t dim, la_tensor* out);
LA_API la_tensor la_index_select(la_tensor t, int64_t dim, la_tensor index);
LA_API la_tensor la_gather(la_tensor t, int64_t dim, la_tensor index);
LA_API la_tensor la_masked_fill(la_tensor t, la_tensor mask, double value);
LA_API la_tensor la_where(la_tensor cond, la_tensor a, la_tensor b);
LA_API la_tensor la_flip(la_tensor t, const int64_t* dims, int ndim);
LA_API la_tensor la_roll(la_tensor t, int64_t shift, int64_t dim);
LA_API la_tensor la_view_as_complex(la_tensor t);
LA_API la_tensor la_view_as_real(la_tensor t);
LA_API la_tensor la_tril(la_tensor t, int64_t diagonal);

// ---- elementwise ----
enum { LA_NEG, LA_EXP, LA_LOG, LA_SQRT, LA_RSQRT, LA_ABS, LA_SIN, LA_COS, LA_TANH, LA_SIGMOID, LA_SILU,
       LA_RELU, LA_GELU, LA_GELU_TANH, LA_RECIPROCAL, LA_FLOOR, LA_ROUND, LA_SQUARE, LA_LOGICAL_NOT,
       LA_SIGN, LA_ISNAN, LA_ISFINITE, LA_CEIL, LA_TRUNC };
LA_API la_tensor la_unary(int op, la_tensor t);
enum { LA_ADD, LA_SUB, LA_MUL, LA_DIV, LA_POW, LA_MAXIMUM, LA_MINIMUM, LA_EQ, LA_NE, LA_LT, LA_LE, LA_GT,
       LA_GE, LA_LOGICAL_AND, LA_LOGICAL_OR, LA_REMAINDER, LA_ATAN2, LA_FLOOR_DIVIDE };
LA_API la_tensor la_binary(int op, la_tensor a, la_tensor b);
LA_API la_tensor la_binary_scalar(int op, la_tensor a, double s);
LA_API la_tensor la_scalar_binary(int op, double s, la_tensor b);
LA_API int la_binary_(int op, la_tensor a, la_tensor b);        // in place on a
LA_API int la_binary_scalar_(int op, la_tensor a, double s);    // in place on a
LA_API la_tensor la_clamp(la_tensor t, double lo, double hi, int has_lo, int has_hi);
LA_API la_tensor la_softmax(la_tensor t, int64_t dim, int dtype);
LA_API la_tensor la_log_softmax(la_tensor t, int64_t dim);
LA_API la_tensor la_lerp(la_tensor a, la_tensor b, double w);
LA_API la_tensor la_addcmul(la_tensor t, la_tensor a, la_tensor b, double value);

// ---- reductions ----
enum { LA_SUM, LA_MEAN, LA_AMAX, LA_AMIN, LA_PROD, LA_VAR, LA_STD, LA_ANY, LA_ALL, LA_NORM2 };
LA_API la_tensor la_reduce(int op, la_tensor t, const int64_t* dims, int ndim, int keepdim);
LA_API la_tensor la_argmax(la_tensor t, int64_t dim, int keepdim);
LA_API la_tensor la_cumsum(la_tensor t, int64_t dim);

// ---- linear algebra ----
LA_API la_tensor la_matmul(la_tensor a, la_tensor b);
LA_API la_tensor la_bmm(la_tensor a, la_tensor b);
LA_API la_tensor la_addmm(la_tensor bias, la_tensor a, la_tensor b, double beta, double alpha);
LA_API la_tensor la_linear(la_tensor x, la_tensor w, la_tensor b /* nullable */);
LA_API la_tensor la_outer(la_tensor a, la_tensor b);
// FP8: out = (a @ b) * scale_a * scale_b in out_dtype, a row-major e4m3 and b column-major e4m3.
LA_API la_tensor la_scaled_mm(la_tensor a, la_tensor b, la_tensor scale_a, la_tensor scale_b,
                              la_tensor bias, int out_dtype, int fast_accum);

// ---- neural network ----
LA_API la_tensor la_conv(la_tensor x, la_tensor w, la_tensor b, const int64_t* stride, const int64_t* padding,
                         const int64_t* dilation, int nspatial, int64_t groups);
LA_API la_tensor la_layer_norm(la_tensor x, const int64_t* shape, int ndim, la_tensor w, la_tensor b, double eps);
LA_API la_tensor la_group_norm(la_tensor x, int64_t groups, la_tensor w, la_tensor b, double eps);
enum { LA_PAD_CONSTANT, LA_PAD_REPLICATE, LA_PAD_REFLECT };
LA_API la_tensor la_pad(la_tensor x, const int64_t* pads, int npads, int mode, double value);
enum { LA_INTERP_NEAREST, LA_INTERP_NEAREST_EXACT, LA_INTERP_LINEAR, LA_INTERP_BILINEAR, LA_INTERP_TRILINEAR,
       LA_INTERP_BICUBIC };
// sizes: output sizes (nspatial); scales: optional (nullable) per-dim scale factors passed to the kernel
LA_API la_tensor la_interpolate(la_tensor x, int mode, const int64_t* sizes, const double* scales, int nspatial,
                                int align_corners);
// q [B,N,Lq,D], k/v [B,N,Lk,D]; mask nullable (bool: true keeps; float: added); scale <= 0 means 1/sqrt(D)
LA_API la_tensor la_sdpa(la_tensor q, la_tensor k, la_tensor v, la_tensor mask, double scale, int is_causal);
// x [..., D] with D even, pairs (x[2j], x[2j+1]); cos/sin broadcast to [..., D/2]. Computed in fp32 (fp64 input: fp64).
LA_API la_tensor la_rope_pairs(la_tensor x, la_tensor cos, la_tensor sin);

// ---- CUDA ----
LA_API int la_cuda_available(void);
LA_API int la_cuda_device_count(void);
LA_API int la_cuda_synchronize(int dev_index);
LA_API int la_cuda_mem_info(int dev_index, int64_t* free_bytes, int64_t* total_bytes);
// out: allocated, reserved, peak allocated, peak reserved (bytes)
LA_API int la_cuda_mem_stats(int dev_index, int64_t* out4);
LA_API int la_cuda_reset_peak(int dev_index);
LA_API int la_cuda_set_memory_fraction(double fraction, int dev_index);
LA_API int la_cuda_empty_cache(void);
LA_API int la_cuda_device_name(int dev_index, char* buf, int cap);
typedef struct la_stream_s* la_stream;
typedef struct la_event_s* la_event;
LA_API la_stream la_stream_create(int dev_index, int high_priority);
LA_API la_stream la_stream_current(int dev_index);
LA_API int la_stream_set_current(la_stream s);
LA_API int la_stream_synchronize(la_stream s);
LA_API void la_stream_free(la_stream s);
LA_API la_event la_event_create(int timing);
LA_API int la_event_record(la_event e, la_stream s);
LA_API int la_event_synchronize(la_event e);
LA_API int la_stream_wait_event(la_stream s, la_event e);
LA_API double la_event_elapsed_ms(la_event start, la_event end);
LA_API void la_event_free(la_event e);

#ifdef __cplusplus
}
#endif
