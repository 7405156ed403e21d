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

// y [M, N] = dequant(q)[:M] · dequant(W8)ᵀ + bias in `out`'s dtype, written into `out` ([M, N] contiguous on q's
// device) when M is already a multiple of 16 (q has no pad rows), else computed padded and copied in. q [Mp, K]:
// e4m3 bytes with Mp = M rounded up to 16 (its pad rows zero), q_inverse its 1/scale; W8 [N, K] e4m3 bytes as uint8,
// w_inverse the weight's 1/scale; bias bf16 [N] or undefined.
void gemm_into(const at::Tensor& q, const at::Tensor& q_inverse, int64_t m, const at::Tensor& weight, const at::Tensor& w_inverse,
               const at::Tensor& bias, at::Tensor& out) {
  TORCH_CHECK(q.is_cuda() && q.scalar_type() == at::kByte && q.dim() == 2 && q.is_contiguous() && q.size(0) % kAlignRows == 0,
              "the quantised activation must be contiguous uint8 [Mp, K] on CUDA with Mp a multiple of ", kAlignRows, ", got ", q.sizes());
  TORCH_CHECK(m > 0 && m <= q.size(0) && q.size(0) - m < kAlignRows, "M = ", m, " does not match ", q.size(0), " padded rows");
  TORCH_CHECK(weight.scalar_type() == at::kByte && weight.dim() == 2 && weight.is_contiguous() && weight.size(1) == q.size(1),
              "W8 must be contiguous uint8 [N, ", q.size(1), "], got ", weight.sizes());
  const int64_t mp = q.size(0), k = q.size(1), n = weight.size(0);
  TORCH_CHECK(k % 16 == 0 && n % 16 == 0, "FP8 GEMM needs K and N divisible by 16, got K ", k, ", N ", n);
  TORCH_CHECK(out.is_contiguous() && out.numel() == m * n && out.device() == q.device(), "the output must be contiguous [", m, ", ", n,
              "] on ", q.device(), ", got ", out.sizes());
  if (bias.defined())
    TORCH_CHECK(bias.scalar_type() == at::kBFloat16 && bias.numel() == n && bias.is_contiguous(), "bias must be contiguous bf16 [", n, "]");
  const auto dtype = out.scalar_type();
  const c10::cuda::CUDAGuard guard(q.device());
  const auto stream = c10::cuda::getCurrentCUDAStream();
  auto handle = at::cuda::getCurrentCUDABlasLtHandle();
  auto& plan = plan_for(q.device().index(), n, mp, k, bias.defined(), dtype, handle);
  set(plan.desc, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, (const void*)w_inverse.data_ptr());
  set(plan.desc, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, (const void*)q_inverse.data_ptr());
  if (bias.defined()) set(plan.desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, (const void*)bias.data_ptr());
  // D has Mp rows: straight into out when there are no pad rows, else into a padded buffer first.
  at::Tensor d = mp == m ? out : at::empty({mp, n}, out.options());
  auto& workspace = workspace_for(q.device());
  const float alpha = 1.f, beta = 0.f;
  check(cublasLtMatmul(handle, plan.desc, &alpha, weight.data_ptr(), plan.a, q.data_ptr(), plan.b, &beta, d.data_ptr(), plan.d,
                       d.data_ptr(), plan.d, &plan.algo, workspace.data_ptr(), kWorkspaceBytes, stream),
        "cublasLtMatmul");
  if (mp != m) out.view({m, n}).copy_(d.narrow(0, 0, m));
}

at::Tensor optional_tensor(void* handle) { return handle ? lax::T(handle) : at::Tensor(); }
}  // namespace

// y [M, N] = dequant(e4m3(x · s)) · dequant(W8)ᵀ + bias in out_dtype, for x [M, K] (bf16 or float32, on CUDA), W8
// [N, K] e4m3 bytes as uint8, w_inverse the weight's 1/scale (float32 scalar), bias bf16 [N] or null.
LAX_API void* lax_f8_linear(void* x, void* w8, void* w_inverse, void* bias, int out_dtype) {
  LAX_GUARD(nullptr, {
    auto& input = lax::T(x);
    TORCH_CHECK(input.is_cuda() && input.dim() == 2 && input.numel() > 0, "x must be a non-empty [M, K] CUDA tensor, got ", input.sizes());
    const int64_t m = input.size(0);
    auto [q, inverse] = lax::quantize_per_tensor(input, (kAlignRows - m % kAlignRows) % kAlignRows);
    // All Mp rows, then a view of the first M: no copy for the pad rows.
    const int64_t mp = q.size(0);
    auto y = at::empty({mp, lax::T(w8).size(0)}, input.options().dtype((at::ScalarType)out_dtype));
    gemm_into(q, inverse, mp, lax::T(w8), lax::T(w_inverse), optional_tensor(bias), y);
    return lax::wrap(mp > m ? y.narrow(0, 0, m) : y);
  })
}

// The GEMM of lax_f8_linear for an activation quantised once (lax_f8_quantize_per_tensor with its pad rows) and used
// by several linears, e.g. q, k and v of one input. m: the activation's real rows. into: null for a new [m, N]
// tensor in out_dtype, or a contiguous [m, N]-sized tensor to write (e.g. a KV ring's rows), whose dtype then wins.
LAX_API void* lax_f8_gemm(void* q, void* q_inverse, int64_t m, void* w8, void* w_inverse, void* bias, int out_dtype, void* into) {
  LAX_GUARD(nullptr, {
    auto& quantised = lax::T(q);
    at::Tensor y = into ? lax::T(into) : at::empty({m, lax::T(w8).size(0)}, quantised.options().dtype((at::ScalarType)out_dtype));
    gemm_into(quantised, lax::T(q_inverse), m, lax::T(w8), lax::T(w_inverse), optional_tensor(bias), y);
    return lax::wrap(y);
  })
}
#endif
