#!/usr/bin/env bash
# The engine on TorchSharp on a CUDA machine without .NET: builds the native extension against the pip torch,
# then runs the self-contained CLI (published with -p:LiveAvatarLibTorch=external into .device/cli) on that torch's
# libtorch: env, the GPU self-test, the model benchmarks at 704*384 with synthetic weights, FP8 through the extension.
#   usage: launch-scripts/gpu-torchsharp-proof.sh OUT_DIR [quick]
set -uo pipefail
source "$(dirname "$0")/gpu-env.sh"
OUTDIR="${1:-$ROOT/build/gpu-proof}"; mkdir -p "$OUTDIR"
{
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  step launch-scripts/build-native.sh --force
  step "$CLI" env
  step "$CLI" selftest --device cuda:0
  step "$CLI" bench matmul --size 8192 --dtype bf16 --device cuda:0 --iters 50
  step "$CLI" bench dit --size 704*384 --device cuda:0 --iters 8
  step "$CLI" bench dit --size 704*384 --device cuda:0 --iters 8 --fp8
  step "$CLI" bench fp8 --device cuda:0
  step "$CLI" bench vae --size 704*384 --device cuda:0 --iters 3
  if [[ "${2:-}" != quick ]]; then
    step "$CLI" bench sampler --size 704*384 --device cuda:0 --clips 4
    step "$CLI" bench sampler --size 704*384 --device cuda:0 --clips 4 --stages 1
  fi
} 2>&1 | tee "$OUTDIR/torchsharp-proof.log"
