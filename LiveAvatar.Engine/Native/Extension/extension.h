// LiveAvatar's native extension: only what TorchSharp 0.107 lacks (float8 GEMM, CUDA streams/events, allocator
// statistics and the per-process cap, fused kernels). Every tensor argument is a TorchSharp handle, which is an
// at::Tensor*; every tensor result is a new at::Tensor* that C# wraps with Tensor.UnsafeCreateTensor.
// Errors never cross the C ABI as exceptions: a call returns nullptr / -1 and lax_last_error() says why.
#pragma once
#include <ATen/ATen.h>
#include <string>
#include <utility>

#define LAX_API extern "C" __attribute__((visibility("default")))

namespace lax {
void set_error(const std::string& message);
inline at::Tensor& T(void* handle) { return *static_cast<at::Tensor*>(handle); }
inline void* wrap(at::Tensor t) { return new at::Tensor(std::move(t)); }

#ifdef LAX_WITH_CUDA
// x [M, K] (float32 or bf16, on CUDA; other dtypes are widened to float32) → (the e4m3 bytes of x · scale as uint8
// [M + pad_rows, K], the pad rows zero; 1 / scale as a float32 scalar), scale from x's own amax (float8.cpp). prologue:
// 0, or 1 / 2 to quantise tanh-GELU(x) instead (float8_quantize.cu).
std::pair<at::Tensor, at::Tensor> quantize_per_tensor(at::Tensor x, int64_t pad_rows, int prologue = 0);
#endif
}  // namespace lax

// Runs body; on a C++ exception records its message and returns fail.
#define LAX_GUARD(fail, ...)                                   \
  try {                                                        \
    __VA_ARGS__                                                \
  } catch (const c10::Error& e) {                              \
    lax::set_error(e.what_without_backtrace());                \
  } catch (const std::exception& e) {                          \
    lax::set_error(e.what());                                  \
  }                                                            \
  return fail;
