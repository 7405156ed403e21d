#!/usr/bin/env bash
# Model benchmarks on a CUDA machine without .NET (synthetic full-size weights drawn on the GPU):
# one DiT block forward at 704x384, one VAE clip decode, and the single-device streaming loop (FPS, time to first clip).
#   usage: launch-scripts/gpu-model-bench.sh OUT_DIR
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUTDIR="${1:-$ROOT/build/gpu-bench}"; mkdir -p "$OUTDIR"
CLI="${LIVEAVATAR_CLI:-$ROOT/.device/cli/liveavatar}"
# The bundle carries no libtorch (published with -p:LiveAvatarLibTorch=external): bind to the pip torch's libraries.
TORCH_LIB="$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')/lib"
export LD_LIBRARY_PATH="$TORCH_LIB:$(dirname "$CLI")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
cd "$ROOT"; chmod +x "$CLI"
{
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
  LIBTORCH=python launch-scripts/build-native.sh --force | tail -1
  "$CLI" selftest --device cuda:0 | tail -1
  echo "== bench dit"; "$CLI" bench dit --size 704*384 --device cuda:0 --iters 8
  echo "== bench vae"; "$CLI" bench vae --size 704*384 --device cuda:0 --iters 3
  echo "== bench sampler (deferred decode)"; "$CLI" bench sampler --size 704*384 --device cuda:0 --clips 4
  echo "== bench sampler (online decode)"; "$CLI" bench sampler --size 704*384 --device cuda:0 --clips 3 --online_decode
} 2>&1 | tee "$OUTDIR/model-bench.log"
