#!/usr/bin/env bash
# The main job: restore the project's pwsh, build the module into out/GmemPS and run the quickstart scenario in it
# (on the simulator; ./run.sh Kvm runs it on /dev/kvm).
set -euo pipefail
cd "$(dirname "$0")"
build/restore-shell.sh >/dev/null
dotnet build GmemPS.sln -nologo -v quiet
exec dotnet tool run pwsh -NoProfile -File examples/quickstart.ps1 -Backend "${1:-Simulator}"
