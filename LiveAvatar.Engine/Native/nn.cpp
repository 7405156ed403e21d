// Convolution, normalisation, padding, interpolation, attention and RoPE.
#include "shim_internal.h"
#include <cmath>

using la::T;

namespace {
c10::optional<double> scale_at(const double* scales, int i) {
  if (!scales) return c10::nullopt;
  return scales[i];
}

at::Tensor sdpa_composite(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                          const c10::optional<at::Tensor>& mask, double scale, bool causal) {
  // Exact softmax(QK^T * scale + mask) V, accumulated in fp32 for half inputs.
  auto in_type = q.scalar_type();
  bool low = in_type == at::kHalf || in_type == at::kBFloat16;
  auto qf = low ? q.to(at::kFloat) : q;
  auto kf = low ? k.to(at::kFloat) : k;
  auto vf = low ? v.to(at::kFloat) : v;
  auto scores = at::matmul(qf, kf.transpose(-2, -1)).mul_(scale);
  if (causal) {
    auto lq = q.size(-2), lk = k.size(-2);
    auto keep = at::ones({lq, lk}, at::TensorOptions().dtype(at::kBool).device(q.device())).tril(lk - lq);
    scores.masked_fill_(keep.logical_not(), -std::numeric_limits<double>::infinity());
  }
  if (mask) {
    if (mask->scalar_type() == at::kBool)
      scores.masked_fill_(mask->logical_not(), -std::numeric_limits<double>::infinity());
    else
      scores.add_(mask->to(scores.scalar_type()));
  }
  auto out = at::matmul(at::softmax(scores, -1), vf);
  return low ? out.to(in_type) : out;
}
}  // namespace

extern "C" {

la_tensor la_conv(la_tensor x, la_tensor w, la_tensor b, const int64_t* stride, const int64_t* padding,
                  const int64_t* dilation, int n, int64_t groups) {
  LA_GUARD(nullptr, {
    auto s = la::dims(stride, n), p = la::dims(padding, n), d = la::dims(dilation, n);
    switch (n) {
      case 1: return la::wrap(at::conv1d(T(x), T(w), la::opt(b), s, p, d, groups));
      case 2: return la::wrap(at::conv2d(T(x), T(w), la::opt(b), s, p, d, groups));
      case 3: return la::wrap(at::conv3d(T(x), T(w), la::opt(b), s, p, d, groups));
    }
    throw std::invalid_argument("conv supports 1, 2 or 3 spatial dims, got " + std::to_string(n));
  })
}
la_tensor la_layer_norm(la_tensor x, const int64_t* shape, int n, la_tensor w, la_tensor b, double eps) {
  LA_T(at::layer_norm(T(x), la::dims(shape, n), la::opt(w), la::opt(b), eps))
}
la_tensor la_group_norm(la_tensor x, int64_t groups, la_tensor w, la_tensor b, double eps) {
  LA_T(at::group_norm(T(x), groups, la::opt(w), la::opt(b), eps))
}
la_tensor la_pad(la_tensor x, const int64_t* pads, int n, int mode, double value) {
  LA_GUARD(nullptr, {
    auto p = la::dims(pads, n);
    if (mode == LA_PAD_CONSTANT) return la::wrap(at::constant_pad_nd(T(x), p, value));
    if (mode == LA_PAD_REPLICATE) {
      switch (n) {
        case 2: return la::wrap(at::replication_pad1d(T(x), p));
        case 4: return la::wrap(at::replication_pad2d(T(x), p));
        case 6: return la::wrap(at::replication_pad3d(T(x), p));
      }
    } else if (mode == LA_PAD_REFLECT) {
      switch (n) {
        case 2: return la::wrap(at::reflection_pad1d(T(x), p));
        case 4: return la::wrap(at::reflection_pad2d(T(x), p));
        case 6: return la::wrap(at::reflection_pad3d(T(x), p));
      }
    }
    throw std::invalid_argument("pad: mode " + std::to_string(mode) + " with " + std::to_string(n) +
                                " pad values is not supported");
  })
}
la_tensor la_interpolate(la_tensor x, int mode, const int64_t* sizes, const double* scales, int n, int align) {
  LA_GUARD(nullptr, {
    auto s = la::dims(sizes, n);
    bool ac = align != 0;
    const at::Tensor& t = T(x);
    if (t.dim() != n + 2)
      throw std::invalid_argument("interpolate: input needs " + std::to_string(n + 2) + " dims, got " +
                                  std::to_string(t.dim()));
    switch (mode) {
      case LA_INTERP_NEAREST:
        if (n == 1) return la::wrap(at::upsample_nearest1d(t, s, scale_at(scales, 0)));
        if (n == 2) return la::wrap(at::upsample_nearest2d(t, s, scale_at(scales, 0), scale_at(scales, 1)));
        if (n == 3)
          return la::wrap(at::upsample_nearest3d(t, s, scale_at(scales, 0), scale_at(scales, 1), scale_at(scales, 2)));
        break;
      case LA_INTERP_NEAREST_EXACT:
        if (n == 1) return la::wrap(at::_upsample_nearest_exact1d(t, s, scale_at(scales, 0)));
        if (n == 2) return la::wrap(at::_upsample_nearest_exact2d(t, s, scale_at(scales, 0), scale_at(scales, 1)));
        if (n == 3)
          return la::wrap(
              at::_upsample_nearest_exact3d(t, s, scale_at(scales, 0), scale_at(scales, 1), scale_at(scales, 2)));
        break;
      case LA_INTERP_LINEAR:
        if (n == 1) return la::wrap(at::upsample_linear1d(t, s, ac, scale_at(scales, 0)));
        break;
      case LA_INTERP_BILINEAR:
        if (n == 2) return la::wrap(at::upsample_bilinear2d(t, s, ac, scale_at(scales, 0), scale_at(scales, 1)));
        break;
      case LA_INTERP_BICUBIC:
        if (n == 2) return la::wrap(at::upsample_bicubic2d(t, s, ac, scale_at(scales, 0), scale_at(scales, 1)));
        break;
      case LA_INTERP_TRILINEAR:
        if (n == 3)
          return la::wrap(
              at::upsample_trilinear3d(t, s, ac, scale_at(scales, 0), scale_at(scales, 1), scale_at(scales, 2)));
        break;
    }
    throw std::invalid_argument("interpolate: mode " + std::to_string(mode) + " does not take " +
                                std::to_string(n) + " spatial dims");
  })
}
la_tensor la_sdpa(la_tensor q, la_tensor k, la_tensor v, la_tensor mask, double scale, int is_causal) {
  LA_GUARD(nullptr, {
    double s = scale > 0 ? scale : 1.0 / std::sqrt((double)T(q).size(-1));
#if LA_TORCH_AT_LEAST(2, 1)
    return la::wrap(at::scaled_dot_product_attention(T(q), T(k), T(v), la::opt(mask), 0.0, is_causal != 0, s));
#endif
    return la::wrap(sdpa_composite(T(q), T(k), T(v), la::opt(mask), s, is_causal != 0));
  })
}
la_tensor la_rope_pairs(la_tensor x, la_tensor cos, la_tensor sin) {
  LA_GUARD(nullptr, {
    const at::Tensor& t = T(x);
    auto d = t.size(-1);
    if (d % 2 != 0) throw std::invalid_argument("rope: last dim must be even, got " + std::to_string(d));
    auto shape = t.sizes().vec();
    shape.back() = d / 2;
    shape.push_back(2);
    // fp32 at least (the factors are fp32 tables); fp64 inputs stay fp64.
    auto ct = t.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
    auto xf = t.to(ct).reshape(shape);
    auto x0 = xf.select(-1, 0), x1 = xf.select(-1, 1);
    auto c = T(cos).to(ct), s = T(sin).to(ct);
    auto out = at::stack({x0 * c - x1 * s, x0 * s + x1 * c}, -1).flatten(-2);
    return la::wrap(out.to(t.scalar_type()));
  })
}

}  // extern "C"
