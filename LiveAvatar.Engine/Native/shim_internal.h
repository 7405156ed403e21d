// Helpers shared by the shim's translation units: error capture, handle wrapping, dtype/device mapping.
#pragma once
#include "shim.h"
#include <ATen/ATen.h>
#include <torch/version.h>
#include <atomic>
#include <string>
#include <vector>

#define LA_TORCH_AT_LEAST(maj, min) \
  (TORCH_VERSION_MAJOR > (maj) || (TORCH_VERSION_MAJOR == (maj) && TORCH_VERSION_MINOR >= (min)))

namespace la {

void set_error(const char* msg);
// OpenMP's thread count is per OS thread; apply the process-wide choice on each thread's first call.
void ensure_threads();
extern std::atomic<int64_t> live;

inline la_tensor wrap(at::Tensor t) {
  live.fetch_add(1, std::memory_order_relaxed);
  return reinterpret_cast<la_tensor>(new at::Tensor(std::move(t)));
}
inline at::Tensor& T(la_tensor h) {
  if (!h) throw std::invalid_argument("null tensor handle");
  return *reinterpret_cast<at::Tensor*>(h);
}
inline c10::optional<at::Tensor> opt(la_tensor h) {
  if (!h) return c10::nullopt;
  return T(h);
}

at::ScalarType scalar_type(int code);
int dtype_code(at::ScalarType st);
at::Device device(int dev, int index);
inline at::IntArrayRef dims(const int64_t* p, int n) { return at::IntArrayRef(p, static_cast<size_t>(n)); }
inline at::TensorOptions options(int dtype, int dev, int index) {
  return at::TensorOptions().dtype(scalar_type(dtype)).device(device(dev, index));
}

}  // namespace la

// Run body; on exception store the message and return fail.
#define LA_GUARD(fail, ...)                                              \
  try {                                                                   \
    la::ensure_threads();                                                 \
    __VA_ARGS__                                                           \
  } catch (const c10::Error& e) {                                         \
    la::set_error(e.what_without_backtrace());                            \
  } catch (const std::exception& e) {                                     \
    la::set_error(e.what());                                              \
  } catch (...) {                                                         \
    la::set_error("unknown C++ exception in libtorch shim");              \
  }                                                                       \
  return fail;

#define LA_T(...) LA_GUARD(nullptr, return la::wrap(__VA_ARGS__);)
#define LA_OK(...) LA_GUARD(-1, __VA_ARGS__; return 0;)
