// Device-side random fills.
#include "random.h"
#include "shim_internal.h"

using la::T;

extern "C" int la_fill_random_(la_tensor t, int kind, uint64_t seed, double std, double lo) {
  LA_GUARD(-1, {
    at::Tensor& x = T(t);
    // Seeds the default generators of every device (the hooks' generator accessors differ across releases).
    at::manual_seed(seed);
    if (kind == 0) x.normal_(0.0, std);
    else x.uniform_(lo, lo + std);
    return 0;
  })
}
