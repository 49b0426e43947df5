#!/usr/bin/env bash
# Makes the installable package of the module: builds the solution (unless --no-build), then packs out/GmemPS
# into out/packages/GmemPS.<version>.nupkg with PSResourceGet's Compress-PSResource (the package format
# Publish-PSResource writes and Install-PSResource reads; no repository or user configuration is touched).
# Prints the package's path on its last line. Install it from that folder:
#   Register-PSResourceRepository -Name GmemLocal -Uri out/packages -Trusted; Install-PSResource GmemPS -Repository GmemLocal
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build=1
destination="$root/out/packages"
for argument in "$@"; do
  case "$argument" in
    --no-build) build=0 ;;
    -*) echo "usage: build/pack.sh [--no-build] [destination-folder]" >&2; exit 2 ;;
    *) destination="$(mkdir -p "$argument" && cd "$argument" && pwd)" ;;
  esac
done
dotnet tool restore >/dev/null
if [ "$build" = 1 ]; then dotnet build GmemPS.sln -nologo -v quiet; fi
[ -f out/GmemPS/GmemPS.psd1 ] || { echo "out/GmemPS is not laid out: build first (dotnet build GmemPS.sln)" >&2; exit 1; }
mkdir -p "$destination"
package=$(dotnet tool run pwsh -NoProfile -NonInteractive -Command \
  "(& ./build/New-GmemPackage.ps1 -ModulePath out/GmemPS -Destination '$destination').FullName")
echo "$package"
