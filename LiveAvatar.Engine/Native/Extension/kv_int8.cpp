// Tensor-level entry points of the 8-bit KV rows (kv_int8.cu): shapes, dtypes, packing and alignment, the current
// stream and the device guard. Both write into tensors the caller allocated (slices of a ring or of attention's
// key/value buffer), which must be packed.
#include "extension.h"

#ifdef LAX_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime.h>

#include <cstdint>

extern "C" int lax_launch_kv_quantize_int8(const void* x, long vectors, int dim, void* codes, void* scales, cudaStream_t stream);
extern "C" int lax_launch_kv_dequantize_int8(const void* codes, const void* scales, long elements, int dim, void* out,
                                             cudaStream_t stream);

namespace {
// codes int8 [..., D] and scales float32 with one element per D-vector, both packed, on x's device.
int64_t check_codes(const at::Tensor& codes, const at::Tensor& scales, const at::Tensor& values) {
  TORCH_CHECK(codes.scalar_type() == at::kChar && codes.is_contiguous(), "codes must be packed int8");
  TORCH_CHECK(scales.scalar_type() == at::kFloat && scales.is_contiguous(), "scales must be packed float32");
  TORCH_CHECK(values.scalar_type() == at::kBFloat16 && values.is_contiguous(), "values must be packed bfloat16");
  TORCH_CHECK(values.is_cuda() && codes.device() == values.device() && scales.device() == values.device(),
              "values, codes and scales must be on one CUDA device");
  TORCH_CHECK(codes.sizes() == values.sizes(), "codes ", codes.sizes(), " differ from values ", values.sizes());
  const int64_t dim = values.size(-1);
  TORCH_CHECK(dim > 0 && dim <= 512, "head dim ", dim, " is outside 1..512");
  TORCH_CHECK(scales.numel() * dim == values.numel(), "scales hold ", scales.numel(), " vectors, values ", values.numel() / dim);
  return dim;
}
}  // namespace

// x bf16 [..., D] → codes int8 of x's sizes, scales float32 [numel / D] (the abs-max of each D-vector / 127).
LAX_API int lax_kv_quantize_int8(void* x, void* codes, void* scales) {
  LAX_GUARD(-1, {
    auto& input = lax::T(x);
    auto& q = lax::T(codes);
    auto& s = lax::T(scales);
    const int64_t dim = check_codes(q, s, input);
    const c10::cuda::CUDAGuard guard(input.device());
    const int rc = lax_launch_kv_quantize_int8(input.data_ptr(), input.numel() / dim, (int)dim, q.data_ptr(), s.data_ptr(),
                                               c10::cuda::getCurrentCUDAStream());
    TORCH_CHECK(rc == 0, "kv_quantize_int8: CUDA error ", cudaGetErrorString((cudaError_t)rc));
    return 0;
  })
}

// codes int8 [..., D], scales float32 [numel / D] → out bf16 of codes' sizes (code · scale, rounded to bf16).
LAX_API int lax_kv_dequantize_int8(void* codes, void* scales, void* out) {
  LAX_GUARD(-1, {
    auto& q = lax::T(codes);
    auto& s = lax::T(scales);
    auto& output = lax::T(out);
    const int64_t dim = check_codes(q, s, output);
    TORCH_CHECK(dim % 8 == 0, "head dim ", dim, " must be a multiple of 8");
    TORCH_CHECK(reinterpret_cast<uintptr_t>(q.data_ptr()) % 8 == 0 && reinterpret_cast<uintptr_t>(output.data_ptr()) % 16 == 0,
                "codes must start 8-byte and out 16-byte aligned");
    const c10::cuda::CUDAGuard guard(output.device());
    const int rc = lax_launch_kv_dequantize_int8(q.data_ptr(), s.data_ptr(), output.numel(), (int)dim, output.data_ptr(),
                                                 c10::cuda::getCurrentCUDAStream());
    TORCH_CHECK(rc == 0, "kv_dequantize_int8: CUDA error ", cudaGetErrorString((cudaError_t)rc));
    return 0;
  })
}
#endif
