// Identity of the extension and its error channel.
#include "extension.h"
#include <torch/version.h>

namespace {
thread_local std::string last_error;
}

void lax::set_error(const std::string& message) { last_error = message; }

LAX_API const char* lax_last_error() { return last_error.c_str(); }

// The libtorch version these headers came from; C# compares it with the libtorch that TorchSharp loaded.
LAX_API const char* lax_torch_version() { return TORCH_VERSION; }

LAX_API int lax_built_with_cuda() {
#ifdef LAX_WITH_CUDA
  return 1;
#else
  return 0;
#endif
}

LAX_API void lax_tensor_free(void* handle) { delete static_cast<at::Tensor*>(handle); }
