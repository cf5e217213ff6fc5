#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang under
# AddressSanitizer and UndefinedBehaviorSanitizer, replays each committed
# corpus (tests/fuzz/corpus/TARGET/, the regression inputs included), then
# fuzzes each target for MOAT_FUZZ_SECONDS (60) seconds. A crash, leak,
# sanitizer report or broken invariant fails the script and leaves the input
# in the build's fuzz/artifacts/ (docs/fuzzing.md).
#   scripts/fuzz.sh [BUILD_ROOT]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-${MOAT_BUILD_ROOT:-$root/build}}/fuzz
seconds=${MOAT_FUZZ_SECONDS:-60}
targets=(policy_load codegen broker_decode)

CC=clang cmake -S "$root" -B "$build" -DMOAT_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DMOAT_SANITIZE=address,undefined -DMOAT_FUZZ=ON -DMOAT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p "$build/artifacts"
for target in "${targets[@]}"; do
	work="$build/corpus/$target" # grows here; the tree's corpus is only read
	mkdir -p "$work"
	printf '\n---- %s: replaying the committed corpus\n' "$target"
	"$build/tests/fuzz/fuzz_$target" -runs=0 -artifact_prefix="$build/artifacts/$target-" \
		"$root/tests/fuzz/corpus/$target"
	printf '\n---- %s: fuzzing for %s s\n' "$target" "$seconds"
	log="$build/fuzz_$target.log"
	status=0
	"$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$build/artifacts/$target-" "$work" "$root/tests/fuzz/corpus/$target" \
		>"$log" 2>&1 || status=$?
	grep -E '^(#[0-9]+ +DONE|Done |stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
	if [[ $status -ne 0 ]]; then
		tail -n 60 "$log" >&2
		printf 'moat: fuzz_%s failed (log %s); the input is in %s\n' "$target" "$log" \
			"$build/artifacts" >&2
		exit 1
	fi
done
printf '\nmoat: no fuzz target crashed\n'
