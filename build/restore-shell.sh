#!/usr/bin/env bash
# Restores the project's own shell: pwsh (the PowerShell global tool pinned in .config/dotnet-tools.json) and
# Pester (from NuGet into .tools/Modules, which the test run puts first on PSModulePath). Idempotent; prints the
# path of the Modules folder on its last line.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
dotnet tool restore >/dev/null
pester_version=$(sed -n 's:.*<PesterVersion>\(.*\)</PesterVersion>.*:\1:p' build/PesterRestore.proj)
modules="$root/.tools/Modules"
target="$modules/Pester/$pester_version"
if [ ! -f "$target/Pester.psd1" ]; then
  dotnet restore build/PesterRestore.proj -nologo -v quiet >/dev/null
  cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}/pester/$pester_version/tools"
  [ -f "$cache/Pester.psd1" ] || { echo "Pester $pester_version was restored but $cache/Pester.psd1 is missing" >&2; exit 1; }
  rm -rf "$modules/Pester"
  mkdir -p "$target"
  cp -r "$cache/." "$target/"
fi
echo "$modules"
