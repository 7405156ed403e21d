// Tensor-level entry point of the VAE's fused RMS_norm (+ SiLU) (fused_vae.cu): shape, dtype and layout checks, the
// current stream and the device guard. Writes into a tensor the caller allocated, which may be a slice of a larger
// one (a frame range of a buffer), as long as each channel's elements are packed.
#include "extension.h"

#ifdef LAX_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime.h>

extern "C" int lax_launch_channel_rms_norm(const void* x, long outer, int channels, long inner, const void* gamma,
                                           float scale, int silu, void* out, long out_outer, long out_channel,
                                           cudaStream_t stream);

// x bf16 [N, C, ...] contiguous, gamma [C] (any shape with C elements) → out bf16 of x's sizes:
// x / max(‖x‖₂ over C, 1e-12) · scale · gamma, then SiLU when silu.
LAX_API int lax_fused_channel_rms_norm(void* x, void* gamma, double scale, int silu, void* out) {
  LAX_GUARD(-1, {
    auto& input = lax::T(x);
    auto& output = lax::T(out);
    TORCH_CHECK(input.is_cuda() && input.scalar_type() == at::kBFloat16, "x must be bfloat16 on a CUDA device");
    TORCH_CHECK(input.dim() >= 2, "x must be [N, C, ...], got ", input.sizes());
    TORCH_CHECK(input.is_contiguous(), "x must be contiguous");
    TORCH_CHECK(output.scalar_type() == at::kBFloat16 && output.device() == input.device(), "out must be bfloat16 on x's device");
    TORCH_CHECK(output.sizes() == input.sizes(), "out ", output.sizes(), " differs from x ", input.sizes());
    int64_t packed = 1;
    for (int64_t d = output.dim() - 1; d >= 2; --d) {
      TORCH_CHECK(output.size(d) == 1 || output.stride(d) == packed, "out must keep each channel's elements packed");
      packed *= output.size(d);
    }
    const c10::cuda::CUDAGuard guard(input.device());
    const int64_t channels = input.size(1);
    const int64_t inner = input.numel() / std::max<int64_t>(1, input.size(0) * channels);
    auto g = lax::T(gamma).to(at::kBFloat16).contiguous();
    TORCH_CHECK(g.numel() == channels, "gamma has ", g.numel(), " elements, x ", channels, " channels");
    if (input.numel() > 0) {
      const int rc = lax_launch_channel_rms_norm(input.data_ptr(), input.size(0), (int)channels, inner, g.data_ptr(),
                                                 (float)scale, silu, output.data_ptr(), output.stride(0),
                                                 output.stride(1), c10::cuda::getCurrentCUDAStream());
      TORCH_CHECK(rc == 0, "channel_rms_norm: CUDA error ", cudaGetErrorString((cudaError_t)rc));
    }
    return 0;
  })
}
#endif
