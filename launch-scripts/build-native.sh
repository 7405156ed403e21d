#!/usr/bin/env bash
# Builds LiveAvatar.Engine/Native into build/native/libliveavatar_native.so with g++.
#   LIBTORCH=/usr (default)   Debian libtorch-dev (1.13, CPU)
#   LIBTORCH=/path/libtorch   a libtorch distribution folder (include/, lib/)
#   LIBTORCH=/path/torch      a pip torch package folder (include/, lib/)
#   LIBTORCH=python           the torch package of python3
# Rebuilds only when a source file, this script or LIBTORCH changed. --force rebuilds anyway.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SRC="$ROOT/LiveAvatar.Engine/Native"
OUT="${LIVEAVATAR_NATIVE_DIR:-$ROOT/build/native}"
LIB="$OUT/libliveavatar_native.so"
LIBTORCH="${LIBTORCH:-/usr}"
force=0; [[ "${1:-}" == "--force" ]] && force=1

if [[ "$LIBTORCH" == "python" ]]; then
  LIBTORCH="$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))' 2>/dev/null)" || {
    echo "build-native: LIBTORCH=python but python3 cannot import torch" >&2; exit 2; }
fi

if [[ "$LIBTORCH" == "/usr" ]]; then
  INC=(-I/usr/include -I/usr/include/torch/csrc/api/include)
  LIBDIR=/usr/lib/x86_64-linux-gnu
  VERSION_H=/usr/include/torch/csrc/api/include/torch/version.h
else
  INC=(-I"$LIBTORCH/include" -I"$LIBTORCH/include/torch/csrc/api/include")
  LIBDIR="$LIBTORCH/lib"
  VERSION_H="$LIBTORCH/include/torch/csrc/api/include/torch/version.h"
fi
if [[ ! -f "$VERSION_H" || ! -e "$LIBDIR/libtorch_cpu.so" ]]; then
  cat >&2 <<MSG
build-native: no libtorch found under LIBTORCH=$LIBTORCH
  (looked for $VERSION_H and $LIBDIR/libtorch_cpu.so)
  On Debian/Ubuntu:  sudo apt-get install libtorch-dev libopenblas0-pthread
  Or set LIBTORCH to a libtorch folder, a pip torch package folder, or 'python'.
MSG
  exit 2
fi
# version.h moved between releases (2.x keeps a wrapper at the old path): look at every copy.
INCROOT="$(dirname "$(dirname "$(dirname "$(dirname "$(dirname "$VERSION_H")")")")")"
ver_field() {
  find "$INCROOT" -name version.h 2>/dev/null | xargs -r grep -hoE "define TORCH_VERSION_$1[[:space:]]+[0-9]+" 2>/dev/null \
    | grep -oE '[0-9]+$' | head -1 || true
}
MAJOR=$(ver_field MAJOR); MINOR=$(ver_field MINOR)
if [[ -z "$MAJOR" && -f "$LIBTORCH/version.py" ]]; then
  V=$(grep -oE "__version__ = '[0-9]+\.[0-9]+" "$LIBTORCH/version.py" | grep -oE "[0-9]+\.[0-9]+" || true)
  MAJOR=${V%%.*}; MINOR=${V#*.}
fi
MAJOR=${MAJOR:-0}; MINOR=${MINOR:-0}
STD=c++17; (( MAJOR > 2 || (MAJOR == 2 && MINOR >= 10) )) && STD=c++20
ABI=1
if [[ "$LIBTORCH" != "/usr" ]] && command -v python3 >/dev/null && [[ -f "$LIBTORCH/__init__.py" ]]; then
  ABI=$(python3 -c 'import torch;print(int(torch._C._GLIBCXX_USE_CXX11_ABI))' 2>/dev/null || echo 1)
fi

LIBS=(-Wl,--no-as-needed -ltorch -ltorch_cpu -lc10)
DEFS=()
if [[ -e "$LIBDIR/libtorch_cuda.so" ]]; then
  CUDA_INC=""
  for c in "${CUDA_HOME:-}" /usr/local/cuda /usr/lib/cuda; do
    [[ -n "$c" && -f "$c/include/cuda_runtime_api.h" ]] && { CUDA_INC="$c/include"; break; }
  done
  if [[ -z "$CUDA_INC" ]]; then
    CUDA_INC=$(find "$(dirname "$LIBTORCH")/nvidia" -name cuda_runtime_api.h -printf '%h\n' 2>/dev/null | head -1 || true)
  fi
  [[ -z "$CUDA_INC" ]] && { echo "build-native: CUDA libtorch found but no cuda_runtime_api.h; set CUDA_HOME" >&2; exit 2; }
  INC+=(-I"$CUDA_INC")
  LIBS+=(-ltorch_cuda -lc10_cuda)
  DEFS+=(-DLA_WITH_CUDA)
fi
LIBS+=(-Wl,--as-needed)

STAMP="$OUT/build-info.txt"
INFO="libtorch=$LIBTORCH version=$MAJOR.$MINOR std=$STD abi=$ABI defs=${DEFS[*]:-none}"
if [[ $force == 0 && -f "$LIB" && -f "$STAMP" && "$(head -1 "$STAMP")" == "$INFO" ]]; then
  newer=$(find "$SRC" "$0" -newer "$LIB" -type f \( -name '*.cpp' -o -name '*.h' -o -name '*.sh' \) | head -1)
  [[ -z "$newer" ]] && { echo "build-native: up to date ($LIB)"; exit 0; }
fi

mkdir -p "$OUT/obj"
echo "build-native: $INFO"
FLAGS=(-O2 -fPIC -std=$STD -D_GLIBCXX_USE_CXX11_ABI=$ABI -fvisibility=hidden -Wno-deprecated-declarations -Wno-interference-size "${DEFS[@]}" "${INC[@]}")
pids=()
for f in "$SRC"/*.cpp; do
  o="$OUT/obj/$(basename "${f%.cpp}").o"
  g++ "${FLAGS[@]}" -c "$f" -o "$o" & pids+=($!)
done
fail=0; for p in "${pids[@]}"; do wait "$p" || fail=1; done
[[ $fail == 0 ]] || { echo "build-native: compile failed" >&2; exit 1; }
g++ -shared -o "$LIB.tmp" "$OUT"/obj/*.o -L"$LIBDIR" "${LIBS[@]}" -Wl,-rpath,"$LIBDIR"
mv "$LIB.tmp" "$LIB"
echo "$INFO" > "$STAMP"
echo "build-native: wrote $LIB"
