#!/usr/bin/env bash
# The supervisor's costs: a bare notify round trip against a plain syscall,
# a brokered openat against a direct one (with and without
# SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP), and the throughput of one supervisor
# serving 1, 10 and 100 busy sandboxes. Run it on an otherwise idle machine:
# the cost of waking an idle CPU is much of what it measures.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${MOAT_BUILD_ROOT:-build}/bench
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMOAT_BUILD_BENCH=ON -DMOAT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target bench_notify_cost >/dev/null

echo "== $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bench/notify_cost" "${1:-20000}"
