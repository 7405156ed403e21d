// CUDA streams and events for overlapping copies, the VAE and the DiT, and for timing stages.
#include "extension.h"

#ifdef LAX_WITH_CUDA
#include <ATen/cuda/CUDAEvent.h>
#include <c10/cuda/CUDAStream.h>

namespace {
c10::cuda::CUDAStream& S(void* s) { return *static_cast<c10::cuda::CUDAStream*>(s); }
at::cuda::CUDAEvent& E(void* e) { return *static_cast<at::cuda::CUDAEvent*>(e); }
}  // namespace

LAX_API void* lax_stream_create(int dev, int high_priority) {
  LAX_GUARD(nullptr, {
    return new c10::cuda::CUDAStream(c10::cuda::getStreamFromPool(high_priority != 0, (c10::DeviceIndex)dev));
  })
}
LAX_API void* lax_stream_current(int dev) {
  LAX_GUARD(nullptr, { return new c10::cuda::CUDAStream(c10::cuda::getCurrentCUDAStream((c10::DeviceIndex)dev)); })
}
LAX_API int lax_stream_set_current(void* s) { LAX_GUARD(-1, { c10::cuda::setCurrentCUDAStream(S(s)); return 0; }) }
LAX_API int lax_stream_synchronize(void* s) { LAX_GUARD(-1, { S(s).synchronize(); return 0; }) }
LAX_API void lax_stream_free(void* s) { delete static_cast<c10::cuda::CUDAStream*>(s); }

LAX_API void* lax_event_create(int timing) {
  LAX_GUARD(nullptr, { return new at::cuda::CUDAEvent(timing ? cudaEventDefault : cudaEventDisableTiming); })
}
LAX_API int lax_event_record(void* e, void* s) { LAX_GUARD(-1, { E(e).record(S(s)); return 0; }) }
LAX_API int lax_event_synchronize(void* e) { LAX_GUARD(-1, { E(e).synchronize(); return 0; }) }
LAX_API int lax_stream_wait_event(void* s, void* e) { LAX_GUARD(-1, { E(e).block(S(s)); return 0; }) }
LAX_API double lax_event_elapsed_ms(void* start, void* end) {
  LAX_GUARD(-1.0, { return (double)E(start).elapsed_time(E(end)); })
}
LAX_API void lax_event_free(void* e) { delete static_cast<at::cuda::CUDAEvent*>(e); }
#endif
