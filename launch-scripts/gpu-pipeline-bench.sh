#!/usr/bin/env bash
# GPU benchmarks of the streaming pipeline (no .NET on the machine; the CLI is published into .device/cli):
#   single GPU: FP8 linears, memory over 1000 demo-size clips;  several GPUs: the timestep-forcing pipeline.
#   usage: launch-scripts/gpu-pipeline-bench.sh OUT_DIR single|multi
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUTDIR="${1:-$ROOT/build/gpu-bench}"; MODE="${2:-single}"; mkdir -p "$OUTDIR"
CLI="${LIVEAVATAR_CLI:-$ROOT/.device/cli/liveavatar}"
# The bundle carries no libtorch (published with -p:LiveAvatarLibTorch=external): bind to the pip torch's libraries.
TORCH_LIB="$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')/lib"
export LD_LIBRARY_PATH="$TORCH_LIB:$(dirname "$CLI")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
cd "$ROOT"; chmod +x "$CLI"
{
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
  LIBTORCH=python launch-scripts/build-native.sh --force | tail -1
  if [[ "$MODE" == single ]]; then
    echo "== bench fp8"; "$CLI" bench fp8 --device cuda:0
    echo "== bench dit --fp8"; "$CLI" bench dit --size 704*384 --device cuda:0 --iters 8 --fp8
    echo "== bench sampler --tiny --clips 1000 --memory (demo-size model, 64x64)"
    "$CLI" bench sampler --tiny --device cuda:0 --clips 1000 --image_width 64 --image_height 64 --memory
  else
    n=$(nvidia-smi -L | wc -l)
    echo "== bench sampler --stages $n (VAE shares the last GPU)"; "$CLI" bench sampler --size 704*384 --device cuda:0 --clips 4 --stages "$n"
    echo "== bench sampler --stages $((n-1)) --vae_parallel"; "$CLI" bench sampler --size 704*384 --device cuda:0 --clips 4 --stages $((n-1)) --vae_parallel
  fi
} 2>&1 | tee "$OUTDIR/pipeline-bench-$MODE.log"
