// Marks the range a profiler should capture (ncu/nsys with --profile-from-start off), so a benchmark can
// profile exactly one forward and not the weight set-up before it.
#include "extension.h"

#ifdef LAX_WITH_CUDA
#include <cuda_profiler_api.h>

LAX_API int lax_profiler_start() { return cudaProfilerStart() == cudaSuccess ? 0 : -1; }
LAX_API int lax_profiler_stop() { return cudaProfilerStop() == cudaSuccess ? 0 : -1; }
#endif
