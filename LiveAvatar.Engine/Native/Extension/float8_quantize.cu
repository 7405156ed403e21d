// Per-tensor E4M3 quantisation of an activation in two kernels: one reduction for max |x|, then one pass that
// derives the scale from it on the device and writes the e4m3 bytes. The composite of PyTorch ops it replaces made
// |x|, reduced it, widened x to float32, multiplied, clamped and cast: six passes over every activation that enters
// an FP8 linear, about 81 ms of a 224 ms FP8 DiT forward on an H200, plus a handful of one-element kernels for the
// scale. The arithmetic is the composite's, step for step in float32 with round-to-nearest intrinsics (no
// contraction), so the bytes and the scale are the same; `selftest` compares them on the GPU.
//
// Optionally the input first goes through the tanh GELU (the FFN's activation, whose output is the second FFN linear's
// input): both kernels apply it on the fly to what they read, with PyTorch's formula and rounding, so the GELU's
// output never goes to memory (a write and a read of the FFN's widest tensor saved per layer).
//
// Plain CUDA without ATen headers; float8.cpp checks the tensors and calls the launcher on the current stream.
#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

namespace {
constexpr int kThreads = 256;
constexpr int kMaxBlocks = 2048;  // grid-stride beyond this: enough to fill any current GPU several times over
constexpr float kE4M3Max = 448.f;
constexpr float kAmaxFloor = 1e-12f;  // Fp8Math.AmaxFloor: an all-zero tensor's scale clamps to 448

__device__ __forceinline__ float to_float(float v) { return v; }
__device__ __forceinline__ float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }

// What the input goes through before the amax and the scaling.
enum Prologue : int {
  kNone = 0,
  // torch.nn.functional.gelu(x, approximate="tanh") on CUDA (ActivationGeluKernel.cu): in float32,
  // 0.5·x·(1 + tanh(β·(x + κ·x³))) with β = √2·(2/√π)·0.5 and κ = 0.044715, then rounded to the input's dtype. kGeluTanh
  // computes x + κ·x³ as one fused multiply-add, which is what nvcc makes of PyTorch's expression by default;
  // kGeluTanhUnfused rounds the product first (a build with --fmad=false). `selftest` says which one this libtorch's
  // gelu matches.
  kGeluTanh = 1,
  kGeluTanhUnfused = 2,
};

__device__ __forceinline__ float round_as(float v, const float*) { return v; }
__device__ __forceinline__ float round_as(float v, const __nv_bfloat16*) { return __bfloat162float(__float2bfloat16_rn(v)); }

template <int P, typename T>
__device__ __forceinline__ float prologue(float x) {
  if constexpr (P == kNone) {
    return x;
  } else {
    constexpr float kBeta = (float)(1.41421356237309504880 * 1.12837916709551257390 * 0.5);
    constexpr float kKappa = (float)0.044715;
    const float cube = __fmul_rn(__fmul_rn(x, x), x);
    const float sum = P == kGeluTanh ? __fmaf_rn(kKappa, cube, x) : __fadd_rn(x, __fmul_rn(kKappa, cube));
    const float gelu = __fmul_rn(__fmul_rn(0.5f, x), __fadd_rn(1.f, tanhf(__fmul_rn(kBeta, sum))));
    return round_as(gelu, static_cast<const T*>(nullptr));
  }
}

// The bits of |v|. For non-negative floats integer order is float order, so an integer max of the bits is the float
// max; NaN's bits lie above infinity's, so a NaN wins, as it does in torch's amax.
__device__ __forceinline__ unsigned abs_bits(float v) { return __float_as_uint(v) & 0x7fffffffu; }

// 16 bytes of T: the unit of every load (8 bf16 or 4 float32).
template <typename T>
struct Pack {
  static constexpr int kCount = 16 / sizeof(T);
  __device__ __forceinline__ static void load(const T* p, float (&out)[kCount]) {
    const uint4 raw = *reinterpret_cast<const uint4*>(p);
    const T* v = reinterpret_cast<const T*>(&raw);
#pragma unroll
    for (int j = 0; j < kCount; ++j) out[j] = to_float(v[j]);
  }
};

__device__ __forceinline__ unsigned char to_e4m3(float v) {
  // Round to nearest even, out-of-range values to ±448 and NaN to NaN: what clamp(-448, 448) then the cast to
  // float8_e4m3fn give.
  return (unsigned char)__nv_cvt_float_to_fp8(v, __NV_SATFINITE, __NV_E4M3);
}

// The reference's scale, op for op: clamp(amax, min = 1e-12), reciprocal, · 448, clamp(max = 448). torch's clamp
// passes NaN through (fmaxf/fminf would drop it).
__device__ __forceinline__ float scale_from(unsigned amax_bits) {
  const float amax = __uint_as_float(amax_bits);
  const float floored = isnan(amax) ? amax : fmaxf(amax, kAmaxFloor);
  const float scaled = __fmul_rn(__fdiv_rn(1.f, floored), kE4M3Max);
  return isnan(scaled) ? scaled : fminf(scaled, kE4M3Max);
}

__device__ __forceinline__ unsigned block_max(unsigned v) {
  __shared__ unsigned shared[kThreads / 32];
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) v = max(v, __shfl_xor_sync(0xffffffffu, v, offset));
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < kThreads / 32 ? shared[lane] : 0u;
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) v = max(v, __shfl_xor_sync(0xffffffffu, v, offset));
  }
  return v;  // valid in thread 0
}

// amax_bits (zeroed by the launcher) ← max over blocks of max |x|. The first `packs` packs are read 16 bytes at a
// time, the rest (a tail shorter than a pack, or everything when x is not 16-byte aligned) one element at a time.
template <int P, typename T>
__global__ void abs_max_kernel(const T* __restrict__ x, long n, long packs, unsigned* __restrict__ amax_bits) {
  constexpr int kCount = Pack<T>::kCount;
  unsigned m = 0;
  const long stride = (long)gridDim.x * kThreads;
  const long first = (long)blockIdx.x * kThreads + threadIdx.x;
  for (long p = first; p < packs; p += stride) {
    float v[kCount];
    Pack<T>::load(x + p * kCount, v);
#pragma unroll
    for (int j = 0; j < kCount; ++j) m = max(m, abs_bits(prologue<P, T>(v[j])));
  }
  for (long i = packs * kCount + first; i < n; i += stride) m = max(m, abs_bits(prologue<P, T>(to_float(x[i]))));
  m = block_max(m);
  if (threadIdx.x == 0) atomicMax(amax_bits, m);
}

// out ← e4m3(x · scale), scale from the finished amax; block 0 also writes 1 / scale, the matmul's factor.
template <int P, typename T>
__global__ void quantize_kernel(const T* __restrict__ x, long n, long packs, const unsigned* __restrict__ amax_bits,
                                unsigned char* __restrict__ out, float* __restrict__ inverse) {
  constexpr int kCount = Pack<T>::kCount;
  const float scale = scale_from(*amax_bits);
  if (blockIdx.x == 0 && threadIdx.x == 0) *inverse = __fdiv_rn(1.f, scale);
  const long stride = (long)gridDim.x * kThreads;
  const long first = (long)blockIdx.x * kThreads + threadIdx.x;
  for (long p = first; p < packs; p += stride) {
    float v[kCount];
    Pack<T>::load(x + p * kCount, v);
    unsigned char q[kCount];
#pragma unroll
    for (int j = 0; j < kCount; ++j) q[j] = to_e4m3(__fmul_rn(prologue<P, T>(v[j]), scale));
    if constexpr (kCount == 8) {
      *reinterpret_cast<uint2*>(out + p * kCount) = *reinterpret_cast<const uint2*>(q);
    } else {
      *reinterpret_cast<unsigned*>(out + p * kCount) = *reinterpret_cast<const unsigned*>(q);
    }
  }
  for (long i = packs * kCount + first; i < n; i += stride) out[i] = to_e4m3(__fmul_rn(prologue<P, T>(to_float(x[i])), scale));
}

template <int P, typename T>
int launch(const T* x, long n, unsigned* amax_bits, unsigned char* out, float* inverse, cudaStream_t stream) {
  constexpr int kCount = Pack<T>::kCount;
  // Packed access needs 16-byte aligned input (output packs are then kCount-byte aligned, as allocations are).
  const bool aligned = reinterpret_cast<uintptr_t>(x) % 16 == 0 && reinterpret_cast<uintptr_t>(out) % kCount == 0;
  const long packs = aligned ? n / kCount : 0;
  const long units = packs + (n - packs * kCount);
  const int blocks = (int)std::min<long>(kMaxBlocks, std::max<long>(1, (units + kThreads - 1) / kThreads));
  cudaError_t rc = cudaMemsetAsync(amax_bits, 0, sizeof(unsigned), stream);
  if (rc != cudaSuccess) return (int)rc;
  abs_max_kernel<P, T><<<blocks, kThreads, 0, stream>>>(x, n, packs, amax_bits);
  quantize_kernel<P, T><<<blocks, kThreads, 0, stream>>>(x, n, packs, amax_bits, out, inverse);
  return (int)cudaGetLastError();
}

template <typename T>
int launch_with(int prologue_kind, const T* x, long n, unsigned* amax_bits, unsigned char* out, float* inverse, cudaStream_t stream) {
  switch (prologue_kind) {
    case kNone: return launch<kNone>(x, n, amax_bits, out, inverse, stream);
    case kGeluTanh: return launch<kGeluTanh>(x, n, amax_bits, out, inverse, stream);
    case kGeluTanhUnfused: return launch<kGeluTanhUnfused>(x, n, amax_bits, out, inverse, stream);
    default: return (int)cudaErrorInvalidValue;
  }
}
}  // namespace

// x: n contiguous float32 (x_is_bf16 = 0) or bf16 values; prologue: 0 none, 1 tanh GELU (x + κx³ fused), 2 tanh GELU
// (unfused); amax_bits: 4 bytes of scratch on the device; out: n bytes; inverse: one float32. Returns a cudaError_t.
extern "C" int lax_launch_f8_quantize_per_tensor(const void* x, int x_is_bf16, long n, int prologue, unsigned* amax_bits,
                                                 unsigned char* out, float* inverse, cudaStream_t stream) {
  return x_is_bf16 ? launch_with(prologue, static_cast<const __nv_bfloat16*>(x), n, amax_bits, out, inverse, stream)
                   : launch_with(prologue, static_cast<const float*>(x), n, amax_bits, out, inverse, stream);
}
