#!/usr/bin/env bash
# The one test command: builds everything, runs every xunit test (both backends), runs the Pester suite
# when pwsh and Pester are present, and ends with one line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"

results=TestResults
rm -rf "$results"
if ! dotnet build GmemPS.sln -nologo -v quiet; then
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

dotnet test GmemPS.sln --no-build -nologo --logger "trx;LogFileName=xunit.trx" --results-directory "$results" \
  -- xUnit.ParallelizeTestCollections=true
trx=$(find "$results" -name 'xunit.trx' | head -n 1)
counter() { sed -n "s/.*<Counters [^>]*\b$1=\"\([0-9]*\)\".*/\1/p" "$trx" | head -n 1; }
passed=$(counter passed); failed=$(counter failed); total=$(counter total); executed=$(counter executed)
passed=${passed:-0}; failed=${failed:-0}; total=${total:-0}; executed=${executed:-0}
skipped=$((total - executed))
[ -n "$trx" ] || { echo "no test results were written"; failed=$((failed + 1)); }

# A machine with a usable /dev/kvm must run the Kvm tests: a skip that says KVM-UNAVAILABLE fails the run.
if [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ -n "$trx" ] && grep -q "KVM-UNAVAILABLE" "$trx"; then
  echo "FAIL: /dev/kvm is usable here but Kvm tests were skipped as unavailable."
  failed=$((failed + 1))
fi

# Pester: only where pwsh and Pester exist (they cannot be installed on the build machine).
if command -v pwsh >/dev/null 2>&1 && pwsh -NoProfile -Command 'if (Get-Module -ListAvailable Pester | Where-Object Version -ge 5.0) { exit 0 } else { exit 1 }' >/dev/null 2>&1; then
  pester_out=$(pwsh -NoProfile -File tests/pester/Invoke-PesterSuite.ps1 -ModulePath out/GmemPS 2>&1)
  echo "$pester_out"
  line=$(echo "$pester_out" | grep -E '^Pester: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' | tail -n 1)
  if [ -n "$line" ]; then
    read -r pp pf ps <<<"$(echo "$line" | sed -E 's/^Pester: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/')"
    passed=$((passed + pp)); failed=$((failed + pf)); skipped=$((skipped + ps))
  else
    echo "FAIL: the Pester suite printed no summary line."
    failed=$((failed + 1))
  fi
else
  echo "Pester suite skipped: pwsh 7.4+ with Pester 5 is not installed on this machine (tests/pester runs where they are)."
fi

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
