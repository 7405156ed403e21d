#!/usr/bin/env bash
# Installs what is missing, builds everything, runs every test project and `liveavatar parity` on each golden
# folder (../shared/golden or $LIVEAVATAR_GOLDEN). Ends with "N passed, N failed, N skipped".
set -uo pipefail
source "$(dirname "$0")/setup.sh"
la_setup test || exit 1
cd "$la_root"
dotnet build LiveAvatar.sln -c Release -nologo -v quiet || exit 1
# Generation tests (engine and browser) run on the demo checkpoint: tiny random weights in the real layout.
if [[ ! -f build/demo-ckpt/Wan2.2-S2V-14B/liveavatar-demo.json ]]; then
  dotnet LiveAvatar.Cli/bin/Release/net10.0/liveavatar.dll make-demo-checkpoint build/demo-ckpt >/dev/null || exit 1
fi
# The full sampler_e2e parity (every run, video included) takes minutes on 2 cores; CI has the time.
export LIVEAVATAR_FULL_PARITY="${LIVEAVATAR_FULL_PARITY:-1}"
export LIVEAVATAR_CKPT_DIR="$la_root/build/demo-ckpt/Wan2.2-S2V-14B"
# Browser tests drive the published app, as run.sh serves it.
dotnet publish LiveAvatar.Web -c Release -o build/web -nologo -v quiet || exit 1
log="$(mktemp)"
dotnet test LiveAvatar.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
read -r passed failed skipped < <(grep -E '^(Passed|Failed)!' "$log" | awk -F'[:,]' '
  { for (i = 1; i <= NF; i++) { gsub(/ /, "", $i) }
    for (i = 1; i < NF; i++) { if ($i ~ /Failed$/) f += $(i+1); if ($i == "Passed") p += $(i+1); if ($i == "Skipped") s += $(i+1) } }
  END { print p + 0, f + 0, s + 0 }')
rm -f "$log"
# The CLI parity runner on every golden folder, as a user runs it (one check per folder).
golden="${LIVEAVATAR_GOLDEN:-$la_root/../shared/golden}"
if [[ -d "$golden" ]]; then
  for dir in "$golden"/*/; do
    name="$(basename "$dir")"
    [[ "$name" == keys_14b ]] && continue
    if dotnet LiveAvatar.Cli/bin/Release/net10.0/liveavatar.dll parity "$dir" > "build/parity-$name.log" 2>&1; then
      passed=$((passed + 1)); echo "parity $name: passed"
    elif grep -q "has no runner" "build/parity-$name.log"; then
      skipped=$((skipped + 1)); echo "parity $name: skipped ($(tail -1 "build/parity-$name.log"))"
    else
      failed=$((failed + 1)); rc=1; echo "parity $name: FAILED (build/parity-$name.log)"; tail -5 "build/parity-$name.log"
    fi
  done
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$rc"
