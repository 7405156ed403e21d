// Device names, free memory, the caching allocator's statistics and the hard per-process cap.
#include "extension.h"

#ifdef LAX_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#include <cstring>

namespace {
void check(cudaError_t e) {
  if (e != cudaSuccess) throw std::runtime_error(std::string("CUDA: ") + cudaGetErrorString(e));
}
// The caching allocator sets a device up on its first allocation and rejects the index before that.
void touch(int dev) { at::empty({1}, at::TensorOptions().device(at::kCUDA, (c10::DeviceIndex)dev)); }
}  // namespace

LAX_API int lax_cuda_device_name(int dev, char* buf, int cap) {
  LAX_GUARD(-1, {
    cudaDeviceProp p;
    check(cudaGetDeviceProperties(&p, dev));
    std::strncpy(buf, p.name, (size_t)cap - 1);
    buf[cap - 1] = 0;
    return 0;
  })
}

LAX_API int lax_cuda_mem_info(int dev, int64_t* free_bytes, int64_t* total_bytes) {
  LAX_GUARD(-1, {
    c10::cuda::CUDAGuard g((c10::DeviceIndex)dev);
    size_t f = 0, t = 0;
    check(cudaMemGetInfo(&f, &t));
    *free_bytes = (int64_t)f;
    *total_bytes = (int64_t)t;
    return 0;
  })
}

// out4: allocated, reserved, peak allocated, peak reserved (the aggregate pool, index 0).
LAX_API int lax_cuda_mem_stats(int dev, int64_t* out4) {
  LAX_GUARD(-1, {
    touch(dev);
    auto s = c10::cuda::CUDACachingAllocator::getDeviceStats((c10::DeviceIndex)dev);
    out4[0] = s.allocated_bytes[0].current;
    out4[1] = s.reserved_bytes[0].current;
    out4[2] = s.allocated_bytes[0].peak;
    out4[3] = s.reserved_bytes[0].peak;
    return 0;
  })
}

LAX_API int lax_cuda_reset_peak(int dev) {
  LAX_GUARD(-1, {
    touch(dev);
    c10::cuda::CUDACachingAllocator::resetPeakStats((c10::DeviceIndex)dev);
    return 0;
  })
}

// A hard cap: the caching allocator refuses (out of memory) any reservation that would take this process past
// cap_bytes on the device, whatever the card has free.
LAX_API int lax_cuda_set_memory_cap(int dev, int64_t cap_bytes) {
  LAX_GUARD(-1, {
    touch(dev);
    size_t f = 0, t = 0;
    {
      c10::cuda::CUDAGuard g((c10::DeviceIndex)dev);
      check(cudaMemGetInfo(&f, &t));
    }
    double fraction = (double)cap_bytes / (double)t;
    if (fraction <= 0 || fraction > 1) throw std::invalid_argument("memory cap must be between 1 byte and the device's total memory");
    c10::cuda::CUDACachingAllocator::setMemoryFraction(fraction, (c10::DeviceIndex)dev);
    return 0;
  })
}

LAX_API int lax_cuda_empty_cache() {
  LAX_GUARD(-1, {
    c10::cuda::CUDACachingAllocator::emptyCache();
    return 0;
  })
}
#endif
