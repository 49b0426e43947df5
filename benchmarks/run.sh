#!/usr/bin/env bash
# Every benchmark in one run: builds the C program (gcc -O2) and the runner (Release), then prints one markdown table
# per section — Kvm backend vs C, simulator vs kernel (1k/8k/32,764 slots, 1 TiB files, guest access), fragmented
# ranges 10^3..10^6, the 1,000,000-operation random scenario, memory per range, the event log's bound, host access —
# and writes the scaling curves to benchmarks/results/scaling.svg. Without /dev/kvm the kernel columns fall back to
# shared/kernel-facts.md and the Kvm sections are skipped.
# Usage: benchmarks/run.sh [rounds] [sections]   e.g. benchmarks/run.sh 5 simulator,fragmented
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rounds="${1:-5}"
sections="${2:-kvm,simulator,fragmented,mix,memory,events,hostaccess}"
native="$here/native/gmem_bench.bin"

gcc -O2 -Wall -Wextra -o "$native" "$here/native/gmem_bench.c"
dotnet build "$here/GmemPS.Benchmarks/GmemPS.Benchmarks.csproj" -c Release -nologo -v quiet >/dev/null
dll="$here/GmemPS.Benchmarks/bin/Release/net10.0/GmemPS.Benchmarks.dll"
cd "$here"
exec dotnet "$dll" --native "$native" --rounds "$rounds" --results "$here/results" --only "$sections"
