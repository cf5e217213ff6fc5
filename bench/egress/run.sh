#!/usr/bin/env bash
# connect() under `moat run` with and without [network] egress lines (the
# cgroup programs attached), in the same run; prints ns per socket+connect+
# close and the ratio (goal: at most 1.1). The listed rule is the last of
# 16, so the programs scan the whole list. Needs root (cgroup BPF).
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

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for round in 1 2 3; do
	"$moat" run -p "$scratch/without.policy" -- "$build/bench/connect_cost" "$count" >>"$scratch/without"
	"$moat" run -p "$scratch/with.policy" -- "$build/bench/connect_cost" "$count" >>"$scratch/with"
done
without=$(median <"$scratch/without")
with=$(median <"$scratch/with")
echo "connect() to a refused 127.0.0.1 port, ns per socket+connect+close (median of 3 runs, best of 5 rounds of $count each)"
echo "without egress lines: $without ns; with 16 egress lines: $with ns; ratio $(awk "BEGIN {printf \"%.3f\", $with / $without}")"
