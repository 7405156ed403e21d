// Page-locked host memory: the source of asynchronous host-to-device copies (weight streaming, KV rings kept in host
// memory). A pageable source makes the driver stage every copy through a pinned bounce buffer, synchronously.
#include "extension.h"

// A pinned copy of a CPU tensor (pin_memory needs the CUDA runtime, which a CPU-only libtorch lacks).
LAX_API void* lax_pin_memory(void* cpu_tensor) {
  LAX_GUARD(nullptr, {
    auto& t = lax::T(cpu_tensor);
    TORCH_CHECK(t.device().is_cpu(), "only a CPU tensor can be pinned, got one on ", t.device());
    return lax::wrap(t.pin_memory());
  })
}
