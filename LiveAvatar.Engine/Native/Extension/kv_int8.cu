// 8-bit KV ring rows: each head's vector of D bf16 values becomes D int8 codes and one float32 scale (its abs-max
// / 127), half the bytes of bf16 in the ring; attention reads bf16 again, decoded in one pass per layer. The exact
// float32 operations (KvInt8.cs spells them as PyTorch ops for the CPU and for the self-check, which compares bytes):
//   scale = max(amax(|x|) · (1 / 127), 1e-12);  code = clamp(rint(x / scale), -127, 127);  x' = bf16(code · scale)
// Plain CUDA without ATen headers; kv_int8.cpp checks tensors and calls these launchers on the current stream.
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace {
constexpr float kInverse127 = 1.0f / 127.0f;
constexpr float kMinScale = 1e-12f;

// One warp per head vector of `dim` elements (dim ≤ 32 · 16): abs-max over the warp, then the codes.
__global__ void quantize_kernel(const __nv_bfloat16* __restrict__ x, long vectors, int dim, int8_t* __restrict__ codes,
                                float* __restrict__ scales) {
  const long vector = (long)blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (vector >= vectors) return;
  const __nv_bfloat16* row = x + vector * dim;
  float amax = 0.f;
  for (int i = lane; i < dim; i += 32) amax = fmaxf(amax, fabsf(__bfloat162float(row[i])));
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) amax = fmaxf(amax, __shfl_xor_sync(0xffffffffu, amax, offset));
  const float scale = fmaxf(__fmul_rn(amax, kInverse127), kMinScale);
  int8_t* out = codes + vector * dim;
  for (int i = lane; i < dim; i += 32) {
    const float code = fminf(fmaxf(rintf(__fdiv_rn(__bfloat162float(row[i]), scale)), -127.f), 127.f);
    out[i] = (int8_t)code;
  }
  if (lane == 0) scales[vector] = scale;
}

// The same for head vectors of 128 (the model's): each lane loads its 4 consecutive values at once (8 bytes) and
// stores their 4 codes at once, instead of 4 strided 2-byte loads (the generic kernel took 2.4 ms per forward).
__global__ void quantize128_kernel(const __nv_bfloat16* __restrict__ x, long vectors, int8_t* __restrict__ codes,
                                   float* __restrict__ scales) {
  const long vector = (long)blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (vector >= vectors) return;
  const uint2 packed = reinterpret_cast<const uint2*>(x + vector * 128)[lane];
  const __nv_bfloat16* v = reinterpret_cast<const __nv_bfloat16*>(&packed);
  float f[4];
  float amax = 0.f;
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    f[i] = __bfloat162float(v[i]);
    amax = fmaxf(amax, fabsf(f[i]));
  }
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) amax = fmaxf(amax, __shfl_xor_sync(0xffffffffu, amax, offset));
  const float scale = fmaxf(__fmul_rn(amax, kInverse127), kMinScale);
  char4 out;
  out.x = (signed char)fminf(fmaxf(rintf(__fdiv_rn(f[0], scale)), -127.f), 127.f);
  out.y = (signed char)fminf(fmaxf(rintf(__fdiv_rn(f[1], scale)), -127.f), 127.f);
  out.z = (signed char)fminf(fmaxf(rintf(__fdiv_rn(f[2], scale)), -127.f), 127.f);
  out.w = (signed char)fminf(fmaxf(rintf(__fdiv_rn(f[3], scale)), -127.f), 127.f);
  reinterpret_cast<char4*>(codes + vector * 128)[lane] = out;
  if (lane == 0) scales[vector] = scale;
}

// Eight codes per thread (one 8-byte load, one 16-byte store): bandwidth is all this pass costs.
__global__ void dequantize_kernel(const int8_t* __restrict__ codes, const float* __restrict__ scales, long groups, int dim,
                                  __nv_bfloat16* __restrict__ out) {
  const long group = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (group >= groups) return;
  const long first = group * 8;
  const float scale = scales[first / dim];
  const int2 packed = reinterpret_cast<const int2*>(codes)[group];
  const int8_t* c = reinterpret_cast<const int8_t*>(&packed);
  __align__(16) __nv_bfloat16 values[8];
#pragma unroll
  for (int i = 0; i < 8; ++i) values[i] = __float2bfloat16_rn(__fmul_rn((float)c[i], scale));
  reinterpret_cast<int4*>(out)[group] = *reinterpret_cast<const int4*>(values);
}
}  // namespace

extern "C" int lax_launch_kv_quantize_int8(const void* x, long vectors, int dim, void* codes, void* scales, cudaStream_t stream) {
  if (vectors == 0) return 0;
  constexpr int kThreads = 256;
  const long blocks = (vectors + kThreads / 32 - 1) / (kThreads / 32);
  const bool aligned = reinterpret_cast<uintptr_t>(x) % 8 == 0 && reinterpret_cast<uintptr_t>(codes) % 4 == 0;
  if (dim == 128 && aligned)
    quantize128_kernel<<<(unsigned)blocks, kThreads, 0, stream>>>(static_cast<const __nv_bfloat16*>(x), vectors,
                                                                 static_cast<int8_t*>(codes), static_cast<float*>(scales));
  else
    quantize_kernel<<<(unsigned)blocks, kThreads, 0, stream>>>(static_cast<const __nv_bfloat16*>(x), vectors, dim,
                                                              static_cast<int8_t*>(codes), static_cast<float*>(scales));
  return (int)cudaGetLastError();
}

// dim must be a multiple of 8 and the pointers 8- (codes) and 16-byte (out) aligned: kv_int8.cpp checks.
extern "C" int lax_launch_kv_dequantize_int8(const void* codes, const void* scales, long elements, int dim, void* out,
                                             cudaStream_t stream) {
  if (elements == 0) return 0;
  constexpr int kThreads = 256;
  const long groups = elements / 8;
  dequantize_kernel<<<(unsigned)((groups + kThreads - 1) / kThreads), kThreads, 0, stream>>>(
      static_cast<const int8_t*>(codes), static_cast<const float*>(scales), groups, dim, static_cast<__nv_bfloat16*>(out));
  return (int)cudaGetLastError();
}
