// CUDA devices, memory, streams and events. Built without LA_WITH_CUDA (the CPU libtorch), every call
// reports that this shim has no CUDA support instead of failing to link.
#include "shim_internal.h"
#include <ATen/detail/CUDAHooksInterface.h>
#include <cstring>

#ifdef LA_WITH_CUDA
#include <ATen/cuda/CUDAEvent.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#define LA_CUDA_ONLY(fail, ...) LA_GUARD(fail, __VA_ARGS__)
// The caching allocator sets a device up on its first allocation and rejects the index before that.
static void touch(int dev) { at::empty({1}, at::TensorOptions().device(at::kCUDA, (c10::DeviceIndex)dev)); }
static void check(cudaError_t e) {
  if (e != cudaSuccess) throw std::runtime_error(std::string("CUDA: ") + cudaGetErrorString(e));
}
#else
#define LA_CUDA_ONLY(fail, ...)                                                                      \
  la::set_error("this native shim was built against a CPU-only libtorch (" TORCH_VERSION "); rebuild " \
                "launch-scripts/build-native.sh with LIBTORCH pointing at a CUDA libtorch 2.x");      \
  return fail;
#endif

extern "C" {

int la_cuda_available(void) {
  try { return at::detail::getCUDAHooks().hasCUDA() ? 1 : 0; } catch (...) { return 0; }
}
int la_cuda_device_count(void) {
  try { return at::detail::getCUDAHooks().hasCUDA() ? (int)at::detail::getCUDAHooks().getNumGPUs() : 0; }
  catch (...) { return 0; }
}

int la_cuda_synchronize(int dev) {
  LA_CUDA_ONLY(-1, { c10::cuda::CUDAGuard g((c10::DeviceIndex)dev); check(cudaDeviceSynchronize()); return 0; })
}
int la_cuda_mem_info(int dev, int64_t* free_bytes, int64_t* total_bytes) {
  LA_CUDA_ONLY(-1, {
    c10::cuda::CUDAGuard g((c10::DeviceIndex)dev);
    size_t f = 0, t = 0;
    check(cudaMemGetInfo(&f, &t));
    *free_bytes = (int64_t)f; *total_bytes = (int64_t)t;
    return 0;
  })
}
int la_cuda_mem_stats(int dev, int64_t* out4) {
  LA_CUDA_ONLY(-1, {
    // The caching allocator sets a device up on its first allocation; before that it rejects the index.
    auto get = [dev] { return c10::cuda::CUDACachingAllocator::getDeviceStats((c10::DeviceIndex)dev); };
    decltype(get()) s;  // the stats type moved namespaces across releases
    try {
      s = get();
    } catch (const c10::Error&) {
      at::empty({1}, at::TensorOptions().device(at::kCUDA, (c10::DeviceIndex)dev));
      s = get();
    }
    out4[0] = s.allocated_bytes[0].current;  // index 0 is the aggregate pool
    out4[1] = s.reserved_bytes[0].current;
    out4[2] = s.allocated_bytes[0].peak;
    out4[3] = s.reserved_bytes[0].peak;
    return 0;
  })
}
int la_cuda_reset_peak(int dev) {
  LA_CUDA_ONLY(-1, { touch(dev); c10::cuda::CUDACachingAllocator::resetPeakStats((c10::DeviceIndex)dev); return 0; })
}
int la_cuda_set_memory_fraction(double fraction, int dev) {
  LA_CUDA_ONLY(-1, {
    touch(dev);
    c10::cuda::CUDACachingAllocator::setMemoryFraction(fraction, (c10::DeviceIndex)dev);
    return 0;
  })
}
int la_cuda_empty_cache(void) { LA_CUDA_ONLY(-1, { c10::cuda::CUDACachingAllocator::emptyCache(); return 0; }) }
int la_cuda_device_name(int dev, char* buf, int cap) {
  LA_CUDA_ONLY(-1, {
    cudaDeviceProp p;
    check(cudaGetDeviceProperties(&p, dev));
    std::strncpy(buf, p.name, (size_t)cap - 1);
    buf[cap - 1] = 0;
    return 0;
  })
}

#ifdef LA_WITH_CUDA
static c10::cuda::CUDAStream& S(la_stream s) { return *reinterpret_cast<c10::cuda::CUDAStream*>(s); }
static at::cuda::CUDAEvent& E(la_event e) { return *reinterpret_cast<at::cuda::CUDAEvent*>(e); }
#endif

la_stream la_stream_create(int dev, int high_priority) {
  LA_CUDA_ONLY(nullptr, {
    auto s = c10::cuda::getStreamFromPool(high_priority != 0, (c10::DeviceIndex)dev);
    return reinterpret_cast<la_stream>(new c10::cuda::CUDAStream(s));
  })
}
la_stream la_stream_current(int dev) {
  LA_CUDA_ONLY(nullptr, {
    return reinterpret_cast<la_stream>(new c10::cuda::CUDAStream(c10::cuda::getCurrentCUDAStream((c10::DeviceIndex)dev)));
  })
}
int la_stream_set_current(la_stream s) { LA_CUDA_ONLY(-1, { c10::cuda::setCurrentCUDAStream(S(s)); return 0; }) }
int la_stream_synchronize(la_stream s) { LA_CUDA_ONLY(-1, { S(s).synchronize(); return 0; }) }
void la_stream_free(la_stream s) {
#ifdef LA_WITH_CUDA
  delete reinterpret_cast<c10::cuda::CUDAStream*>(s);
#else
  (void)s;
#endif
}
la_event la_event_create(int timing) {
  LA_CUDA_ONLY(nullptr, {
    return reinterpret_cast<la_event>(new at::cuda::CUDAEvent(timing ? cudaEventDefault : cudaEventDisableTiming));
  })
}
int la_event_record(la_event e, la_stream s) { LA_CUDA_ONLY(-1, { E(e).record(S(s)); return 0; }) }
int la_event_synchronize(la_event e) { LA_CUDA_ONLY(-1, { E(e).synchronize(); return 0; }) }
int la_stream_wait_event(la_stream s, la_event e) { LA_CUDA_ONLY(-1, { E(e).block(S(s)); return 0; }) }
double la_event_elapsed_ms(la_event a, la_event b) { LA_CUDA_ONLY(-1.0, { return (double)E(a).elapsed_time(E(b)); }) }
void la_event_free(la_event e) {
#ifdef LA_WITH_CUDA
  delete reinterpret_cast<at::cuda::CUDAEvent*>(e);
#else
  (void)e;
#endif
}

}  // extern "C"
