#!/usr/bin/env bash
# Memory-profile benchmarks on one GPU (no .NET on the machine; CLI published with -p:LiveAvatarLibTorch=external
# into .device/cli): each profile under a hard per-process cap of its own size (an allocation past the cap fails,
# proving it holds), 6 clips (about 10 s of video) at 704*384 with synthetic full-size weights; then the 80 GB plan
# under a 48 GiB cap, which must fail with out-of-memory and recover with the profile its hint names; then the live
# session's latency without media at two sizes.
#   usage: launch-scripts/gpu-memory-bench.sh OUT_DIR
set -uo pipefail
source "$(dirname "$0")/gpu-env.sh"
OUTDIR="${1:-$ROOT/build/gpu-memory}"; mkdir -p "$OUTDIR"
{
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
  free -g | head -2
  step launch-scripts/build-native.sh
  step "$CLI" selftest --device cuda:0
  step "$CLI" bench sampler --size 704*384 --device cuda:0 --clips 6 --memory_profile 24 --memory_cap 24
  step "$CLI" bench sampler --size 704*384 --device cuda:0 --clips 6 --memory_profile 48 --memory_cap 48
  step "$CLI" bench sampler --size 704*384 --device cuda:0 --clips 6 --memory_profile 80 --memory_cap 80
  step "$CLI" bench sampler --size 704*384 --device cuda:0 --clips 1 --memory_profile 80 --memory_cap 48 --recover
  step "$CLI" bench live --size 704*384 --device cuda:0 --blocks 24
  step "$CLI" bench live --size 384*256 --device cuda:0 --blocks 24
} 2>&1 | grep -v "upsampling.h" | tee "$OUTDIR/memory-bench.log"
