// Fused elementwise kernels of the DiT block. Unfused, each of these is 4 to 9 PyTorch kernels that read and write
// the whole [tokens, 5120] activation in fp32 (≈ 150 small kernels per layer, half the forward's time on an H200).
// Each kernel below reads its inputs once and writes once, doing the same float32 operations in the same order as
// the unfused code (explicit _rn intrinsics keep the compiler from contracting a*b+c into one rounding), so the
// results match it to the last bit except for reduction order inside the norms.
//
// Plain CUDA without ATen headers (fast to compile); fused_dit.cpp checks tensors and calls the launchers below on
// the current CUDA stream.
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace {
constexpr int kThreads = 256;
constexpr int kMaxPerThread = 32;  // row width up to 256 · 32 = 8192

__device__ __forceinline__ float as_float(float v) { return v; }
__device__ __forceinline__ float as_float(__nv_bfloat16 v) { return __bfloat162float(v); }
__device__ __forceinline__ float round_to_bf16(float v) { return __bfloat162float(__float2bfloat16_rn(v)); }

// Sum over the block's kThreads threads; every thread gets the total.
__device__ float block_sum(float v, float* shared) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  __syncthreads();  // the previous call's readers are done with shared
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  float total = 0.f;
#pragma unroll
  for (int w = 0; w < kThreads / 32; ++w) total += shared[w];
  return total;
}

// One block per token row: LayerNorm without affine in float32 (two-pass variance, as stable as PyTorch's), then
// y = norm · (1 + mul[r]) + add[r] (one_plus) or norm · mul[r] + add[r], r = token / tokens_per_row; bf16 out.
template <typename TIn>
// With addend (x float32 only): x += addend first, written back into x (the residual's in-place add of the
// cross-attention output, which otherwise is a pass of its own over the float32 residual), then the norm of the sum.
__global__ void layer_norm_modulate_kernel(TIn* __restrict__ x, int width, float eps, int round_input,
                                           const float* __restrict__ mul, const float* __restrict__ add, int one_plus,
                                           long tokens_per_row, const __nv_bfloat16* __restrict__ addend,
                                           __nv_bfloat16* __restrict__ out) {
  __shared__ float shared[kThreads / 32];
  const long token = blockIdx.x;
  TIn* row = x + token * width;
  const __nv_bfloat16* extra = addend ? addend + token * width : nullptr;
  float v[kMaxPerThread];
  float sum = 0.f;
#pragma unroll
  for (int i = 0; i < kMaxPerThread; ++i) {
    const int c = threadIdx.x + i * kThreads;
    v[i] = 0.f;
    if (c < width) {
      float f = as_float(row[c]);
      if constexpr (sizeof(TIn) == 4) {
        if (extra) {
          f = __fadd_rn(f, __bfloat162float(extra[c]));
          row[c] = f;
        }
      }
      if (round_input) f = round_to_bf16(f);
      v[i] = f;
      sum += f;
    }
  }
  const float mean = block_sum(sum, shared) / width;
  float squares = 0.f;
#pragma unroll
  for (int i = 0; i < kMaxPerThread; ++i) {
    const int c = threadIdx.x + i * kThreads;
    if (c < width) {
      const float d = v[i] - mean;
      squares += d * d;
    }
  }
  const float rstd = rsqrtf(block_sum(squares, shared) / width + eps);
  const long r = token / tokens_per_row;
  const float* m = mul ? mul + r * width : nullptr;
  const float* a = add ? add + r * width : nullptr;
  __nv_bfloat16* o = out + token * width;
#pragma unroll
  for (int i = 0; i < kMaxPerThread; ++i) {
    const int c = threadIdx.x + i * kThreads;
    if (c < width) {
      float y = __fmul_rn(v[i] - mean, rstd);
      if (m) y = __fmul_rn(y, one_plus ? __fadd_rn(1.f, m[c]) : m[c]);
      if (a) y = __fadd_rn(y, a[c]);
      o[c] = __float2bfloat16_rn(y);
    }
  }
}

// out = float(x) + float(y) · gate[r] for every element, r = token / tokens_per_row; out float32 or bf16.
template <typename TX, typename TY, typename TOut>
__global__ void gate_residual_kernel(const TX* __restrict__ x, const TY* __restrict__ y, const float* __restrict__ gate,
                                     long total, int width, long tokens_per_row, TOut* __restrict__ out) {
  for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < total; i += (long)gridDim.x * blockDim.x) {
    const long token = i / width;
    const int c = (int)(i - token * width);
    const float g = gate[(token / tokens_per_row) * width + c];
    const float value = __fadd_rn(as_float(x[i]), __fmul_rn(as_float(y[i]), g));
    if constexpr (sizeof(TOut) == 4) out[i] = value;
    else out[i] = __float2bfloat16_rn(value);
  }
}

// One block per token row of bf16 pairs. Optional WanRMSNorm over the full row (x·rsqrt(mean(x²)+eps) rounded to
// bf16, then ·weight rounded to bf16, as the module does in bf16), then optional RoPE on adjacent pairs with the
// token's cos/sin [half_head] (pair j of head h uses factor j), rounded to bf16.
__global__ void rms_norm_rope_kernel(const __nv_bfloat16* __restrict__ x, long x_row_stride, int width, int normalize,
                                     const __nv_bfloat16* __restrict__ weight, float eps, const float* __restrict__ cos,
                                     const float* __restrict__ sin, int half_head, __nv_bfloat16* __restrict__ out,
                                     long out_row_stride) {
  __shared__ float shared[kThreads / 32];
  const long token = blockIdx.x;
  const __nv_bfloat162* row = reinterpret_cast<const __nv_bfloat162*>(x + token * x_row_stride);
  const int pairs = width / 2;
  float a[kMaxPerThread / 2], b[kMaxPerThread / 2];
  float squares = 0.f;
#pragma unroll
  for (int i = 0; i < kMaxPerThread / 2; ++i) {
    const int p = threadIdx.x + i * kThreads;
    a[i] = b[i] = 0.f;
    if (p < pairs) {
      const __nv_bfloat162 pair = row[p];
      a[i] = __low2float(pair);
      b[i] = __high2float(pair);
      squares += a[i] * a[i] + b[i] * b[i];
    }
  }
  float rstd = 1.f;
  if (normalize) rstd = rsqrtf(block_sum(squares, shared) / width + eps);
  const float* c_row = cos ? cos + token * half_head : nullptr;
  const float* s_row = sin ? sin + token * half_head : nullptr;
  __nv_bfloat162* o = reinterpret_cast<__nv_bfloat162*>(out + token * out_row_stride);
#pragma unroll
  for (int i = 0; i < kMaxPerThread / 2; ++i) {
    const int p = threadIdx.x + i * kThreads;
    if (p < pairs) {
      float x0 = a[i], x1 = b[i];
      if (normalize) {
        x0 = round_to_bf16(__fmul_rn(x0, rstd));
        x1 = round_to_bf16(__fmul_rn(x1, rstd));
        if (weight) {
          x0 = round_to_bf16(__fmul_rn(x0, __bfloat162float(weight[2 * p])));
          x1 = round_to_bf16(__fmul_rn(x1, __bfloat162float(weight[2 * p + 1])));
        }
      }
      if (c_row) {
        const int j = p % half_head;
        const float cs = c_row[j], sn = s_row[j];
        const float r0 = __fsub_rn(__fmul_rn(x0, cs), __fmul_rn(x1, sn));
        const float r1 = __fadd_rn(__fmul_rn(x0, sn), __fmul_rn(x1, cs));
        x0 = r0;
        x1 = r1;
      }
      o[p] = __floats2bfloat162_rn(x0, x1);
    }
  }
}

int grid_for(long total) {
  long blocks = (total + kThreads - 1) / kThreads;
  return (int)(blocks < 65535L * 8 ? blocks : 65535L * 8);
}
}  // namespace

// Launchers: 0 on success, else a cudaError_t. Types: 0 = float32, 1 = bfloat16.
// addend: bf16 added into x (float32) before the norm, or null.
extern "C" int lax_launch_layer_norm_modulate(void* x, int x_is_bf16, long tokens, int width, float eps,
                                              int round_input, const float* mul, const float* add, int one_plus,
                                              long tokens_per_row, const void* addend, void* out, cudaStream_t stream) {
  auto* o = static_cast<__nv_bfloat16*>(out);
  auto* extra = static_cast<const __nv_bfloat16*>(addend);
  if (x_is_bf16) {
    if (extra) return (int)cudaErrorInvalidValue;
    layer_norm_modulate_kernel<<<tokens, kThreads, 0, stream>>>(static_cast<__nv_bfloat16*>(x), width, eps,
                                                               round_input, mul, add, one_plus, tokens_per_row, nullptr, o);
  } else {
    layer_norm_modulate_kernel<<<tokens, kThreads, 0, stream>>>(static_cast<float*>(x), width, eps, round_input,
                                                               mul, add, one_plus, tokens_per_row, extra, o);
  }
  return (int)cudaGetLastError();
}

extern "C" int lax_launch_gate_residual(const void* x, int x_is_bf16, const void* y, int y_is_bf16, const float* gate,
                                        long total, int width, long tokens_per_row, void* out, int out_is_bf16,
                                        cudaStream_t stream) {
  const int grid = grid_for(total);
  using bf = __nv_bfloat16;
#define LAX_GATE(TX, TY, TO)                                                                                    \
  gate_residual_kernel<TX, TY, TO><<<grid, kThreads, 0, stream>>>(static_cast<const TX*>(x), static_cast<const TY*>(y), \
                                                                  gate, total, width, tokens_per_row, static_cast<TO*>(out))
  if (x_is_bf16 && y_is_bf16 && out_is_bf16) LAX_GATE(bf, bf, bf);
  else if (x_is_bf16 && y_is_bf16) LAX_GATE(bf, bf, float);
  else if (x_is_bf16 && out_is_bf16) LAX_GATE(bf, float, bf);
  else if (x_is_bf16) LAX_GATE(bf, float, float);
  else if (y_is_bf16 && out_is_bf16) LAX_GATE(float, bf, bf);
  else if (y_is_bf16) LAX_GATE(float, bf, float);
  else if (out_is_bf16) LAX_GATE(float, float, bf);
  else LAX_GATE(float, float, float);
#undef LAX_GATE
  return (int)cudaGetLastError();
}

extern "C" int lax_launch_rms_norm_rope(const void* x, long x_row_stride, long tokens, int width, int normalize,
                                        const void* weight, float eps, const float* cos, const float* sin,
                                        int half_head, void* out, long out_row_stride, cudaStream_t stream) {
  rms_norm_rope_kernel<<<tokens, kThreads, 0, stream>>>(
      static_cast<const __nv_bfloat16*>(x), x_row_stride, width, normalize, static_cast<const __nv_bfloat16*>(weight),
      eps, cos, sin, half_head, static_cast<__nv_bfloat16*>(out), out_row_stride);
  return (int)cudaGetLastError();
}

extern "C" int lax_fused_max_width() { return kThreads * kMaxPerThread; }
