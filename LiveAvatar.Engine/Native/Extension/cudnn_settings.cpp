// cuDNN's autotuner (torch.backends.cudnn.benchmark), which TorchSharp 0.107 does not expose: with it on, the first
// convolution of each new shape times cuDNN's algorithms and later calls of that shape use the fastest.
#include <ATen/Context.h>

#include "extension.h"

LAX_API int lax_set_cudnn_benchmark(int on) {
  LAX_GUARD(-1, {
    at::globalContext().setBenchmarkCuDNN(on != 0);
    return 0;
  })
}

LAX_API int lax_cudnn_benchmark() { return at::globalContext().benchmarkCuDNN() ? 1 : 0; }
