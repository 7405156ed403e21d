// One FP8 linear in one call: the activation's per-tensor e4m3 quantisation (float8_quantize.cu) and the e4m3 GEMM
// with its bias through cuBLASLt, with the GEMM's plan (descriptors and the heuristic's algorithm) cached per shape.
// at::_scaled_mm builds the descriptors and asks cuBLASLt's heuristic again on every call, about 100 µs of host time;
// with 280 linears per DiT forward that was a fifth of the host's time per forward, and the host is what the
// block loop waits for. The operands and attributes are the ones _scaled_mm passes (the weight as the transposed A,
// the activation as B, fast accumulation, the bias epilogue), so the results are the same GEMM's.
#include "extension.h"

#ifdef LAX_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cublasLt.h>
#include <cuda_runtime.h>

#include <map>
#include <memory>
#include <tuple>

// libtorch_cuda's per-thread cuBLASLt handle (ATen/cuda/CUDAContextLight.h, declared here so that only cuBLASLt's
// own header is needed, not every CUDA library header ATen's includes pull in).
namespace at::cuda {
cublasLtHandle_t getCurrentCUDABlasLtHandle();
}

extern "C" int lax_launch_f8_quantize_per_tensor(const void* x, int x_is_bf16, long n, unsigned* amax_bits,
                                                 unsigned char* out, float* inverse, cudaStream_t stream);

namespace {
constexpr int64_t kAlignRows = 16;
constexpr uint64_t kWorkspaceBytes = 32ull << 20;

void check(cublasStatus_t status, const char* what) {
  TORCH_CHECK(status == CUBLAS_STATUS_SUCCESS, what, " failed: cuBLAS status ", (int)status);
}

cudaDataType_t cuda_type(at::ScalarType t) {
  switch (t) {
    case at::kBFloat16: return CUDA_R_16BF;
    case at::kHalf: return CUDA_R_16F;
    case at::kFloat: return CUDA_R_32F;
    default: TORCH_CHECK(false, "FP8 linear output must be bfloat16, float16 or float32, got ", t);
  }
  return CUDA_R_16BF;
}

template <typename T>
void set(cublasLtMatmulDesc_t desc, cublasLtMatmulDescAttributes_t attribute, const T& value) {
  check(cublasLtMatmulDescSetAttribute(desc, attribute, &value, sizeof(value)), "cublasLtMatmulDescSetAttribute");
}

// Column-major view of the row-major product: D (N×Mp) = op(A) (N×K) · B (K×Mp), A the weight's K×N bytes transposed,
// B the activation's K×Mp bytes, D the output [Mp, N] row-major.
struct Plan {
  cublasLtMatmulDesc_t desc = nullptr;
  cublasLtMatrixLayout_t a = nullptr, b = nullptr, d = nullptr;
  cublasLtMatmulAlgo_t algo{};

  Plan(cublasLtHandle_t handle, int64_t n, int64_t mp, int64_t k, bool bias, at::ScalarType out) {
    check(cublasLtMatmulDescCreate(&desc, CUBLAS_COMPUTE_32F, CUDA_R_32F), "cublasLtMatmulDescCreate");
    set(desc, CUBLASLT_MATMUL_DESC_TRANSA, CUBLAS_OP_T);
    set(desc, CUBLASLT_MATMUL_DESC_TRANSB, CUBLAS_OP_N);
    set(desc, CUBLASLT_MATMUL_DESC_FAST_ACCUM, (int8_t)1);
    if (bias) {
      set(desc, CUBLASLT_MATMUL_DESC_EPILOGUE, CUBLASLT_EPILOGUE_BIAS);
      set(desc, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, CUDA_R_16BF);
    }
    check(cublasLtMatrixLayoutCreate(&a, CUDA_R_8F_E4M3, k, n, k), "A layout");
    check(cublasLtMatrixLayoutCreate(&b, CUDA_R_8F_E4M3, k, mp, k), "B layout");
    check(cublasLtMatrixLayoutCreate(&d, cuda_type(out), n, mp, n), "D layout");
    cublasLtMatmulPreference_t preference = nullptr;
    check(cublasLtMatmulPreferenceCreate(&preference), "cublasLtMatmulPreferenceCreate");
    const uint64_t workspace = kWorkspaceBytes;
    cublasLtMatmulPreferenceSetAttribute(preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &workspace, sizeof(workspace));
    cublasLtMatmulHeuristicResult_t result{};
    int returned = 0;
    const auto status = cublasLtMatmulAlgoGetHeuristic(handle, desc, a, b, d, d, preference, 1, &result, &returned);
    cublasLtMatmulPreferenceDestroy(preference);
    check(status, "cublasLtMatmulAlgoGetHeuristic");
    TORCH_CHECK(returned > 0, "cuBLASLt has no FP8 algorithm for [", mp, ", ", k, "] x [", k, ", ", n, "]");
    algo = result.algo;
  }

  ~Plan() {
    if (a) cublasLtMatrixLayoutDestroy(a);
    if (b) cublasLtMatrixLayoutDestroy(b);
    if (d) cublasLtMatrixLayoutDestroy(d);
    if (desc) cublasLtMatmulDescDestroy(desc);
  }
};

// Per thread: a plan's descriptor gets this call's pointers written into it, so threads must not share one.
Plan& plan_for(int device, int64_t n, int64_t mp, int64_t k, bool bias, at::ScalarType out, cublasLtHandle_t handle) {
  thread_local std::map<std::tuple<int, int64_t, int64_t, int64_t, bool, int>, std::unique_ptr<Plan>> plans;
  const auto key = std::make_tuple(device, n, mp, k, bias, (int)out);
  auto it = plans.find(key);
  if (it == plans.end()) it = plans.emplace(key, std::make_unique<Plan>(handle, n, mp, k, bias, out)).first;
  return *it->second;
}

at::Tensor& workspace_for(const at::Device& device) {
  thread_local std::map<int, at::Tensor> workspaces;
  auto& w = workspaces[device.index()];
  if (!w.defined()) w = at::empty({(int64_t)kWorkspaceBytes}, at::TensorOptions().device(device).dtype(at::kByte));
  return w;
}
}  // namespace

// y [M, N] = dequant(e4m3(x · s)) · dequant(W8)ᵀ + bias in out_dtype, for x [M, K] (bf16 or float32, contiguous, on
// CUDA), W8 [N, K] e4m3 bytes as uint8, w_inverse the weight's 1/scale (float32 scalar), bias bf16 [N] or null.
LAX_API void* lax_f8_linear(void* x, void* w8, void* w_inverse, void* bias, int out_dtype) {
  LAX_GUARD(nullptr, {
    auto input = lax::T(x);
    auto& weight = lax::T(w8);
    TORCH_CHECK(input.is_cuda() && input.dim() == 2 && input.numel() > 0, "x must be a non-empty [M, K] CUDA tensor, got ", input.sizes());
    TORCH_CHECK(weight.scalar_type() == at::kByte && weight.dim() == 2 && weight.is_contiguous() && weight.size(1) == input.size(1),
                "W8 must be contiguous uint8 [N, ", input.size(1), "], got ", weight.sizes());
    if (input.scalar_type() != at::kBFloat16 && input.scalar_type() != at::kFloat) input = input.to(at::kFloat);
    input = input.contiguous();
    const auto out = (at::ScalarType)out_dtype;
    const c10::cuda::CUDAGuard guard(input.device());
    const auto stream = c10::cuda::getCurrentCUDAStream();
    const int64_t m = input.size(0), k = input.size(1), n = weight.size(0);
    const int64_t mp = (m + kAlignRows - 1) / kAlignRows * kAlignRows;
    TORCH_CHECK(k % 16 == 0 && n % 16 == 0, "FP8 GEMM needs K and N divisible by 16, got K ", k, ", N ", n);
    at::Tensor b;
    if (bias) {
      b = lax::T(bias);
      TORCH_CHECK(b.scalar_type() == at::kBFloat16 && b.numel() == n && b.is_contiguous(), "bias must be contiguous bf16 [", n, "]");
    }
    auto q = at::empty({mp, k}, input.options().dtype(at::kByte));
    if (mp > m) q.narrow(0, m, mp - m).zero_();
    auto inverse = at::empty({}, input.options().dtype(at::kFloat));
    auto scratch = at::empty({1}, input.options().dtype(at::kInt));
    const int rc = lax_launch_f8_quantize_per_tensor(input.data_ptr(), input.scalar_type() == at::kBFloat16, (long)input.numel(),
                                                     reinterpret_cast<unsigned*>(scratch.data_ptr<int>()), q.data_ptr<uint8_t>(),
                                                     inverse.data_ptr<float>(), stream);
    TORCH_CHECK(rc == 0, "float8 quantize: CUDA error ", cudaGetErrorString((cudaError_t)rc));
    auto handle = at::cuda::getCurrentCUDABlasLtHandle();
    auto& plan = plan_for(input.device().index(), n, mp, k, bias != nullptr, out, handle);
    const void* scale_a = lax::T(w_inverse).data_ptr();
    const void* scale_b = inverse.data_ptr();
    set(plan.desc, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, scale_a);
    set(plan.desc, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, scale_b);
    if (bias) set(plan.desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, (const void*)b.data_ptr());
    auto y = at::empty({mp, n}, input.options().dtype(out));
    auto& workspace = workspace_for(input.device());
    const float alpha = 1.f, beta = 0.f;
    check(cublasLtMatmul(handle, plan.desc, &alpha, weight.data_ptr(), plan.a, q.data_ptr(), plan.b, &beta, y.data_ptr(), plan.d,
                         y.data_ptr(), plan.d, &plan.algo, workspace.data_ptr(), kWorkspaceBytes, stream),
          "cublasLtMatmul");
    return lax::wrap(mp > m ? y.narrow(0, 0, m) : y);
  })
}
#endif
