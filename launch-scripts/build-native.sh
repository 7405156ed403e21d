#!/usr/bin/env bash
# Builds LiveAvatar's native extension (LiveAvatar.Engine/Native/Extension) into libliveavatar_ext.so against the
# headers of the libtorch that TorchSharp will load at run time. The extension is optional: without it FP8, CUDA
# memory statistics/caps and streams report themselves unavailable; everything else runs on TorchSharp alone.
#   LIBTORCH=python (default)  the torch package of python3 (the GPU machine: pip torch with CUDA)
#   LIBTORCH=/path/libtorch    a libtorch distribution folder or a pip torch folder (include/, lib/)
# Output: ${LIVEAVATAR_EXT_DIR:-build/native}/libliveavatar_ext.so. Rebuilds only when a source changed; --force.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SRC="$ROOT/LiveAvatar.Engine/Native/Extension"
OUT="${LIVEAVATAR_EXT_DIR:-$ROOT/build/native}"
LIB="$OUT/libliveavatar_ext.so"
LIBTORCH="${LIBTORCH:-python}"
force=0; [[ "${1:-}" == "--force" ]] && force=1

if [[ "$LIBTORCH" == "python" ]]; then
  LIBTORCH="$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))' 2>/dev/null)" || {
    echo "build-native: LIBTORCH=python but python3 cannot import torch; set LIBTORCH to a libtorch 2.x folder" >&2; exit 2; }
fi
VERSION_H="$LIBTORCH/include/torch/csrc/api/include/torch/version.h"
[[ -f "$VERSION_H" ]] || VERSION_H="$LIBTORCH/include/torch/version.h"
if [[ ! -f "$VERSION_H" || ! -e "$LIBTORCH/lib/libtorch_cpu.so" ]]; then
  echo "build-native: no libtorch headers under LIBTORCH=$LIBTORCH (looked for include/torch/version.h and lib/libtorch_cpu.so)." >&2
  echo "  The NuGet libtorch packages ship no headers; point LIBTORCH at a libtorch 2.x distribution or pip torch." >&2
  exit 2
fi
VERSION=$(grep -rhoE 'TORCH_VERSION "?[0-9]+\.[0-9]+\.[0-9]+' "$LIBTORCH/include/torch" 2>/dev/null | head -1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' || echo unknown)
ABI=1
if command -v python3 >/dev/null && [[ -f "$LIBTORCH/__init__.py" ]]; then
  ABI=$(python3 -c 'import torch;print(int(torch._C._GLIBCXX_USE_CXX11_ABI))' 2>/dev/null || echo 1)
fi
INC=(-I"$LIBTORCH/include" -I"$LIBTORCH/include/torch/csrc/api/include")
LIBS=(-Wl,--no-as-needed -ltorch -ltorch_cpu -lc10)
DEFS=()
if [[ -e "$LIBTORCH/lib/libtorch_cuda.so" ]]; then
  CUDA_INC=""
  for c in "${CUDA_HOME:-}" /usr/local/cuda /usr/lib/cuda; do
    [[ -n "$c" && -f "$c/include/cuda_runtime_api.h" ]] && { CUDA_INC="$c/include"; break; }
  done
  [[ -z "$CUDA_INC" ]] && CUDA_INC=$(find "$(dirname "$LIBTORCH")/nvidia" -name cuda_runtime_api.h -printf '%h\n' 2>/dev/null | head -1 || true)
  [[ -z "$CUDA_INC" ]] && { echo "build-native: CUDA libtorch found but no cuda_runtime_api.h; set CUDA_HOME" >&2; exit 2; }
  INC+=(-I"$CUDA_INC")
  LIBS+=(-ltorch_cuda -lc10_cuda)
  DEFS+=(-DLAX_WITH_CUDA)
  # The fused kernels (*.cu) need nvcc; they include no ATen headers, so any CUDA 12+ nvcc will do.
  NVCC="${NVCC:-$(command -v nvcc || true)}"
  for c in "${CUDA_HOME:-}" /usr/local/cuda; do
    [[ -z "$NVCC" && -n "$c" && -x "$c/bin/nvcc" ]] && NVCC="$c/bin/nvcc"
  done
  [[ -z "$NVCC" ]] && { echo "build-native: CUDA libtorch found but no nvcc for the fused kernels; set NVCC or CUDA_HOME" >&2; exit 2; }
  # sm_80 (A100), sm_89 (Ada), sm_90 (Hopper) as binaries, plus PTX for newer GPUs to JIT.
  NVCC_ARCH=(-gencode arch=compute_80,code=sm_80 -gencode arch=compute_89,code=sm_89 -gencode arch=compute_90,code=sm_90
             -gencode arch=compute_90,code=compute_90)
  # cudart linked statically: the .so then needs no libcudart of a particular version beside torch's own (kernel
  # launches interoperate with torch's streams through the driver).
  CUDART_STATIC=$(find "$(dirname "$NVCC")/.." -name libcudart_static.a 2>/dev/null | head -1)
  [[ -z "$CUDART_STATIC" ]] && { echo "build-native: no libcudart_static.a next to $NVCC" >&2; exit 2; }
  LIBS+=("$CUDART_STATIC" -lrt -lpthread -ldl)
  # cuBLASLt for the FP8 linear (float8_linear.cpp): the library torch itself loads (same soname at run time).
  CUBLASLT=$(find "$(dirname "$LIBTORCH")/nvidia" "$LIBTORCH/lib" -name 'libcublasLt.so*' 2>/dev/null | sort | head -1)
  [[ -z "$CUBLASLT" ]] && CUBLASLT=$(find "$(dirname "$NVCC")/.." -name 'libcublasLt.so*' 2>/dev/null | sort | head -1)
  [[ -z "$CUBLASLT" ]] && { echo "build-native: no libcublasLt.so beside torch or the CUDA toolkit" >&2; exit 2; }
  LIBS+=(-L"$(dirname "$CUBLASLT")" -l:"$(basename "$CUBLASLT")" -Wl,-rpath,"$(dirname "$CUBLASLT")")
fi

STAMP="$OUT/build-info.txt"
INFO="libtorch=$LIBTORCH version=$VERSION abi=$ABI defs=${DEFS[*]:-none} nvcc=${NVCC:-none}"
if [[ $force == 0 && -f "$LIB" && -f "$STAMP" && "$(head -1 "$STAMP")" == "$INFO" ]]; then
  newer=$(find "$SRC" "$0" -newer "$LIB" -type f | head -1)
  [[ -z "$newer" ]] && { echo "build-native: up to date ($LIB)"; exit 0; }
fi
rm -rf "$OUT/ext-obj"; mkdir -p "$OUT/ext-obj"
echo "build-native: $INFO"
FLAGS=(-O2 -fPIC -std=c++20 -D_GLIBCXX_USE_CXX11_ABI=$ABI -fvisibility=hidden -Wno-deprecated-declarations -Wno-interference-size "${DEFS[@]}" "${INC[@]}")
pids=()
for f in "$SRC"/*.cpp; do
  g++ "${FLAGS[@]}" -c "$f" -o "$OUT/ext-obj/$(basename "${f%.cpp}").o" & pids+=($!)
done
if [[ -n "${NVCC:-}" ]]; then
  for f in "$SRC"/*.cu; do
    "$NVCC" -O3 -std=c++17 "${NVCC_ARCH[@]}" -Xcompiler -fPIC,-fvisibility=hidden -c "$f" \
      -o "$OUT/ext-obj/$(basename "${f%.cu}")_cu.o" & pids+=($!)
  done
fi
fail=0; for p in "${pids[@]}"; do wait "$p" || fail=1; done
[[ $fail == 0 ]] || { echo "build-native: compile failed" >&2; exit 1; }
g++ -shared -o "$LIB.tmp" "$OUT"/ext-obj/*.o -L"$LIBTORCH/lib" "${LIBS[@]}" -Wl,--as-needed -Wl,-rpath,"$LIBTORCH/lib"
mv "$LIB.tmp" "$LIB"
echo "$INFO" > "$STAMP"
echo "build-native: wrote $LIB"
