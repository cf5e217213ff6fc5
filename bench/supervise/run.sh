#!/usr/bin/env bash
# The supervisor's costs: a bare notify round trip against a plain syscall,
# a brokered openat against a direct one (with and without
# SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP), the throughput of one supervisor
# serving 1, 10 and 100 busy sandboxes from the caller's loop, and (scale)
# 1 to 1000 sandboxes served by one thread and by one thread per CPU, with
# the supervisor's memory per sandbox, and (floor) the same calls served by
# a raw loop with no moat code: the kernel's own cost on this machine. Run it on an otherwise idle machine:
# the cost of waking an idle CPU is much of what it measures. The output is
# saved under build/bench/results for bench/plot.py.
#
#   bench/supervise/run.sh [CALLS]   SCALE="SECONDS COUNT..." (default "1 1 10 100 1000")
#   (floor takes the same CALLS and SCALE)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${MOAT_BUILD_ROOT:-build}/bench
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMOAT_BUILD_BENCH=ON -DMOAT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target bench_notify_cost bench_scale bench_floor >/dev/null
results=$build/results
mkdir -p "$results"

echo "== $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bench/notify_cost" "${1:-20000}" | tee "$results/notify_cost.txt"
echo
# shellcheck disable=SC2086 # SCALE is a list of words
"$build/bench/scale" ${SCALE:-1 1 10 100 1000} | tee "$results/scale.csv"
echo
# shellcheck disable=SC2086 # SCALE is a list of words
"$build/bench/floor" "${1:-20000}" ${SCALE:-1 1 10 100 1000} | tee "$results/floor.txt"
