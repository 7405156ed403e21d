#!/usr/bin/env bash
# Makes TorchSharp's libLibTorchSharp.so load where the system libstdc++ predates GLIBCXX_3.4.32 (Debian 12,
# Ubuntu 22.04): marks that one version requirement weak in the given copies (build or publish output).
# Does nothing where libstdc++ has the version (Debian 13, Ubuntu 24.04). Run by the build (Directory.Build.targets).
#   usage: glibcxx-fix.sh LIB...      LIVEAVATAR_GLIBCXX_FIX=0 turns it off.
set -uo pipefail
[[ "${LIVEAVATAR_GLIBCXX_FIX:-1}" == 0 ]] && exit 0
here="$(cd "$(dirname "$0")" && pwd)"
libstdcxx="$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/{print $NF; exit}')"
[[ -z "$libstdcxx" ]] && libstdcxx="$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 /{print $NF; exit}')"
if [[ -n "$libstdcxx" ]] && grep -qa GLIBCXX_3.4.32 "$libstdcxx"; then exit 0; fi
if ! command -v python3 >/dev/null; then
  echo "glibcxx-fix: the system libstdc++ lacks GLIBCXX_3.4.32 and python3 is missing to patch libLibTorchSharp.so;" \
       "install python3 (launch-scripts/setup.sh does) and rebuild" >&2
  exit 0
fi
for lib in "$@"; do
  python3 "$here/weaken-glibcxx.py" "$lib" || true
done
exit 0
