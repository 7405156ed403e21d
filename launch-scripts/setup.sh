# Sourced by run.sh, test.sh and liveavatar: installs what is missing and says whether the GLIBCXX fix applies.
#   la_setup runtime|test
# As root it runs apt-get; otherwise it prints the exact command and stops. libtorch comes from NuGet
# (TorchSharp + libtorch-cpu-linux-x64): no C++ compiler and no system libtorch on the CPU path.
la_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# True when the system libstdc++ lacks GLIBCXX_3.4.32, which TorchSharp's binding asks for (Debian 12, Ubuntu 22.04).
la_needs_glibcxx_fix() {
  local lib
  lib="$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/{print $NF; exit}')"
  [[ -n "$lib" ]] && ! grep -qa GLIBCXX_3.4.32 "$lib"
}

la_missing_packages() {
  local want=(ffmpeg)
  # The fix (launch-scripts/weaken-glibcxx.py, run by the build) needs python3; nothing else does at run time.
  la_needs_glibcxx_fix && want+=(python3)
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
    echo "LiveAvatar needs the .NET SDK (10 or newer) on PATH: https://dotnet.microsoft.com/download" >&2
    return 1
  fi
  if command -v dpkg-query >/dev/null; then
    local missing; missing="$(la_missing_packages "$kind")"
    if [[ -n "$missing" ]]; then
      if [[ $(id -u) == 0 ]]; then
        echo "setup: installing $missing" >&2
        apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null || {
          echo "setup: apt-get install $missing failed" >&2; return 1; }
      else
        echo "setup: missing Debian packages. Run:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y $missing" >&2
        return 1
      fi
    fi
  fi
  if la_needs_glibcxx_fix && [[ "${LIVEAVATAR_GLIBCXX_FIX:-1}" != 0 ]]; then
    echo "setup: the system libstdc++ lacks GLIBCXX_3.4.32; the build marks TorchSharp's requirement of it weak in" \
         "its output copy of libLibTorchSharp.so (README, FAQ)" >&2
  fi
}
