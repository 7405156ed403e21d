// Tensor-level entry point of the VAE's fused RMS_norm (+ SiLU) (fused_vae.cu): shape, dtype and layout checks, the
// current stream and the device guard. Writes into a tensor the caller allocated, which may be a slice of a larger
// one (a frame range of a buffer), as long as each channel's elements are packed.
#include "extension.h"

#ifdef LAX_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime.h>

#include <vector>

extern "C" int lax_launch_channel_rms_norm(const void* x, const void* bias, long outer, int channels, long inner,
                                           const void* gamma, float scale, int silu, void* out, long out_outer,
                                           long out_channel, cudaStream_t stream);
extern "C" int lax_launch_bias_residual(const void* y, const void* bias, const void* h, long outer, int channels, long inner,
                                        int channels_last, void* out, cudaStream_t stream);
extern "C" int lax_launch_channel_rms_norm_last(const void* x, const void* bias, long positions, int channels, const void* gamma,
                                                float scale, int silu, void* out, long out_position, cudaStream_t stream);

namespace {
// A per-channel bf16 vector of exactly `channels` elements (a conv bias, a gamma of [C, 1, 1, 1]).
at::Tensor channel_vector(void* handle, int64_t channels, const char* name) {
  auto v = lax::T(handle).to(at::kBFloat16).contiguous();
  TORCH_CHECK(v.numel() == channels, name, " has ", v.numel(), " elements, x ", channels, " channels");
  return v;
}

// Whether t [N, C, ...] keeps its channels innermost with everything else packed in order (channels-last: the
// permutation [N, ..., C] is contiguous).
bool channels_last(const at::Tensor& t) {
  if (t.dim() < 3) return false;
  std::vector<int64_t> order{0};
  for (int64_t d = 2; d < t.dim(); ++d) order.push_back(d);
  order.push_back(1);
  return t.stride(1) == 1 && t.size(1) > 1 && t.permute(order).is_contiguous();
}
}  // namespace

// x bf16 [N, C, ...] contiguous, gamma [C] (any shape with C elements), bias [C] or null → out bf16 of x's sizes:
// with x' = bf16(x + bias) (or x), x' / max(‖x'‖₂ over C, 1e-12) · scale · gamma, then SiLU when silu.
LAX_API int lax_fused_channel_rms_norm(void* x, void* bias, void* gamma, double scale, int silu, void* out) {
  LAX_GUARD(-1, {
    auto& input = lax::T(x);
    auto& output = lax::T(out);
    TORCH_CHECK(input.is_cuda() && input.scalar_type() == at::kBFloat16, "x must be bfloat16 on a CUDA device");
    TORCH_CHECK(input.dim() >= 2, "x must be [N, C, ...], got ", input.sizes());
    if (channels_last(input)) {
      // Channels innermost (the decoder's activations): rows of C, and out must be laid out the same way.
      TORCH_CHECK(output.scalar_type() == at::kBFloat16 && output.device() == input.device() && output.sizes() == input.sizes() &&
                      channels_last(output),
                  "out must be channels-last bfloat16 of x's sizes on x's device, like x");
      const c10::cuda::CUDAGuard guard(input.device());
      const int64_t channels = input.size(1), positions = input.numel() / channels;
      auto g = channel_vector(gamma, channels, "gamma");
      at::Tensor b;
      if (bias) b = channel_vector(bias, channels, "bias");
      if (input.numel() > 0) {
        const int rc = lax_launch_channel_rms_norm_last(input.data_ptr(), bias ? b.data_ptr() : nullptr, positions, (int)channels,
                                                        g.data_ptr(), (float)scale, silu, output.data_ptr(), channels,
                                                        c10::cuda::getCurrentCUDAStream());
        TORCH_CHECK(rc == 0, "channel_rms_norm (channels last): CUDA error ", cudaGetErrorString((cudaError_t)rc));
      }
      return 0;
    }
    TORCH_CHECK(input.is_contiguous(), "x must be contiguous or channels-last");
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
    auto g = channel_vector(gamma, channels, "gamma");
    at::Tensor b;
    if (bias) b = channel_vector(bias, channels, "bias");
    if (input.numel() > 0) {
      const int rc = lax_launch_channel_rms_norm(input.data_ptr(), bias ? b.data_ptr() : nullptr, input.size(0), (int)channels,
                                                 inner, g.data_ptr(),
                                                 (float)scale, silu, output.data_ptr(), output.stride(0),
                                                 output.stride(1), c10::cuda::getCurrentCUDAStream());
      TORCH_CHECK(rc == 0, "channel_rms_norm: CUDA error ", cudaGetErrorString((cudaError_t)rc));
    }
    return 0;
  })
}

// y, h bf16 [N, C, ...] contiguous, bias [C] → new bf16 bf16(bf16(y + bias) + h): a residual block's last
// convolution (run without its bias) finished with its bias and the shortcut in one pass.
LAX_API void* lax_fused_bias_residual(void* y, void* bias, void* h) {
  LAX_GUARD(nullptr, {
    auto& conv = lax::T(y);
    auto& shortcut = lax::T(h);
    const bool last = channels_last(conv);
    TORCH_CHECK(conv.is_cuda() && conv.scalar_type() == at::kBFloat16 && conv.dim() >= 2 && (last || conv.is_contiguous()),
                "y must be a contiguous or channels-last bfloat16 [N, C, ...] tensor on a CUDA device");
    TORCH_CHECK(shortcut.sizes() == conv.sizes() && shortcut.scalar_type() == at::kBFloat16 && shortcut.device() == conv.device() &&
                    (last ? channels_last(shortcut) : shortcut.is_contiguous()),
                "h must be a bfloat16 tensor of y's sizes and layout on y's device, got ", shortcut.sizes());
    const c10::cuda::CUDAGuard guard(conv.device());
    const int64_t channels = conv.size(1);
    const int64_t inner = conv.numel() / std::max<int64_t>(1, conv.size(0) * channels);
    auto b = channel_vector(bias, channels, "bias");
    auto out = at::empty_like(conv);  // keeps y's layout
    TORCH_CHECK(!last || channels_last(out), "could not allocate a channels-last output");
    if (conv.numel() > 0) {
      const int rc = lax_launch_bias_residual(conv.data_ptr(), b.data_ptr(), shortcut.data_ptr(), conv.size(0), (int)channels,
                                              inner, last ? 1 : 0, out.data_ptr(), c10::cuda::getCurrentCUDAStream());
      TORCH_CHECK(rc == 0, "bias_residual: CUDA error ", cudaGetErrorString((cudaError_t)rc));
    }
    return lax::wrap(out);
  })
}
#endif
