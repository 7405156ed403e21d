// Fused RMS_norm (+ SiLU) of the Wan VAE. Unfused, the module is F.normalize over the channel dimension, · √C, · gamma
// and then SiLU: seven or eight PyTorch kernels that each read and write the whole video activation, which at full
// resolution is 96 channels × 4 frames × 384 × 704 (200 MB in bf16) per latent decoded. Here each lane owns one or four
// neighbouring positions and walks its share of the channels twice (sum of squares, then the output), one read of the input from
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
constexpr int kWarps = 8;
constexpr int kThreads = 32 * kWarps;
// Below this many blocks of four positions per lane the GPU is not full (132 SMs on an H200): one position per lane.
constexpr long kMinWideBlocks = 4 * 132;

__device__ __forceinline__ float round_to_bf16(float v) { return __bfloat162float(__float2bfloat16_rn(v)); }

struct __align__(8) Bf16x4 {
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

// Vec values of channel c, plus that channel's bias rounded to bf16 when there is one (the convolution before the
// norm leaves its bias to this kernel; unfused, libtorch adds it to the bf16 output in a separate pass).
template <int Vec>
__device__ __forceinline__ void load_biased(const __nv_bfloat16* p, const __nv_bfloat16* bias, int c, float* v) {
  Pack<Vec>::load(p, v);
  if (bias) {
    const float b = __bfloat162float(bias[c]);
#pragma unroll
    for (int k = 0; k < Vec; ++k) v[k] = round_to_bf16(__fadd_rn(v[k], b));
  }
}

// Four neighbouring channels c..c+3 of one channels-last position, each plus its own bias rounded to bf16 when given.
__device__ __forceinline__ void load_biased_channels(const __nv_bfloat16* p, const __nv_bfloat16* bias, int c, float* v) {
  Pack<4>::load(p + c, v);
  if (bias) {
#pragma unroll
    for (int k = 0; k < 4; ++k) v[k] = round_to_bf16(__fadd_rn(v[k], __bfloat162float(bias[c + k])));
  }
}

// One output value from its (biased) input: / norm, · scale, · gamma, each rounded to bf16, then SiLU when asked.
__device__ __forceinline__ float normalized(float v, float norm, float scale, float gamma, int silu) {
  float y = round_to_bf16(__fdiv_rn(v, norm));
  y = round_to_bf16(__fmul_rn(y, scale));
  y = round_to_bf16(__fmul_rn(y, gamma));
  return silu ? __fdiv_rn(y, __fadd_rn(1.f, expf(-y))) : y;
}

// x [outer, channels, inner] contiguous (plus bias[c] when given); out element (n, c, p) at n·out_outer + c·out_channel + p. A block owns 32·Vec
// consecutive positions of one n: its lanes read neighbouring positions (coalesced) and its warps split the channels
// (warp w takes c = w, w + kWarps, ...), so even the 384-channel, 4,224-position frames of the decoder's first level
// fill the GPU. The per-warp partial sums are added in warp order, the same order for every run.
template <int Vec>
__global__ void channel_rms_norm_kernel(const __nv_bfloat16* __restrict__ x, const __nv_bfloat16* __restrict__ bias,
                                        int channels, long inner, const __nv_bfloat16* __restrict__ gamma, float scale, int silu,
                                        __nv_bfloat16* __restrict__ out, long out_outer, long out_channel) {
  __shared__ float partial[kWarps][32 * Vec];
  const long tiles = (inner + 32 * Vec - 1) / (32 * Vec);
  const long n = blockIdx.x / tiles;
  const long p = (blockIdx.x - n * tiles) * (32 * Vec) + (threadIdx.x % 32) * Vec;
  const int warp = threadIdx.x / 32;
  const bool active = p < inner;
  const __nv_bfloat16* in = x + n * channels * inner + p;
  float squares[Vec];
#pragma unroll
  for (int k = 0; k < Vec; ++k) squares[k] = 0.f;
  if (active)
    for (int c = warp; c < channels; c += kWarps) {
      float v[Vec];
      load_biased<Vec>(in + c * inner, bias, c, v);
#pragma unroll
      for (int k = 0; k < Vec; ++k) squares[k] = __fadd_rn(squares[k], __fmul_rn(v[k], v[k]));
    }
#pragma unroll
  for (int k = 0; k < Vec; ++k) partial[warp][(threadIdx.x % 32) * Vec + k] = squares[k];
  __syncthreads();
  if (!active) return;
  float norm[Vec];
  const float floor = round_to_bf16(1e-12f);
#pragma unroll
  for (int k = 0; k < Vec; ++k) {
    float total = 0.f;
#pragma unroll
    for (int w = 0; w < kWarps; ++w) total = __fadd_rn(total, partial[w][(threadIdx.x % 32) * Vec + k]);
    norm[k] = fmaxf(round_to_bf16(sqrtf(total)), floor);
  }
  __nv_bfloat16* o = out + n * out_outer + p;
  for (int c = warp; c < channels; c += kWarps) {
    float v[Vec];
    load_biased<Vec>(in + c * inner, bias, c, v);
    const float gm = __bfloat162float(gamma[c]);
#pragma unroll
    for (int k = 0; k < Vec; ++k) v[k] = normalized(v[k], norm[k], scale, gm, silu);
    Pack<Vec>::store(o + c * out_channel, v);
  }
}

// The same norm for channels-last activations ([positions, channels] rows: a video or image tensor whose channels are
// its innermost dimension): one warp per position, its lanes over neighbouring channels (four each, coalesced), the
// squares summed across the warp in a fixed order. out row p at out + p·out_position (channels packed).
__global__ void channel_rms_norm_last_kernel(const __nv_bfloat16* __restrict__ x, const __nv_bfloat16* __restrict__ bias,
                                             int channels, long positions, const __nv_bfloat16* __restrict__ gamma,
                                             float scale, int silu, __nv_bfloat16* __restrict__ out, long out_position) {
  const long p = blockIdx.x * (long)kWarps + threadIdx.x / 32;
  if (p >= positions) return;
  const int lane = threadIdx.x % 32;
  const __nv_bfloat16* in = x + p * channels;
  float squares = 0.f;
  for (int c = lane * 4; c < channels; c += 128) {
    float v[4];
    load_biased_channels(in, bias, c, v);
#pragma unroll
    for (int k = 0; k < 4; ++k) squares = __fadd_rn(squares, __fmul_rn(v[k], v[k]));
  }
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) squares = __fadd_rn(squares, __shfl_xor_sync(0xffffffffu, squares, offset));
  const float norm = fmaxf(round_to_bf16(sqrtf(squares)), round_to_bf16(1e-12f));
  __nv_bfloat16* o = out + p * out_position;
  for (int c = lane * 4; c < channels; c += 128) {
    float v[4];
    load_biased_channels(in, bias, c, v);
#pragma unroll
    for (int k = 0; k < 4; ++k) v[k] = normalized(v[k], norm, scale, __bfloat162float(gamma[c + k]), silu);
    Pack<4>::store(o + c, v);
  }
}

// out = bf16(bf16(y + bias[c]) + h) over [outer, channels, inner] contiguous tensors: the residual block's last
// convolution's bias and the shortcut in one pass, with the two roundings of the unfused adds.
// inner = 1 with channels last: element i is channel i % channels (Vec divides channels, so a pack stays in one row
// and its channels are i % channels + k).
template <int Vec>
__global__ void bias_residual_kernel(const __nv_bfloat16* __restrict__ y, const __nv_bfloat16* __restrict__ bias,
                                     const __nv_bfloat16* __restrict__ h, int channels, long inner, long total,
                                     int channels_last, __nv_bfloat16* __restrict__ out) {
  for (long i = (blockIdx.x * (long)blockDim.x + threadIdx.x) * Vec; i < total; i += (long)gridDim.x * blockDim.x * Vec) {
    float a[Vec], r[Vec];
    Pack<Vec>::load(y + i, a);
    Pack<Vec>::load(h + i, r);
#pragma unroll
    for (int k = 0; k < Vec; ++k) {
      const float b = __bfloat162float(bias[channels_last ? (i + k) % channels : (i / inner) % channels]);
      a[k] = __fadd_rn(round_to_bf16(__fadd_rn(a[k], b)), r[k]);
    }
    Pack<Vec>::store(out + i, a);
  }
}

bool aligned8(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 7u) == 0; }
}  // namespace

// Launcher: 0 on success, else a cudaError_t. Four positions per lane (8-byte loads and stores) when every row start
// is 8-byte aligned and that still makes enough blocks, else one.
extern "C" int lax_launch_channel_rms_norm(const void* x, const void* bias, long outer, int channels, long inner,
                                           const void* gamma, float scale, int silu, void* out, long out_outer,
                                           long out_channel, cudaStream_t stream) {
  const auto* in = static_cast<const __nv_bfloat16*>(x);
  const auto* b = static_cast<const __nv_bfloat16*>(bias);
  const auto* g = static_cast<const __nv_bfloat16*>(gamma);
  auto* o = static_cast<__nv_bfloat16*>(out);
  const long wide_blocks = outer * ((inner + 127) / 128);
  if (inner % 4 == 0 && out_outer % 4 == 0 && out_channel % 4 == 0 && aligned8(in) && aligned8(o) && wide_blocks >= kMinWideBlocks)
    channel_rms_norm_kernel<4><<<wide_blocks, kThreads, 0, stream>>>(in, b, channels, inner, g, scale, silu, o, out_outer, out_channel);
  else
    channel_rms_norm_kernel<1><<<outer * ((inner + 31) / 32), kThreads, 0, stream>>>(in, b, channels, inner, g, scale, silu, o,
                                                                                     out_outer, out_channel);
  return (int)cudaGetLastError();
}

// Launcher for channel_rms_norm_last_kernel: 0 on success, else a cudaError_t (cudaErrorInvalidValue when the channels
// are not a multiple of 4 or a row start is not 8-byte aligned).
extern "C" int lax_launch_channel_rms_norm_last(const void* x, const void* bias, long positions, int channels, const void* gamma,
                                                float scale, int silu, void* out, long out_position, cudaStream_t stream) {
  if (channels % 4 != 0 || out_position % 4 != 0 || !aligned8(x) || !aligned8(out)) return (int)cudaErrorInvalidValue;
  const long blocks = (positions + kWarps - 1) / kWarps;
  channel_rms_norm_last_kernel<<<blocks, kThreads, 0, stream>>>(
      static_cast<const __nv_bfloat16*>(x), static_cast<const __nv_bfloat16*>(bias), channels, positions,
      static_cast<const __nv_bfloat16*>(gamma), scale, silu, static_cast<__nv_bfloat16*>(out), out_position);
  return (int)cudaGetLastError();
}

// Launcher for bias_residual_kernel: 0 on success, else a cudaError_t. channels_last: the tensors' channels are their
// innermost dimension (then inner is ignored).
extern "C" int lax_launch_bias_residual(const void* y, const void* bias, const void* h, long outer, int channels, long inner,
                                        int channels_last, void* out, cudaStream_t stream) {
  const auto* a = static_cast<const __nv_bfloat16*>(y);
  const auto* r = static_cast<const __nv_bfloat16*>(h);
  auto* o = static_cast<__nv_bfloat16*>(out);
  const long total = outer * channels * inner;
  const long max_blocks = 132L * 16;
  if ((channels_last ? channels % 4 == 0 : inner % 4 == 0) && aligned8(a) && aligned8(r) && aligned8(o)) {
    const long blocks = (total / 4 + kThreads - 1) / kThreads;
    bias_residual_kernel<4><<<blocks < max_blocks ? blocks : max_blocks, kThreads, 0, stream>>>(
        a, static_cast<const __nv_bfloat16*>(bias), r, channels, inner, total, channels_last, o);
  } else {
    const long blocks = (total + kThreads - 1) / kThreads;
    bias_residual_kernel<1><<<blocks < max_blocks ? blocks : max_blocks, kThreads, 0, stream>>>(
        a, static_cast<const __nv_bfloat16*>(bias), r, channels, inner, total, channels_last, o);
  }
  return (int)cudaGetLastError();
}
