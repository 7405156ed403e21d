#!/usr/bin/env bash
# Single-GPU real-time benchmarks (no .NET on the machine; CLI published with -p:LiveAvatarLibTorch=external into
# .device/cli): the self-test (fused kernels against the unfused ops), the DiT block forward (bf16 with the fused
# kernels against the same forward unfused, FP8 against bf16), its kernel-time split from Nsight Compute (40 layers), the
# VAE's block decode and its split, the block-streaming loop over 8 clips after a warm-up clip (FPS overall and steady,
# time to first block, peak, host and GPU time per step), and the live session.
#   usage: launch-scripts/gpu-realtime-bench.sh OUT_DIR
set -uo pipefail
source "$(dirname "$0")/gpu-env.sh"
OUTDIR="${1:-$ROOT/build/gpu-realtime}"; mkdir -p "$OUTDIR"
{
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
  step launch-scripts/build-native.sh --force
  step "$CLI" selftest --device cuda:0
  step "$CLI" bench dit --size 704*384 --device cuda:0 --iters 30
  # FP8 with each way of quantising the activations (the same bytes: selftest checks it): the fused kernels
  # (default), PyTorch ops without the no-op passes, and the original's op-by-op composite.
  for quant in fused fast reference; do
    step timeout 120 "$CLI" bench dit --size 704*384 --device cuda:0 --iters 30 --fp8 --fp8_quant $quant
  done
  if command -v ncu >/dev/null; then
    # The whole 40-layer forward, bf16 and FP8 (each about 30-90 s under ncu); summed once ncu has exited.
    for mode in bf16 fp8; do
      step timeout 150 ncu --clock-control none --profile-from-start off --metrics gpu__time_duration.sum --csv --log-file "$OUTDIR/dit40-$mode.csv" \
        "$CLI" bench dit --size 704*384 --device cuda:0 --iters 1 $([[ $mode == fp8 ]] && echo --fp8)
      step python3 launch-scripts/kernel-breakdown.py "$OUTDIR/dit40-$mode.csv"
    done
  fi
  # FP8 GEMM through cuBLASLt (default) against libtorch's _scaled_mm: the host time per forward differs.
  step timeout 120 env LIVEAVATAR_FP8_GEMM=torch "$CLI" bench dit --size 704*384 --device cuda:0 --iters 30 --fp8
  # The VAE's streaming decode of one block, fused kernels against unfused, and its kernel split.
  step timeout 120 "$CLI" bench vae --size 704*384 --device cuda:0 --iters 10 --latents 3
  if command -v ncu >/dev/null; then
    step timeout 200 ncu --clock-control none --profile-from-start off --metrics gpu__time_duration.sum --csv --log-file "$OUTDIR/vae-block.csv" \
      "$CLI" bench vae --size 704*384 --device cuda:0 --iters 1 --latents 3
    step python3 launch-scripts/kernel-breakdown.py "$OUTDIR/vae-block.csv"
  fi
  # The loop under the 80 GB profile (the plan a job on this card gets), bf16 and FP8.
  step timeout 150 "$CLI" bench sampler --size 704*384 --device cuda:0 --clips 8 --memory_profile 80
  step timeout 150 "$CLI" bench sampler --size 704*384 --device cuda:0 --clips 8 --memory_profile 80 --fp8
  step timeout 120 "$CLI" bench live --size 704*384 --device cuda:0 --blocks 24
} 2>&1 | grep -v "upsampling.h" | tee "$OUTDIR/realtime-bench.log"
