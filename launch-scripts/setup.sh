# Sourced by run.sh, test.sh and liveavatar: installs what is missing, then builds the native shim.
#   la_setup runtime|test
# As root it runs apt-get; otherwise it prints the exact command and stops.
la_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

la_missing_packages() {
  local want=(g++ libtorch-dev libopenblas0-pthread ffmpeg)
  [[ "$1" == test ]] && want+=(chromium espeak-ng python3-torch sox)
  local p missing=()
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  echo "${missing[@]}"
}

la_setup() {
  local kind="${1:-runtime}"
  if ! command -v dotnet >/dev/null; then
    echo "LiveAvatar needs the .NET SDK (9 or newer) on PATH: https://dotnet.microsoft.com/download" >&2
    return 1
  fi
  if command -v dpkg-query >/dev/null; then
    local missing; missing="$(la_missing_packages "$kind")"
    if [[ -n "$missing" ]]; then
      if [[ $(id -u) == 0 ]]; then
        echo "setup: installing $missing"
        apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null || {
          echo "setup: apt-get install $missing failed" >&2; return 1; }
      else
        echo "setup: missing Debian packages. Run:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y $missing" >&2
        return 1
      fi
    fi
  fi
  "$la_root/launch-scripts/build-native.sh" || return 1
}
