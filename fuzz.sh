#!/usr/bin/env bash
# The long differential-fuzzing run: generated operation sequences run step by step on the simulator (profile
# ThisHost, invariants checked after every step) and on /dev/kvm; every outcome must be identical. A divergence is
# shrunk and saved under tests/GmemPS.Tests/Fuzzing/Regressions/, which ./test.sh replays from then on.
#   ./fuzz.sh [sequences (5000)] [first seed (from the clock)] [steps per sequence (60)]
# ./test.sh runs the same test bounded (500 sequences of 40 steps from a fixed seed).
set -uo pipefail
cd "$(dirname "$0")"
sequences=${1:-5000}
seed=${2:-$(( $(date +%s) % 1000000000 ))}
steps=${3:-60}
if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
  echo "fuzz.sh needs a readable and writable /dev/kvm: the kernel is the judge." >&2
  exit 2
fi
dotnet build GmemPS.sln -nologo -v quiet || exit 1
report=$(mktemp)
trap 'rm -f "$report"' EXIT
echo "fuzzing: $sequences sequences of $steps steps from seed $seed"
GMEMPS_FUZZ_SEQUENCES=$sequences GMEMPS_FUZZ_SEED=$seed GMEMPS_FUZZ_STEPS=$steps GMEMPS_FUZZ_REPORT=$report \
  dotnet test tests/GmemPS.Tests/GmemPS.Tests.csproj --no-build -nologo -v quiet \
  --filter "FullyQualifiedName~DifferentialFuzzTests.Generated_sequences" >/dev/null
status=$?
cat "$report" 2>/dev/null || echo "the fuzz test wrote no report (exit $status)"
exit $status
