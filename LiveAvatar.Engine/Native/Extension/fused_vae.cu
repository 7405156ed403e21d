// Fused RMS_norm (+ SiLU) of the Wan VAE. Unfused, the module is F.normalize over the channel dimension, · √C, · gamma
// and then SiLU: seven or eight PyTorch kernels that each read and write the whole video activation, which at full
// resolution is 96 channels × 4 frames × 384 × 704 (200 MB in bf16) per latent decoded. Here each thread owns a few
// neighbouring positions and walks the channels twice (sum of squares, then the output), one read of the input from
// memory (the second pass mostly hits L2) and one write.
//
// Rounding follows the original's bf16 op sequence: the L2 norm accumulates in float32 and is rounded to bf16 (the
// norm kernel's output dtype), clamped at 1e-12, then x / norm, · scale, · gamma and SiLU each round to bf16 as the
// separate kernels do. Only the order of the channel sum may differ.
//
// Plain CUDA without ATen headers; fused_vae.cpp checks the tensors and calls the launcher on the current stream.
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace {
constexpr int kThreads = 256;

__device__ __forceinline__ float round_to_bf16(float v) { return __bfloat162float(__float2bfloat16_rn(v)); }

struct Bf16x4 {
  __nv_bfloat162 lo, hi;
};

template <int Vec>
struct Pack;

template <>
struct Pack<1> {
  __device__ static void load(const __nv_bfloat16* p, float* v) { v[0] = __bfloat162float(*p); }
  __device__ static void store(__nv_bfloat16* p, const float* v) { *p = __float2bfloat16_rn(v[0]); }
};

template <>
struct Pack<4> {
  __device__ static void load(const __nv_bfloat16* p, float* v) {
    const Bf16x4 q = *reinterpret_cast<const Bf16x4*>(p);
    v[0] = __low2float(q.lo);
    v[1] = __high2float(q.lo);
    v[2] = __low2float(q.hi);
    v[3] = __high2float(q.hi);
  }
  __device__ static void store(__nv_bfloat16* p, const float* v) {
    Bf16x4 q;
    q.lo = __floats2bfloat162_rn(v[0], v[1]);
    q.hi = __floats2bfloat162_rn(v[2], v[3]);
    *reinterpret_cast<Bf16x4*>(p) = q;
  }
};

// x [outer, channels, inner] contiguous; out element (n, c, p) at n·out_outer + c·out_channel + p. One thread per Vec
// consecutive positions p of one n.
template <int Vec>
__global__ void channel_rms_norm_kernel(const __nv_bfloat16* __restrict__ x, long outer, int channels, long inner,
                                        const __nv_bfloat16* __restrict__ gamma, float scale, int silu,
                                        __nv_bfloat16* __restrict__ out, long out_outer, long out_channel) {
  const long groups_per_outer = inner / Vec;
  const long total = outer * groups_per_outer;
  for (long g = blockIdx.x * (long)blockDim.x + threadIdx.x; g < total; g += (long)gridDim.x * blockDim.x) {
    const long n = g / groups_per_outer;
    const long p = (g - n * groups_per_outer) * Vec;
    const __nv_bfloat16* in = x + n * channels * inner + p;
    float squares[Vec];
#pragma unroll
    for (int k = 0; k < Vec; ++k) squares[k] = 0.f;
    for (int c = 0; c < channels; ++c) {
      float v[Vec];
      Pack<Vec>::load(in + c * inner, v);
#pragma unroll
      for (int k = 0; k < Vec; ++k) squares[k] = __fadd_rn(squares[k], __fmul_rn(v[k], v[k]));
    }
    float norm[Vec];
    const float floor = round_to_bf16(1e-12f);
#pragma unroll
    for (int k = 0; k < Vec; ++k) norm[k] = fmaxf(round_to_bf16(sqrtf(squares[k])), floor);
    __nv_bfloat16* o = out + n * out_outer + p;
    for (int c = 0; c < channels; ++c) {
      float v[Vec];
      Pack<Vec>::load(in + c * inner, v);
      const float gm = __bfloat162float(gamma[c]);
#pragma unroll
      for (int k = 0; k < Vec; ++k) {
        float y = round_to_bf16(__fdiv_rn(v[k], norm[k]));
        y = round_to_bf16(__fmul_rn(y, scale));
        y = round_to_bf16(__fmul_rn(y, gm));
        if (silu) y = __fdiv_rn(y, __fadd_rn(1.f, expf(-y)));
        v[k] = y;
      }
      Pack<Vec>::store(o + c * out_channel, v);
    }
  }
}

int grid_for(long threads) {
  long blocks = (threads + kThreads - 1) / kThreads;
  return (int)(blocks < 65535L * 8 ? blocks : 65535L * 8);
}

bool aligned8(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 7u) == 0; }
}  // namespace

// Launcher: 0 on success, else a cudaError_t. Four positions per thread (8-byte loads and stores) when every row
// start is 8-byte aligned, else one.
extern "C" int lax_launch_channel_rms_norm(const void* x, long outer, int channels, long inner, const void* gamma,
                                           float scale, int silu, void* out, long out_outer, long out_channel,
                                           cudaStream_t stream) {
  const auto* in = static_cast<const __nv_bfloat16*>(x);
  const auto* g = static_cast<const __nv_bfloat16*>(gamma);
  auto* o = static_cast<__nv_bfloat16*>(out);
  if (inner % 4 == 0 && out_outer % 4 == 0 && out_channel % 4 == 0 && aligned8(in) && aligned8(o))
    channel_rms_norm_kernel<4><<<grid_for(outer * inner / 4), kThreads, 0, stream>>>(in, outer, channels, inner, g, scale,
                                                                                     silu, o, out_outer, out_channel);
  else
    channel_rms_norm_kernel<1><<<grid_for(outer * inner), kThreads, 0, stream>>>(in, outer, channels, inner, g, scale,
                                                                                 silu, o, out_outer, out_channel);
  return (int)cudaGetLastError();
}
