#!/usr/bin/env bash
# moat's seccomp filters next to libseccomp's: instructions executed per
# syscall, compile time, and the cost of an allowed syscall. Prints Markdown
# tables for docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${MOAT_BUILD_ROOT:-build}/bench
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMOAT_BUILD_BENCH=ON -DMOAT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target bench_seccomp_bench >/dev/null
bench=$build/bench/seccomp_bench
results=$build/results
mkdir -p "$results"

echo "== BPF instructions executed per syscall (every native syscall number)"
"$bench" paths | tee "$results/seccomp.txt"
echo
echo "== compile time"
"$bench" compile
echo
echo "== cost of one allowed syscall"
"$bench" getppid
