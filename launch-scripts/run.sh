#!/usr/bin/env bash
# Starts the LiveAvatar web UI on http://127.0.0.1:7860 (installing and building what is missing).
#   ./launch-scripts/run.sh [--host H] [--port N] [--checkpoint DIR] [--data DIR]
set -euo pipefail
source "$(dirname "$0")/setup.sh"
la_setup runtime
cd "$la_root"
# The published (self-contained) app is what serves the framework and Radzen assets.
echo "run: publishing LiveAvatar.Web to build/web"
dotnet publish LiveAvatar.Web -c Release -o build/web -nologo -v quiet
exec "$la_root/build/web/LiveAvatar.Web" "$@"
