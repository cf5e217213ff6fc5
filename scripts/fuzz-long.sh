#!/usr/bin/env bash
# The long fuzzing runs reported in docs/fuzzing.md: each target in turn
# (one at a time, under nice -n 19: the machine is shared) until it has used
# MINUTES (20) CPU-minutes, measured by /usr/bin/time over chunks of at most
# 10 minutes of wall time that share one growing corpus. Prints per chunk
# and per target the CPU time, executions, coverage and corpus size.
#   scripts/fuzz-long.sh [MINUTES [TARGET...]]
# The targets must be built first (scripts/fuzz.sh builds them in build/fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${MOAT_BUILD_ROOT:-$root/build}/fuzz
minutes=${1:-20}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(policy_load codegen broker_decode)
results=$build/long
mkdir -p "$results"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

for target in "${targets[@]}"; do
	work="$results/corpus-$target"
	mkdir -p "$work"
	cpu=0 executions=0 chunk=0
	while awk -v cpu="$cpu" -v limit="$minutes" 'BEGIN { exit !(cpu < limit * 60) }'; do
		chunk=$((chunk + 1))
		log="$results/$target-$chunk.log"
		/usr/bin/time -f 'cpu %U %S' -o "$results/$target-$chunk.time" \
			nice -n 19 "$build/tests/fuzz/fuzz_$target" -max_total_time=600 \
			-print_final_stats=1 -artifact_prefix="$results/crash-$target-" \
			"$work" "$root/tests/fuzz/corpus/$target" >"$log" 2>&1 || {
			printf 'moat: fuzz_%s crashed in chunk %d: see %s\n' "$target" "$chunk" "$log"
			exit 1
		}
		cpu=$(awk -v cpu="$cpu" '/^cpu/ { print cpu + $2 + $3 }' "$results/$target-$chunk.time")
		runs=$(awk '/stat::number_of_executed_units/ { print $NF + 0 }' "$log")
		executions=$((executions + runs))
		coverage=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
		printf '%s chunk %d: %.1f CPU-minutes in all, %d executions in all; last: %s\n' \
			"$target" "$chunk" "$(awk -v c="$cpu" 'BEGIN { print c / 60 }')" "$executions" \
			"$coverage" | tee -a "$results/summary"
	done
done
