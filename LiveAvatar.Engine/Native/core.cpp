// Library info, lifetime, metadata, creation, copies and views.
#include "shim_internal.h"
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <cstring>

namespace la {
std::atomic<int64_t> live{0};
static thread_local std::string last_error;
static thread_local bool has_error = false;

static std::atomic<int> desired_threads{0};
static std::atomic<int> threads_epoch{0};
static thread_local int seen_epoch = -1;

void ensure_threads() {
  int e = threads_epoch.load(std::memory_order_relaxed);
  if (seen_epoch == e) return;
  seen_epoch = e;
  int n = desired_threads.load(std::memory_order_relaxed);
  if (n > 0) at::set_num_threads(n);
}

void set_error(const char* msg) {
  last_error = msg ? msg : "";
  has_error = true;
}

at::ScalarType scalar_type(int code) {
  switch (code) {
    case LA_U8: return at::kByte;
    case LA_I8: return at::kChar;
    case LA_I32: return at::kInt;
    case LA_I64: return at::kLong;
    case LA_F16: return at::kHalf;
    case LA_BF16: return at::kBFloat16;
    case LA_F32: return at::kFloat;
    case LA_F64: return at::kDouble;
    case LA_BOOL: return at::kBool;
    case LA_C64: return at::kComplexFloat;
#if LA_TORCH_AT_LEAST(2, 1)
    case LA_F8E4M3: return at::kFloat8_e4m3fn;
    case LA_F8E5M2: return at::kFloat8_e5m2;
#else
    case LA_F8E4M3:
    case LA_F8E5M2:
      throw std::invalid_argument("float8 needs libtorch 2.1 or newer; this shim was built against " TORCH_VERSION);
#endif
  }
  throw std::invalid_argument("unknown dtype code " + std::to_string(code));
}

int dtype_code(at::ScalarType st) {
  switch (st) {
    case at::kByte: return LA_U8;
    case at::kChar: return LA_I8;
    case at::kInt: return LA_I32;
    case at::kLong: return LA_I64;
    case at::kHalf: return LA_F16;
    case at::kBFloat16: return LA_BF16;
    case at::kFloat: return LA_F32;
    case at::kDouble: return LA_F64;
    case at::kBool: return LA_BOOL;
    case at::kComplexFloat: return LA_C64;
#if LA_TORCH_AT_LEAST(2, 1)
    case at::kFloat8_e4m3fn: return LA_F8E4M3;
    case at::kFloat8_e5m2: return LA_F8E5M2;
#endif
    default: return -1;
  }
}

at::Device device(int dev, int index) {
  switch (dev) {
    case LA_CPU: return at::Device(at::kCPU);
    case LA_CUDA: return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
    case LA_META: return at::Device(at::kMeta);
  }
  throw std::invalid_argument("unknown device code " + std::to_string(dev));
}
}  // namespace la

using la::T;

extern "C" {

const char* la_last_error(void) { return la::has_error ? la::last_error.c_str() : nullptr; }
void la_clear_error(void) { la::has_error = false; la::last_error.clear(); }
int la_abi_version(void) { return 1; }
void la_torch_version(int* major, int* minor, int* patch) {
  *major = TORCH_VERSION_MAJOR; *minor = TORCH_VERSION_MINOR; *patch = TORCH_VERSION_PATCH;
}
int la_has_fused_sdpa(void) { return LA_TORCH_AT_LEAST(2, 1) ? 1 : 0; }
int la_has_float8(void) { return LA_TORCH_AT_LEAST(2, 1) ? 1 : 0; }
int la_built_with_cuda(void) {
#ifdef LA_WITH_CUDA
  return 1;
#else
  return 0;
#endif
}
const char* la_parallel_info(void) {
  static thread_local std::string s;
  LA_GUARD(nullptr, s = at::get_parallel_info(); return s.c_str();)
}
void la_set_num_threads(int n) {
  la::desired_threads.store(n);
  la::threads_epoch.fetch_add(1);
  la::ensure_threads();
}
int la_get_num_threads(void) { la::ensure_threads(); return at::get_num_threads(); }
void la_set_grad_enabled(int enabled) { c10::GradMode::set_enabled(enabled != 0); }
void la_free(la_tensor t) {
  if (!t) return;
  delete reinterpret_cast<at::Tensor*>(t);
  la::live.fetch_sub(1, std::memory_order_relaxed);
}
int64_t la_live_count(void) { return la::live.load(); }

int la_dim(la_tensor t) { LA_GUARD(-1, return static_cast<int>(T(t).dim());) }
int la_sizes(la_tensor t, int64_t* out, int cap) {
  LA_GUARD(-1, auto s = T(t).sizes(); for (int i = 0; i < (int)s.size() && i < cap; i++) out[i] = s[i];
           return (int)s.size();)
}
int la_strides(la_tensor t, int64_t* out, int cap) {
  LA_GUARD(-1, auto s = T(t).strides(); for (int i = 0; i < (int)s.size() && i < cap; i++) out[i] = s[i];
           return (int)s.size();)
}
int la_dtype(la_tensor t) { LA_GUARD(-1, return la::dtype_code(T(t).scalar_type());) }
int la_device(la_tensor t, int* index) {
  LA_GUARD(-1, auto d = T(t).device(); *index = d.has_index() ? d.index() : 0;
           if (d.is_cuda()) return LA_CUDA; if (d.is_meta()) return LA_META; return LA_CPU;)
}
int64_t la_numel(la_tensor t) { LA_GUARD(-1, return T(t).numel();) }
int la_is_contiguous(la_tensor t) { LA_GUARD(-1, return T(t).is_contiguous() ? 1 : 0;) }
int la_is_pinned(la_tensor t) { LA_GUARD(-1, return T(t).is_pinned() ? 1 : 0;) }
void* la_data_ptr(la_tensor t) { LA_GUARD(nullptr, return T(t).data_ptr();) }

la_tensor la_empty(const int64_t* shape, int ndim, int dtype, int dev, int idx, int pinned) {
  LA_T(at::empty(la::dims(shape, ndim), la::options(dtype, dev, idx).pinned_memory(pinned != 0)))
}
la_tensor la_full(const int64_t* shape, int ndim, double value, int dtype, int dev, int idx) {
  LA_T(at::full(la::dims(shape, ndim), value, la::options(dtype, dev, idx)))
}
la_tensor la_arange(double start, double end, double step, int dtype, int dev, int idx) {
  LA_T(at::arange(start, end, step, la::options(dtype, dev, idx)))
}
la_tensor la_linspace(double start, double end, int64_t steps, int dtype, int dev, int idx) {
  LA_T(at::linspace(start, end, steps, la::options(dtype, dev, idx)))
}
la_tensor la_random(const int64_t* shape, int ndim, int kind, uint64_t seed, int dtype, int dev, int idx) {
  LA_GUARD(nullptr, {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    auto opts = at::TensorOptions().dtype(at::kFloat);
    at::Tensor r = kind == 0 ? at::randn(la::dims(shape, ndim), gen, opts) : at::rand(la::dims(shape, ndim), gen, opts);
    return la::wrap(r.to(la::device(dev, idx), la::scalar_type(dtype)));
  })
}
la_tensor la_from_host(const void* data, const int64_t* shape, int ndim, int src_dtype, int dtype, int dev, int idx) {
  LA_GUARD(nullptr, {
    auto src = at::from_blob(const_cast<void*>(data), la::dims(shape, ndim),
                             at::TensorOptions().dtype(la::scalar_type(src_dtype)));
    auto target = la::device(dev, idx);
    auto st = la::scalar_type(dtype);
    at::Tensor r;
    if (target.is_meta()) r = at::empty(la::dims(shape, ndim), at::TensorOptions().dtype(st).device(target));
    else r = src.to(target, st, /*non_blocking=*/false, /*copy=*/true);  // always own the memory
    return la::wrap(std::move(r));
  })
}
int la_to_host(la_tensor t, void* dst, int64_t nbytes) {
  LA_GUARD(-1, {
    auto c = T(t).to(at::kCPU).contiguous();
    int64_t n = c.numel() * (int64_t)c.element_size();
    if (n != nbytes) throw std::invalid_argument("la_to_host: buffer has " + std::to_string(nbytes) +
                                                 " bytes, tensor needs " + std::to_string(n));
    std::memcpy(dst, c.data_ptr(), (size_t)n);
    return 0;
  })
}
la_tensor la_to(la_tensor t, int dtype, int dev, int idx, int non_blocking, int copy) {
  LA_T(T(t).to(la::device(dev, idx), la::scalar_type(dtype), non_blocking != 0, copy != 0))
}
la_tensor la_pin_memory(la_tensor t) { LA_T(T(t).pin_memory()) }
la_tensor la_contiguous(la_tensor t) { LA_T(T(t).contiguous()) }
la_tensor la_clone(la_tensor t) { LA_T(T(t).clone()) }
int la_copy_(la_tensor dst, la_tensor src, int non_blocking) { LA_OK(T(dst).copy_(T(src), non_blocking != 0)) }
int la_fill_(la_tensor t, double value) { LA_OK(T(t).fill_(value)) }
double la_item(la_tensor t) {
  try { return T(t).item<double>(); }
  catch (const c10::Error& e) { la::set_error(e.what_without_backtrace()); }
  catch (const std::exception& e) { la::set_error(e.what()); }
  return 0;
}

la_tensor la_reshape(la_tensor t, const int64_t* s, int n) { LA_T(T(t).reshape(la::dims(s, n))) }
la_tensor la_view(la_tensor t, const int64_t* s, int n) { LA_T(T(t).view(la::dims(s, n))) }
la_tensor la_permute(la_tensor t, const int64_t* d, int n) { LA_T(T(t).permute(la::dims(d, n))) }
la_tensor la_transpose(la_tensor t, int64_t a, int64_t b) { LA_T(T(t).transpose(a, b)) }
la_tensor la_narrow(la_tensor t, int64_t dim, int64_t start, int64_t len) { LA_T(T(t).narrow(dim, start, len)) }
la_tensor la_slice(la_tensor t, int64_t dim, int64_t s, int64_t e, int64_t step) { LA_T(T(t).slice(dim, s, e, step)) }
la_tensor la_select(la_tensor t, int64_t dim, int64_t i) { LA_T(T(t).select(dim, i)) }
la_tensor la_squeeze(la_tensor t, int64_t dim) { LA_T(T(t).squeeze(dim)) }
la_tensor la_unsqueeze(la_tensor t, int64_t dim) { LA_T(T(t).unsqueeze(dim)) }
la_tensor la_flatten(la_tensor t, int64_t s, int64_t e) { LA_T(T(t).flatten(s, e)) }
la_tensor la_expand(la_tensor t, const int64_t* s, int n) { LA_T(T(t).expand(la::dims(s, n))) }
la_tensor la_repeat(la_tensor t, const int64_t* r, int n) { LA_T(T(t).repeat(la::dims(r, n))) }
la_tensor la_repeat_interleave(la_tensor t, int64_t r, int64_t dim) { LA_T(T(t).repeat_interleave(r, dim)) }
static std::vector<at::Tensor> gather_list(const la_tensor* ts, int n) {
  std::vector<at::Tensor> v;
  v.reserve(n);
  for (int i = 0; i < n; i++) v.push_back(T(ts[i]));
  return v;
}
la_tensor la_cat(const la_tensor* ts, int n, int64_t dim) { LA_T(at::cat(gather_list(ts, n), dim)) }
la_tensor la_stack(const la_tensor* ts, int n, int64_t dim) { LA_T(at::stack(gather_list(ts, n), dim)) }
int la_split(la_tensor t, const int64_t* sizes, int n, int64_t dim, la_tensor* out) {
  LA_GUARD(-1, {
    auto parts = T(t).split_with_sizes(la::dims(sizes, n), dim);
    for (int i = 0; i < n; i++) out[i] = la::wrap(parts[i]);
    return n;
  })
}
la_tensor la_index_select(la_tensor t, int64_t dim, la_tensor i) { LA_T(T(t).index_select(dim, T(i))) }
la_tensor la_gather(la_tensor t, int64_t dim, la_tensor i) { LA_T(T(t).gather(dim, T(i))) }
la_tensor la_masked_fill(la_tensor t, la_tensor m, double v) { LA_T(T(t).masked_fill(T(m), v)) }
la_tensor la_where(la_tensor c, la_tensor a, la_tensor b) { LA_T(at::where(T(c), T(a), T(b))) }
la_tensor la_flip(la_tensor t, const int64_t* d, int n) { LA_T(T(t).flip(la::dims(d, n))) }
la_tensor la_roll(la_tensor t, int64_t shift, int64_t dim) { LA_T(T(t).roll(shift, dim)) }
la_tensor la_view_as_complex(la_tensor t) { LA_T(at::view_as_complex(T(t))) }
la_tensor la_view_as_real(la_tensor t) { LA_T(at::view_as_real(T(t))) }
la_tensor la_tril(la_tensor t, int64_t d) { LA_T(T(t).tril(d)) }

}  // extern "C"
