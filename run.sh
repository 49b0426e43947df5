#!/usr/bin/env bash
# The main job: build the module into out/GmemPS and run the quickstart scenario on the simulator.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build GmemPS.sln -nologo -v quiet
if command -v pwsh >/dev/null 2>&1; then
  exec pwsh -NoProfile -File examples/quickstart.ps1 -Backend "${1:-Simulator}"
fi
echo "(pwsh is not installed: running the quickstart's C# twin, the same steps through the GmemPS core)"
exec dotnet run --project examples/Quickstart --no-build -- "${1:-Simulator}"
