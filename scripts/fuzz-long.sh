#!/usr/bin/env bash
# The long fuzzing runs reported in docs/fuzzing.md: each target in turn
# (one at a time, under nice -n 19: the machine is shared) until it has used
# MINUTES (20) CPU-minutes, measured by /usr/bin/time over chunks of at most
# MOAT_FUZZ_CHUNK (600) seconds of wall time that share one growing corpus.
# It resumes: the CPU time of the chunks already in the results directory
# counts, so an interrupted run is finished by starting it again. Prints
# per chunk the CPU time and executions so far and libFuzzer's last status
# line (coverage, features, corpus), and keeps every log.
#   scripts/fuzz-long.sh [MINUTES [TARGET...]]
# The targets must be built first (scripts/fuzz.sh builds them in
# ${MOAT_BUILD_ROOT:-build}/fuzz); results go to that directory's long/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${MOAT_BUILD_ROOT:-$root/build}/fuzz
minutes=${1:-20}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(policy_load codegen broker_decode)
chunk_seconds=${MOAT_FUZZ_CHUNK:-600}
results=$build/long
mkdir -p "$results"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# Seconds of CPU (user + system) and executions of TARGET's finished chunks.
cpu_so_far() {
	cat "$results/$1"-*.time 2>/dev/null | awk '/^cpu/ { s += $2 + $3 } END { print s + 0 }'
}
executions_so_far() {
	cat "$results/$1"-*.log 2>/dev/null |
		awk '/stat::number_of_executed_units/ { s += $NF } END { print s + 0 }'
}

for target in "${targets[@]}"; do
	work="$results/corpus-$target"
	mkdir -p "$work"
	while awk -v cpu="$(cpu_so_far "$target")" -v limit="$minutes" \
		'BEGIN { exit !(cpu < limit * 60) }'; do
		chunk=1
		while [[ -e "$results/$target-$chunk.log" ]]; do chunk=$((chunk + 1)); done
		log="$results/$target-$chunk.log"
		/usr/bin/time -f 'cpu %U %S' -o "$results/$target-$chunk.time" \
			nice -n 19 "$build/tests/fuzz/fuzz_$target" -max_total_time="$chunk_seconds" \
			-print_final_stats=1 -artifact_prefix="$results/crash-$target-" \
			"$work" "$root/tests/fuzz/corpus/$target" >"$log" 2>&1 || {
			printf 'moat: fuzz_%s crashed in chunk %d: see %s\n' "$target" "$chunk" "$log"
			exit 1
		}
		printf '%s chunk %d: %.1f CPU-minutes, %d executions so far; last: %s\n' \
			"$target" "$chunk" "$(awk -v c="$(cpu_so_far "$target")" 'BEGIN { print c / 60 }')" \
			"$(executions_so_far "$target")" "$(grep -E '^#[0-9]+' "$log" | tail -n 1)" |
			tee -a "$results/summary"
	done
done
