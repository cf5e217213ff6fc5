#!/usr/bin/env bash
# `moat run` of /bin/true against bare /bin/true, and the in-process cost of
# loading and entering a policy. Prints the ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${MOAT_BUILD_ROOT:-build}/bench
scripts/install-deps.sh --bench
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMOAT_BUILD_BENCH=ON -DMOAT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
moat=$build/tools/moat/moat
policy=bench/run/typical.policy

echo "== moat run of /bin/true (seccomp + Landlock + limits) against bare /bin/true"
hyperfine -N --warmup 50 --runs 1000 --export-json "$build/run.json" \
	"/bin/true" "$moat run -p $policy -- /bin/true" >/dev/null
python3 - "$build/run.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
bare, moat = (r["median"] * 1e6 for r in results)
print(f"bare /bin/true median {bare:.0f} us; moat run median {moat:.0f} us; "
      f"added {moat - bare:.0f} us; ratio {moat / bare:.2f}")
PY

echo "== what moat_spawn adds to posix_spawn, from one process"
"$build/bench/spawn_cost" "$policy" 500

echo "== load + compile + apply inside a process"
"$build/bench/enter_cost" "$policy" 500

echo "== starting /bin/true: a copy of the address space (fork) against none (posix_spawn)"
"$build/bench/clone_cost" 500

echo "== what the kernel charges for a filter, a Landlock domain and the bounding set"
"$build/bench/install_cost" 100

echo "== what this machine charges for a page fault, a populated page and a system call"
"$build/bench/fault_cost" 50

if command -v perf >/dev/null; then
	echo "== page faults of one moat run (every process) against bare /bin/true"
	for command in "/bin/true" "$moat run -p $policy -- /bin/true"; do
		perf stat -x, -r 20 -e page-faults $command 2>&1 >/dev/null |
			awk -F, -v command="$command" '/page-faults/ {print $1 " page faults: " command}'
	done
fi
