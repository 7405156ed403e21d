// Device-side random fills.
#include "random.h"
#include "shim_internal.h"

using la::T;

extern "C" int la_fill_random_(la_tensor t, int kind, uint64_t seed, double std, double lo) {
  LA_GUARD(-1, {
    at::Tensor& x = T(t);
    auto gen = x.device().is_cuda() ? at::detail::getCUDAHooks().getDefaultCUDAGenerator(x.device().index())
                                     : at::detail::getDefaultCPUGenerator();
    {
      std::lock_guard<std::mutex> lock(gen.mutex());
      gen.set_current_seed(seed);
    }
    if (kind == 0) x.normal_(0.0, std, gen);
    else x.uniform_(lo, lo + std, gen);
    return 0;
  })
}
