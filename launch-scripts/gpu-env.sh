# Sourced by the gpu-*.sh scripts (no .NET on the GPU machines): finds the CLI published with
# -p:LiveAvatarLibTorch=external (.device/cli, or cli/ when run from inside .device), binds it to the pip torch's
# libtorch, and defines `step`, which prints a command, runs it and prints its time and exit code.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP="${LIVEAVATAR_APP_DIR:-$ROOT/.device/cli}"
[[ -x "$APP/liveavatar" || ! -d "$ROOT/cli" ]] || APP="$ROOT/cli"
TORCH_LIB="$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')/lib"
export LD_LIBRARY_PATH="$TORCH_LIB:$APP${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LIVEAVATAR_EXT_DIR="$APP"
CLI="$APP/liveavatar"; chmod +x "$CLI"
cd "$ROOT"
step() { echo; echo "== $*"; local t=$SECONDS; "$@"; local rc=$?; echo "   ($((SECONDS - t)) s, exit $rc)"; }
