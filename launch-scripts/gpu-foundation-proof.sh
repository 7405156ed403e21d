#!/usr/bin/env bash
# Foundation proof on a CUDA machine without .NET: builds the native extension against the pip torch, then runs the
# self-contained CLI (published here into .device/cli) for env, the tensor self-test and the matmul bench.
#   usage: launch-scripts/gpu-foundation-proof.sh OUT_DIR
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUTDIR="${1:-$ROOT/build/gpu-proof}"; mkdir -p "$OUTDIR"
CLI="${LIVEAVATAR_CLI:-$ROOT/.device/cli/liveavatar}"
# The bundle carries no libtorch (published with -p:LiveAvatarLibTorch=external): bind to the pip torch's libraries.
TORCH_LIB="$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')/lib"
export LD_LIBRARY_PATH="$TORCH_LIB:$(dirname "$CLI")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
cd "$ROOT"
{
  echo "== nvidia-smi"; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
  grep -n "VERSION" "$(python3 -c "import torch,os;print(os.path.dirname(torch.__file__))")/include/torch/csrc/api/include/torch/version.h" | head -8; echo "== build-native (LIBTORCH=python)"; time LIBTORCH=python launch-scripts/build-native.sh --force
  chmod +x "$CLI"
  echo "== liveavatar env"; "$CLI" env
  echo "== liveavatar selftest --device cuda:0"; "$CLI" selftest --device cuda:0
  echo "== liveavatar selftest --device cpu"; "$CLI" selftest --device cpu
  for dt in bf16 f16 f32; do
    echo "== liveavatar bench matmul --size 8192 --dtype $dt"; "$CLI" bench matmul --size 8192 --dtype $dt --device cuda:0 --iters 50
  done
  echo "== python reference: torch bf16 8192^3"
  python3 - <<'PY'
import torch, time
a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16); b = torch.randn_like(a)
for _ in range(3): a @ b
torch.cuda.synchronize(); ts = []
for _ in range(50):
    t = time.perf_counter(); a @ b; torch.cuda.synchronize(); ts.append(time.perf_counter() - t)
ts.sort(); m = ts[len(ts)//2]
print(f"torch {torch.__version__}: median {m*1e3:.3f} ms, {2*8192**3/m/1e12:.1f} TFLOP/s")
PY
} 2>&1 | tee "$OUTDIR/foundation.log"
