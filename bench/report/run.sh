#!/usr/bin/env bash
# What denial reports cost on calls the policy allows: the same loop of
# allowed syscalls bare, under `moat run --quiet` (the kernel kills, nothing
# is routed), under `moat run` (kills routed to the supervisor) and under
# `moat run --report` (errno refusals routed too). Prints ns per call and
# the ratio to --quiet, for docs/performance.md. POLICY (default: system)
# names another policy, e.g. one that allows the hand-off's calls outright
# and so runs under one filter (docs/supervisor.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${MOAT_BUILD_ROOT:-build}/bench
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMOAT_BUILD_BENCH=ON -DMOAT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
moat=$build/tools/moat/moat
program=$(realpath "$build/bench/allowed_calls")
count=${COUNT:-2000000}
rounds=${ROUNDS:-5}
policy=${POLICY:-system}

measure() { # label, command...: the median of $rounds runs, per call kind
	local label=$1
	shift
	for _ in $(seq "$rounds"); do "$@" "$program" "$count"; done |
		awk -v label="$label" '{ values[$1] = values[$1] " " $2 }
		END { for (kind in values) { n = split(values[kind], v, " "); asort(v);
		      printf "%s %s %.1f\n", label, kind, v[int((n + 1) / 2)] } }'
}

{
	measure bare
	measure quiet "$moat" run --quiet -p "$policy" --exec "$program" --
	measure reports "$moat" run -p "$policy" --exec "$program" --
	measure report "$moat" run --report -p "$policy" --exec "$program" --
} | sort -k2,2 -k1,1 | awk '
	{ cost[$1 " " $2] = $3; kinds[$2] = 1 }
	END {
		printf "| call | bare | --quiet | reports (default) | --report | default / --quiet |\n"
		printf "| --- | --- | --- | --- | --- | --- |\n"
		for (kind in kinds)
			printf "| %s | %.1f ns | %.1f ns | %.1f ns | %.1f ns | %.3f |\n", kind,
			       cost["bare " kind], cost["quiet " kind], cost["reports " kind],
			       cost["report " kind], cost["reports " kind] / cost["quiet " kind]
	}'
