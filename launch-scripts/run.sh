#!/usr/bin/env bash
# Starts the LiveAvatar web UI on http://127.0.0.1:7860 (installing and building what is missing).
#   ./launch-scripts/run.sh [--host H] [--port N] [--checkpoint DIR] [--data DIR]
set -euo pipefail
source "$(dirname "$0")/setup.sh"
la_setup runtime
cd "$la_root"
# The published app serves the framework and MudBlazor assets.
echo "run: publishing LiveAvatar.Web to build/web"
dotnet publish LiveAvatar.Web -c Release -o build/web -nologo -v quiet
# Without a real checkpoint (no --checkpoint, no LIVEAVATAR_CKPT_DIR, nothing in ckpt/), use the demo checkpoint:
# tiny untrained weights in the real layout; the page labels everything made with it as untrained.
extra=()
if [[ " $* " != *" --checkpoint "* && -z "${LIVEAVATAR_CKPT_DIR:-}" && ! -f ckpt/Wan2.2-S2V-14B/config.json ]]; then
  if [[ ! -f build/demo-ckpt/Wan2.2-S2V-14B/liveavatar-demo.json ]]; then
    echo "run: no checkpoint in ckpt/Wan2.2-S2V-14B; writing the demo checkpoint to build/demo-ckpt (see README, 'Model weights')"
    dotnet build LiveAvatar.Cli -c Release -nologo -v quiet -clp:NoSummary
    dotnet LiveAvatar.Cli/bin/Release/net10.0/liveavatar.dll make-demo-checkpoint build/demo-ckpt
  fi
  extra=(--checkpoint "$la_root/build/demo-ckpt/Wan2.2-S2V-14B")
fi
exec "$la_root/build/web/LiveAvatar.Web" "${extra[@]}" "$@"
