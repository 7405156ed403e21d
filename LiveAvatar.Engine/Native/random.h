// Device-side random fills (synthetic weights for benchmarks: no host round trip for 16 B parameters).
#pragma once
#include "shim.h"

#ifdef __cplusplus
extern "C" {
#endif

// Fills t in place with N(0, std²) (kind 0) or U(lo, lo + std) (kind 1) from the device's own generator,
// seeded with seed. Unlike la_random, the numbers depend on the device.
LA_API int la_fill_random_(la_tensor t, int kind, uint64_t seed, double std, double lo);

#ifdef __cplusplus
}
#endif
