#!/usr/bin/env bash
# The one test command: restores the project's own pwsh and Pester, builds everything, runs every xunit test
# (both backends), the Pester suite (cmdlets, every example script and every help example, on both backends),
# and ends with one line "N passed, N failed, N skipped" (after the per-backend counts).
set -uo pipefail
cd "$(dirname "$0")"

results=TestResults
rm -rf "$results"
mkdir -p "$results"
fail() { echo "FAIL: $1"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# pwsh and Pester are the project's own (a tool manifest and a NuGet restore): a shell that cannot be had fails.
modules=$(build/restore-shell.sh | tail -n 1) || fail "pwsh or Pester could not be restored (build/restore-shell.sh)"
export PSModulePath="$modules${PSModulePath:+:$PSModulePath}"
pwsh() { dotnet tool run pwsh "$@"; }

dotnet build GmemPS.sln -nologo -v quiet || fail "the build failed"

extra=0
dotnet test GmemPS.sln --no-build -nologo --logger "trx;LogFileName=xunit.trx" --results-directory "$results" \
  -- xUnit.ParallelizeTestCollections=true
trx=$(find "$results" -name 'xunit.trx' | head -n 1)

# A machine with a usable /dev/kvm must run the Kvm tests: a skip that says KVM-UNAVAILABLE fails the run.
if [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ -n "$trx" ] && grep -q "KVM-UNAVAILABLE" "$trx"; then
  echo "FAIL: /dev/kvm is usable here but Kvm tests were skipped as unavailable."
  extra=$((extra + 1))
fi

pwsh -NoProfile -File tests/pester/Invoke-PesterSuite.ps1 -ModulePath out/GmemPS -SummaryPath "$results/pester.json" \
  -RequireKvm:"$([ -r /dev/kvm ] && [ -w /dev/kvm ] && echo '$true' || echo '$false')"

pwsh -NoProfile -File tests/Write-TestSummary.ps1 -Trx "${trx:-$results/missing.trx}" -PesterSummary "$results/pester.json" -ExtraFailures "$extra"
