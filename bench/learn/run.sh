#!/usr/bin/env bash
# `moat learn` against the same program run bare: `python3 -c pass` and a
# shell pipeline, with hyperfine (scripts/install-deps.sh --bench). Prints
# hyperfine's table and the ratio learned/bare of the medians (the mean moves with the load); the goal is
# 5x or less (docs/performance.md). RUNS (default 30) bounds the runs of
# each command. Run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${MOAT_BUILD_ROOT:-build}/bench
runs=${RUNS:-30}
command -v hyperfine >/dev/null || {
	echo "hyperfine is missing: scripts/install-deps.sh --bench" >&2
	exit 1
}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMOAT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j 2 --target moat >/dev/null
moat=$(cd "$build" && pwd)/tools/moat/moat
python=/usr/bin/python3
[[ -x $python ]] || python=$(command -v python3)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== $(uname -r), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
	"load $(cut -d' ' -f1-3 /proc/loadavg)"
compare() { # name, command (a shell word list)
	local name=$1 command=$2
	hyperfine --runs "$runs" --warmup 3 -N --export-json "$work/$name.json" \
		-n "$name bare" "$command" \
		-n "$name learned" "$moat learn -o $work/$name.policy -- $command"
	python3 - "$work/$name.json" "$name" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
bare, learned = results[0]["median"], results[1]["median"]
print(f"{sys.argv[2]}: median bare {bare * 1000:.1f} ms, learned {learned * 1000:.1f} ms, ratio {learned / bare:.2f}x")
PY
}
compare python "$python -c pass"
compare pipeline "sh -c 'ls /usr/bin | sort | head -3'"
