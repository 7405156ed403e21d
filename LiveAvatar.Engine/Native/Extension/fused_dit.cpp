// Tensor-level entry points of the fused DiT kernels (fused_dit.cu): shape and dtype checks, the current stream, and
// the device guard. Every function writes into tensors the caller allocated or returns a new one; none keeps state.
#include "extension.h"

#ifdef LAX_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime.h>

extern "C" int lax_launch_layer_norm_modulate(void* x, int x_is_bf16, long tokens, int width, float eps,
                                              int round_input, const float* mul, const float* add, int one_plus,
                                              long tokens_per_row, const void* addend, void* out, cudaStream_t stream);
extern "C" int lax_launch_gate_residual(const void* x, int x_is_bf16, const void* y, int y_is_bf16, const float* gate,
                                        long total, int width, long tokens_per_row, void* out, int out_is_bf16,
                                        cudaStream_t stream);
extern "C" int lax_launch_rms_norm_rope(const void* x, long x_row_stride, long tokens, int width, int normalize,
                                        const void* weight, float eps, const float* cos, const float* sin,
                                        int half_head, void* out, long out_row_stride, cudaStream_t stream);
extern "C" int lax_fused_max_width();

namespace {
void check_launch(int rc, const char* what) {
  TORCH_CHECK(rc == 0, what, ": CUDA error ", cudaGetErrorString((cudaError_t)rc));
}

void check_float_or_bf16(const at::Tensor& t, const char* name) {
  TORCH_CHECK(t.is_cuda(), name, " must be on a CUDA device");
  TORCH_CHECK(t.scalar_type() == at::kFloat || t.scalar_type() == at::kBFloat16, name,
              " must be float32 or bfloat16, got ", t.scalar_type());
  TORCH_CHECK(t.is_contiguous(), name, " must be contiguous");
}

int64_t width_of(const at::Tensor& x) {
  const int64_t width = x.size(-1);
  TORCH_CHECK(width > 0 && width <= lax_fused_max_width(), "row width ", width, " is outside 1..", lax_fused_max_width());
  return width;
}

// Per-row modulation [R, width] float32 contiguous (broadcast views are materialised; they are small); R must
// divide the token count, so rows are consecutive token runs (frames of the noisy block, or one row for all).
at::Tensor rows_of(void* handle, int64_t width, int64_t tokens, int64_t* tokens_per_row, const char* name) {
  auto t = lax::T(handle).to(at::kFloat).contiguous().view({-1, width});
  const int64_t rows = t.size(0);
  TORCH_CHECK(rows > 0 && tokens % rows == 0, name, " has ", rows, " rows, which does not divide ", tokens, " tokens");
  if (*tokens_per_row == 0) *tokens_per_row = tokens / rows;
  TORCH_CHECK(*tokens_per_row == tokens / rows, name, " has a different row count than its partner");
  return t;
}
}  // namespace

// LayerNorm (no affine, float32) of x [..., C] then · (1 + mul) + add (one_plus) or · mul + add, as bf16 [..., C].
// mul/add: [R, C] per consecutive run of tokens (or null). round_input rounds x to bf16 first.
namespace {
// bf16(LayerNorm(x) · mul + add), optionally after x += addend in place (x float32, addend bf16 of x's shape).
at::Tensor layer_norm_modulate(at::Tensor& input, void* mul, void* add, int one_plus, int round_input, double eps, void* addend) {
  check_float_or_bf16(input, "x");
  const c10::cuda::CUDAGuard guard(input.device());
  const int64_t width = width_of(input), tokens = input.numel() / width;
  at::Tensor extra;
  if (addend) {
    extra = lax::T(addend);
    TORCH_CHECK(input.scalar_type() == at::kFloat, "adding into x needs a float32 x, got ", input.scalar_type());
    TORCH_CHECK(extra.scalar_type() == at::kBFloat16 && extra.is_contiguous() && extra.sizes() == input.sizes(),
                "the addend must be contiguous bf16 of x's shape ", input.sizes(), ", got ", extra.scalar_type(), " ", extra.sizes());
  }
  int64_t per_row = 0;
  at::Tensor m, a;
  if (mul) m = rows_of(mul, width, tokens, &per_row, "mul");
  if (add) a = rows_of(add, width, tokens, &per_row, "add");
  if (per_row == 0) per_row = tokens;
  auto out = at::empty(input.sizes(), input.options().dtype(at::kBFloat16));
  if (tokens > 0)
    check_launch(lax_launch_layer_norm_modulate(input.data_ptr(), input.scalar_type() == at::kBFloat16, tokens, (int)width,
                                                (float)eps, round_input, mul ? m.data_ptr<float>() : nullptr,
                                                add ? a.data_ptr<float>() : nullptr, one_plus, per_row,
                                                addend ? extra.data_ptr() : nullptr, out.data_ptr(),
                                                c10::cuda::getCurrentCUDAStream()),
                 "layer_norm_modulate");
  return out;
}
}  // namespace

LAX_API void* lax_fused_layer_norm_modulate(void* x, void* mul, void* add, int one_plus, int round_input, double eps) {
  LAX_GUARD(nullptr, { return lax::wrap(layer_norm_modulate(lax::T(x), mul, add, one_plus, round_input, eps, nullptr)); })
}

// x += addend (x float32, contiguous, changed in place), then lax_fused_layer_norm_modulate of the sum with one_plus.
LAX_API void* lax_fused_add_layer_norm_modulate(void* x, void* addend, void* mul, void* add, double eps) {
  LAX_GUARD(nullptr, { return lax::wrap(layer_norm_modulate(lax::T(x), mul, add, 1, 0, eps, addend)); })
}

// float(x) + float(y) · gate, gate [R, C] per consecutive run of tokens; float32 or bf16 out (out_bf16).
LAX_API void* lax_fused_gate_residual(void* x, void* y, void* gate, int out_bf16) {
  LAX_GUARD(nullptr, {
    auto& residual = lax::T(x);
    auto& update = lax::T(y);
    check_float_or_bf16(residual, "x");
    check_float_or_bf16(update, "y");
    TORCH_CHECK(residual.sizes() == update.sizes(), "x ", residual.sizes(), " and y ", update.sizes(), " differ");
    const c10::cuda::CUDAGuard guard(residual.device());
    const int64_t width = width_of(residual), tokens = residual.numel() / width;
    int64_t per_row = 0;
    auto g = rows_of(gate, width, tokens, &per_row, "gate");
    auto out = at::empty(residual.sizes(), residual.options().dtype(out_bf16 ? at::kBFloat16 : at::kFloat));
    if (tokens > 0)
      check_launch(lax_launch_gate_residual(residual.data_ptr(), residual.scalar_type() == at::kBFloat16,
                                            update.data_ptr(), update.scalar_type() == at::kBFloat16, g.data_ptr<float>(),
                                            residual.numel(), (int)width, per_row, out.data_ptr(), out_bf16,
                                            c10::cuda::getCurrentCUDAStream()),
                   "gate_residual");
    return lax::wrap(out);
  })
}

// x bf16 [T, ..., C] (rows of C contiguous, any row stride) → out bf16 with the same row count: optional WanRMSNorm
// (weight bf16 [C] or null) and optional RoPE (cos/sin float32 [T, D/2], or null). out may be a slice of a cache.
LAX_API int lax_fused_rms_norm_rope(void* x, void* weight, void* cos, void* sin, double eps, int normalize, void* out) {
  LAX_GUARD(-1, {
    auto& input = lax::T(x);
    auto& output = lax::T(out);
    TORCH_CHECK(input.is_cuda() && input.scalar_type() == at::kBFloat16, "x must be bfloat16 on a CUDA device");
    TORCH_CHECK(output.scalar_type() == at::kBFloat16 && output.device() == input.device(), "out must be bfloat16 on x's device");
    TORCH_CHECK(input.numel() == output.numel(), "x has ", input.numel(), " elements, out ", output.numel());
    const c10::cuda::CUDAGuard guard(input.device());
    const int64_t width = width_of(input);
    TORCH_CHECK(width % 2 == 0, "row width ", width, " must be even");
    // Rows of C elements; a copy is made only of an input whose rows are not contiguous. out must be viewable.
    auto rows_in = input.reshape({-1, width});
    auto rows_out = output.view({-1, width});
    TORCH_CHECK(rows_in.stride(1) == 1 && rows_out.stride(1) == 1, "rows must be contiguous");
    const int64_t tokens = rows_in.size(0);
    at::Tensor c, s;
    int half_head = 0;
    if (cos) {
      c = lax::T(cos).to(at::kFloat).contiguous();
      s = lax::T(sin).to(at::kFloat).contiguous();
      TORCH_CHECK(c.dim() == 2 && c.size(0) == tokens && c.sizes() == s.sizes(), "cos/sin must be [", tokens,
                  ", D/2], got ", c.sizes(), " and ", s.sizes());
      half_head = (int)c.size(1);
      TORCH_CHECK(width % (2 * half_head) == 0, "row width ", width, " is not a whole number of heads of ", 2 * half_head);
    }
    at::Tensor w;
    if (weight) {
      w = lax::T(weight).to(at::kBFloat16).contiguous();
      TORCH_CHECK(w.numel() == width, "weight has ", w.numel(), " elements, the rows ", width);
    }
    if (tokens > 0)
      check_launch(lax_launch_rms_norm_rope(rows_in.data_ptr(), rows_in.stride(0), tokens, (int)width, normalize,
                                            weight ? w.data_ptr() : nullptr, (float)eps,
                                            cos ? c.data_ptr<float>() : nullptr, cos ? s.data_ptr<float>() : nullptr,
                                            half_head, rows_out.data_ptr(), rows_out.stride(0),
                                            c10::cuda::getCurrentCUDAStream()),
                   "rms_norm_rope");
    return 0;
  })
}

LAX_API int lax_fused_available() { return 1; }
#else
LAX_API int lax_fused_available() { return 0; }
#endif
