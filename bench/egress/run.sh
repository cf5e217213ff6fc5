#!/usr/bin/env bash
# connect() under `moat run` with and without [network] egress lines (the
# cgroup programs attached), in the same run; prints ns per socket+connect+
# close and the ratio (goal: at most 1.1). The listed rule is the last of
# 16, so the programs scan the whole list. Needs root (cgroup BPF).
#   bench/egress/run.sh [COUNT]     (ROUNDS=11 pairs by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${MOAT_BUILD_ROOT:-build}/bench
count=${1:-20000}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMOAT_BUILD_BENCH=ON -DMOAT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j 2 >/dev/null
moat=$build/tools/moat/moat
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

printf 'moat 1\n' >"$scratch/without.policy"
{
	printf 'moat 1\n[network]\n'
	for i in $(seq 1 15); do printf 'egress 10.%d.0.0/16 tcp 443 udp 53\n' "$i"; done
	printf 'egress 127.0.0.1 tcp 1-65535\n'
} >"$scratch/with.policy"

rounds=${ROUNDS:-11}
# Pairs run back to back (without, then with) and the ratio is taken per
# pair: the VM's speed drifts over seconds, much more than the programs cost.
for round in $(seq 1 "$rounds"); do
	without=$("$moat" run -p "$scratch/without.policy" -- "$build/bench/connect_cost" "$count")
	with=$("$moat" run -p "$scratch/with.policy" -- "$build/bench/connect_cost" "$count")
	echo "$without $with" >>"$scratch/pairs"
done
echo "connect() to a refused 127.0.0.1 port, ns per socket+connect+close (best of 5 rounds of $count each), $rounds pairs"
python3 - "$scratch/pairs" <<'PY'
import statistics, sys
pairs = [tuple(map(float, line.split())) for line in open(sys.argv[1])]
ratios = sorted(with_ / without for without, with_ in pairs)
print(f"without egress lines: median {statistics.median(p[0] for p in pairs):.0f} ns; "
      f"with 16 egress lines: median {statistics.median(p[1] for p in pairs):.0f} ns")
print(f"ratio per pair: median {statistics.median(ratios):.3f}, "
      f"lowest {ratios[0]:.3f}, highest {ratios[-1]:.3f}")
PY

# The programs' own cost, counted by the kernel (program_stats.c): each
# runs once per socket+connect+close of the loop.
"$moat" run -p "$scratch/with.policy" -- "$build/bench/connect_cost" "$count" >/dev/null &
"$build/bench/program_stats" $! >"$scratch/programs"
wait
echo "the egress programs, counted by the kernel (BPF_ENABLE_STATS): name, runs, ns per run"
cat "$scratch/programs"
python3 - "$scratch/programs" "$scratch/pairs" <<'PY'
import statistics, sys
count_runs = [line.split() for line in open(sys.argv[1])]
busiest = max(int(runs) for _, runs, _ in count_runs)
per_call = sum(float(ns) for _, runs, ns in count_runs if int(runs) * 2 > busiest)
without = statistics.median(float(line.split()[0]) for line in open(sys.argv[2]))
print(f"programs per socket+connect+close: {per_call:.0f} ns, "
      f"{per_call / without * 100:.1f}% of the call without them (ratio {1 + per_call / without:.3f})")
PY
