// FP8 (E4M3) weights and GEMM. TorchSharp 0.107 has no float8 dtype, so FP8 tensors live in C# as uint8 tensors
// holding the same bytes; they are reinterpreted here (a view, no copy) before any float8 op.
#include <limits>

#include "extension.h"

#ifdef LAX_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime.h>

extern "C" int lax_launch_f8_quantize_per_tensor(const void* x, int x_is_bf16, long n, int prologue, unsigned* amax_bits,
                                                 unsigned char* out, float* inverse, cudaStream_t stream);
#endif

namespace {
constexpr double kE4M3Max = 448.0;
at::Tensor as_e4m3(const at::Tensor& bytes) {
  TORCH_CHECK(bytes.scalar_type() == at::kByte, "float8 data must be carried as uint8, got ", bytes.scalar_type());
  return bytes.view(at::kFloat8_e4m3fn);
}
}  // namespace

// bytes of float8_e4m3fn(clamp(x * scale, -448, 448)), computed in fp32.
LAX_API void* lax_f8_quantize_e4m3(void* x, void* scale) {
  LAX_GUARD(nullptr, {
    auto q = (lax::T(x).to(at::kFloat) * lax::T(scale)).clamp(-kE4M3Max, kE4M3Max).to(at::kFloat8_e4m3fn);
    return lax::wrap(q.view(at::kByte));
  })
}

// max |x| in one reduction (no |x| tensor), as float32 [0-dim]: the same value as x.abs().amax(), which is exact in
// any dtype.
LAX_API void* lax_abs_max(void* x) {
  LAX_GUARD(nullptr, {
    auto m = at::linalg_vector_norm(lax::T(x), std::numeric_limits<double>::infinity());
    return lax::wrap(m.to(at::kFloat));
  })
}

// bytes of float8_e4m3fn(x * scale) for a scale made from x's own amax (scale <= 448 / amax): |x * scale| is then at
// most 448 (1 + a few 2^-24), which rounds to 448, far below e4m3fn's NaN threshold (464), so the clamp of
// lax_f8_quantize_e4m3 changes nothing and is left out. The [1]-shaped float32 scale (unlike a 0-dim one) promotes
// the product to float32, so x is widened per element inside the multiply instead of by a separate cast: two
// kernels instead of four, the same bytes.
LAX_API void* lax_f8_quantize_e4m3_amax_scaled(void* x, void* scale) {
  LAX_GUARD(nullptr, {
    auto s = lax::T(scale);
    TORCH_CHECK(s.scalar_type() == at::kFloat && s.numel() == 1, "the scale must be one float32 value");
    auto q = at::mul(lax::T(x), s.reshape({1})).to(at::kFloat8_e4m3fn);
    return lax::wrap(q.view(at::kByte));
  })
}

#ifdef LAX_WITH_CUDA
// x [M, K] (float32 or bf16, on CUDA) → q: the e4m3 bytes of x · scale as uint8 [M + pad_rows, K] (the pad rows
// zero, for the matmul's 16-row alignment, without copying x), inverse: 1 / scale as a float32 scalar, with scale =
// min(448 / max(amax, 1e-12), 448) as Fp8Math.Scale says. Two kernels (float8_quantize.cu); the same bytes as
// lax_f8_quantize_e4m3 given the same scale.
namespace lax {
std::pair<at::Tensor, at::Tensor> quantize_per_tensor(at::Tensor input, int64_t pad_rows, int prologue) {
  TORCH_CHECK(input.is_cuda(), "x must be on a CUDA device");
  TORCH_CHECK(input.dim() == 2, "x must be [M, K], got ", input.sizes());
  TORCH_CHECK(input.numel() > 0, "x is empty");
  TORCH_CHECK(pad_rows >= 0, "pad_rows must not be negative");
  TORCH_CHECK(prologue >= 0 && prologue <= 2, "unknown prologue ", prologue, " (0 none, 1 and 2 tanh GELU)");
  if (input.scalar_type() != at::kBFloat16 && input.scalar_type() != at::kFloat) input = input.to(at::kFloat);
  input = input.contiguous();
  const c10::cuda::CUDAGuard guard(input.device());
  const int64_t rows = input.size(0), width = input.size(1);
  auto q = at::empty({rows + pad_rows, width}, input.options().dtype(at::kByte));
  if (pad_rows > 0) q.narrow(0, rows, pad_rows).zero_();
  auto inverse = at::empty({}, input.options().dtype(at::kFloat));
  auto scratch = at::empty({1}, input.options().dtype(at::kInt));
  const int rc = lax_launch_f8_quantize_per_tensor(
      input.data_ptr(), input.scalar_type() == at::kBFloat16, (long)input.numel(), prologue,
      reinterpret_cast<unsigned*>(scratch.data_ptr<int>()), q.data_ptr<uint8_t>(), inverse.data_ptr<float>(),
      c10::cuda::getCurrentCUDAStream());
  TORCH_CHECK(rc == 0, "float8 quantize: CUDA error ", cudaGetErrorString((cudaError_t)rc));
  return {q, inverse};
}
}  // namespace lax

LAX_API int lax_f8_quantize_per_tensor(void* x, int64_t pad_rows, void** q_out, void** inverse_out) {
  LAX_GUARD(-1, {
    auto [q, inverse] = lax::quantize_per_tensor(lax::T(x), pad_rows, 0);
    *q_out = lax::wrap(q);
    *inverse_out = lax::wrap(inverse);
    return 0;
  })
}

// The same for tanh-GELU(x) without making it (prologue 1 or 2: see float8_quantize.cu): the bytes and scale that
// gelu(x, approximate="tanh") then lax_f8_quantize_per_tensor give.
LAX_API int lax_f8_quantize_gelu_per_tensor(void* x, int64_t pad_rows, int prologue, void** q_out, void** inverse_out) {
  LAX_GUARD(-1, {
    TORCH_CHECK(prologue == 1 || prologue == 2, "the GELU prologue is 1 or 2, not ", prologue);
    auto [q, inverse] = lax::quantize_per_tensor(lax::T(x), pad_rows, prologue);
    *q_out = lax::wrap(q);
    *inverse_out = lax::wrap(inverse);
    return 0;
  })
}
#endif

LAX_API void* lax_f8_dequantize_e4m3(void* bytes, int dtype) {
  LAX_GUARD(nullptr, { return lax::wrap(as_e4m3(lax::T(bytes)).to((at::ScalarType)dtype)); })
}

// out = (a8 * scale_a) @ (b8 * scale_b) + bias in out_dtype; a8 row-major [M,K], b8 column-major [K,N].
LAX_API void* lax_f8_scaled_mm(void* a8, void* b8, void* scale_a, void* scale_b, void* bias, int out_dtype,
                               int fast_accum) {
  LAX_GUARD(nullptr, {
    c10::optional<at::Tensor> b = bias ? c10::optional<at::Tensor>(lax::T(bias)) : c10::nullopt;
    auto y = at::_scaled_mm(as_e4m3(lax::T(a8)), as_e4m3(lax::T(b8)), lax::T(scale_a), lax::T(scale_b), b,
                            c10::nullopt, (at::ScalarType)out_dtype, fast_accum != 0);
    return lax::wrap(y);
  })
}
