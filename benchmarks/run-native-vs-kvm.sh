#!/usr/bin/env bash
# Builds the C benchmark (gcc) and the C# runner (Release), then runs them interleaved and prints one table:
# median µs per operation for C and for C# through the Kvm backend, and the ratio C#/C.
# Usage: benchmarks/run-native-vs-kvm.sh [rounds] [pages]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rounds="${1:-7}"
pages="${2:-8000}"
out="$here/native/gmem_bench.bin"

gcc -O2 -Wall -Wextra -o "$out" "$here/native/gmem_bench.c"
dotnet build "$here/GmemPS.Benchmarks/GmemPS.Benchmarks.csproj" -c Release -nologo -v quiet >/dev/null
dll="$here/GmemPS.Benchmarks/bin/Release/net10.0/GmemPS.Benchmarks.dll"
exec dotnet "$dll" --native "$out" --rounds "$rounds" --pages "$pages"
