// Elementwise, reductions and linear algebra.
#include "shim_internal.h"

using la::T;

namespace {
at::Tensor unary(int op, const at::Tensor& t) {
  switch (op) {
    case LA_NEG: return t.neg();
    case LA_EXP: return t.exp();
    case LA_LOG: return t.log();
    case LA_SQRT: return t.sqrt();
    case LA_RSQRT: return t.rsqrt();
    case LA_ABS: return t.abs();
    case LA_SIN: return t.sin();
    case LA_COS: return t.cos();
    case LA_TANH: return t.tanh();
    case LA_SIGMOID: return t.sigmoid();
    case LA_SILU: return at::silu(t);
    case LA_RELU: return t.relu();
    case LA_GELU: return at::gelu(t, "none");
    case LA_GELU_TANH: return at::gelu(t, "tanh");
    case LA_RECIPROCAL: return t.reciprocal();
    case LA_FLOOR: return t.floor();
    case LA_ROUND: return t.round();
    case LA_SQUARE: return t.square();
    case LA_LOGICAL_NOT: return t.logical_not();
    case LA_SIGN: return t.sign();
    case LA_ISNAN: return t.isnan();
    case LA_ISFINITE: return t.isfinite();
    case LA_CEIL: return t.ceil();
    case LA_TRUNC: return t.trunc();
  }
  throw std::invalid_argument("unknown unary op " + std::to_string(op));
}

template <typename B>
at::Tensor binary(int op, const at::Tensor& a, const B& b) {
  switch (op) {
    case LA_ADD: return at::add(a, b);
    case LA_SUB: return at::sub(a, b);
    case LA_MUL: return at::mul(a, b);
    case LA_DIV: return at::div(a, b);
    case LA_POW: return at::pow(a, b);
    case LA_EQ: return at::eq(a, b);
    case LA_NE: return at::ne(a, b);
    case LA_LT: return at::lt(a, b);
    case LA_LE: return at::le(a, b);
    case LA_GT: return at::gt(a, b);
    case LA_GE: return at::ge(a, b);
    case LA_REMAINDER: return at::remainder(a, b);
    case LA_FLOOR_DIVIDE: return at::div(a, b, "floor");
  }
  if constexpr (std::is_same_v<B, at::Tensor>) {
    switch (op) {
      case LA_MAXIMUM: return at::maximum(a, b);
      case LA_MINIMUM: return at::minimum(a, b);
      case LA_LOGICAL_AND: return at::logical_and(a, b);
      case LA_LOGICAL_OR: return at::logical_or(a, b);
      case LA_ATAN2: return at::atan2(a, b);
    }
  } else {
    switch (op) {
      case LA_MAXIMUM: return at::clamp_min(a, b);
      case LA_MINIMUM: return at::clamp_max(a, b);
    }
  }
  throw std::invalid_argument("unsupported binary op " + std::to_string(op));
}

template <typename B>
void binary_(int op, at::Tensor& a, const B& b) {
  switch (op) {
    case LA_ADD: a.add_(b); return;
    case LA_SUB: a.sub_(b); return;
    case LA_MUL: a.mul_(b); return;
    case LA_DIV: a.div_(b); return;
  }
  throw std::invalid_argument("unsupported in-place op " + std::to_string(op));
}
}  // namespace

extern "C" {

la_tensor la_unary(int op, la_tensor t) { LA_T(unary(op, T(t))) }
la_tensor la_binary(int op, la_tensor a, la_tensor b) { LA_T(binary<at::Tensor>(op, T(a), T(b))) }
la_tensor la_binary_scalar(int op, la_tensor a, double s) { LA_T(binary<at::Scalar>(op, T(a), at::Scalar(s))) }
la_tensor la_scalar_binary(int op, double s, la_tensor b) {
  LA_GUARD(nullptr, {
    const at::Tensor& t = T(b);
    switch (op) {
      case LA_SUB: return la::wrap(at::rsub(t, s));
      case LA_DIV: return la::wrap(t.reciprocal() * s);
      case LA_POW: return la::wrap(at::pow(at::Scalar(s), t));
      default: return la::wrap(binary<at::Scalar>(op, t, at::Scalar(s)));  // commutative ops
    }
  })
}
int la_binary_(int op, la_tensor a, la_tensor b) { LA_OK(binary_<at::Tensor>(op, T(a), T(b))) }
int la_binary_scalar_(int op, la_tensor a, double s) { LA_OK(binary_<at::Scalar>(op, T(a), at::Scalar(s))) }
la_tensor la_clamp(la_tensor t, double lo, double hi, int has_lo, int has_hi) {
  LA_T(at::clamp(T(t), has_lo ? c10::optional<at::Scalar>(lo) : c10::nullopt,
                 has_hi ? c10::optional<at::Scalar>(hi) : c10::nullopt))
}
la_tensor la_softmax(la_tensor t, int64_t dim, int dtype) {
  LA_T(dtype < 0 ? at::softmax(T(t), dim) : at::softmax(T(t), dim, la::scalar_type(dtype)))
}
la_tensor la_log_softmax(la_tensor t, int64_t dim) { LA_T(at::log_softmax(T(t), dim)) }
la_tensor la_lerp(la_tensor a, la_tensor b, double w) { LA_T(at::lerp(T(a), T(b), w)) }
la_tensor la_addcmul(la_tensor t, la_tensor a, la_tensor b, double v) { LA_T(at::addcmul(T(t), T(a), T(b), v)) }

la_tensor la_reduce(int op, la_tensor t, const int64_t* d, int n, int keepdim) {
  LA_GUARD(nullptr, {
    const at::Tensor& x = T(t);
    bool all = n == 0;
    at::IntArrayRef dims = la::dims(d, n);
    bool kd = keepdim != 0;
    switch (op) {
      case LA_SUM: return la::wrap(all ? x.sum() : x.sum(dims, kd));
      case LA_MEAN: return la::wrap(all ? x.mean() : x.mean(dims, kd));
      case LA_AMAX: return la::wrap(x.amax(dims, kd));
      case LA_AMIN: return la::wrap(x.amin(dims, kd));
      case LA_PROD:
        if (all) return la::wrap(x.prod());
        if (n != 1) throw std::invalid_argument("prod reduces one dim at a time");
        return la::wrap(x.prod(d[0], kd));
      case LA_VAR: return la::wrap(all ? x.var(false) : x.var(dims, false, kd));
      case LA_STD: return la::wrap(all ? x.std(false) : x.std(dims, false, kd));
      case LA_ANY:
        if (all) return la::wrap(x.any());
        if (n != 1) throw std::invalid_argument("any reduces one dim at a time");
        return la::wrap(x.any(d[0], kd));
      case LA_ALL:
        if (all) return la::wrap(x.all());
        if (n != 1) throw std::invalid_argument("all reduces one dim at a time");
        return la::wrap(x.all(d[0], kd));
      case LA_NORM2: return la::wrap(all ? x.norm() : at::norm(x, 2, dims, kd));
    }
    throw std::invalid_argument("unknown reduction " + std::to_string(op));
  })
}
la_tensor la_argmax(la_tensor t, int64_t dim, int keepdim) { LA_T(T(t).argmax(dim, keepdim != 0)) }
la_tensor la_cumsum(la_tensor t, int64_t dim) { LA_T(T(t).cumsum(dim)) }

la_tensor la_matmul(la_tensor a, la_tensor b) { LA_T(at::matmul(T(a), T(b))) }
la_tensor la_bmm(la_tensor a, la_tensor b) { LA_T(at::bmm(T(a), T(b))) }
la_tensor la_addmm(la_tensor bias, la_tensor a, la_tensor b, double beta, double alpha) {
  LA_T(at::addmm(T(bias), T(a), T(b), beta, alpha))
}
la_tensor la_linear(la_tensor x, la_tensor w, la_tensor b) { LA_T(at::linear(T(x), T(w), la::opt(b))) }
la_tensor la_outer(la_tensor a, la_tensor b) { LA_T(at::outer(T(a), T(b))) }

la_tensor la_scaled_mm(la_tensor a, la_tensor b, la_tensor sa, la_tensor sb, la_tensor bias, int out_dtype,
                       int fast_accum) {
#if LA_TORCH_AT_LEAST(2, 4)
  LA_T(at::_scaled_mm(T(a), T(b), T(sa), T(sb), la::opt(bias), c10::nullopt, la::scalar_type(out_dtype),
                      fast_accum != 0))
#else
  (void)a; (void)b; (void)sa; (void)sb; (void)bias; (void)out_dtype; (void)fast_accum;
  la::set_error("FP8 scaled matmul needs libtorch 2.4 or newer with CUDA; this shim was built against " TORCH_VERSION);
  return nullptr;
#endif
}

}  // extern "C"
