#!/usr/bin/env bash
# `moat run` with `unshare all` and a small mount tree (/usr and the links
# or binds that make /bin/true run) against `bwrap --unshare-all` with the
# same binds, against unshare(1) of the same namespaces (no mount tree), and
# against bare /bin/true. Runs as the caller and, when the
# caller is root, again as uid 65534 (through setpriv, for all three).
# Prints the medians and the ratios; one run, one machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${MOAT_BUILD_ROOT:-build}/bench
runs=${RUNS:-1000}
scripts/install-deps.sh --bench
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMOAT_BUILD_BENCH=ON -DMOAT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
moat=$(realpath "$build/tools/moat/moat")

# The same tree for both: /usr read-only, then each top-level directory of
# the host's that a dynamically linked program needs, as a link where the
# host has a link (merged /usr) and as a read-only bind otherwise.
policy=$(realpath "$build")/isolate.policy
bwrap_arguments=(--unshare-all --ro-bind /usr /usr)
printf 'moat 1\n[namespaces]\nunshare all\n[mounts]\nbind /usr\n' >"$policy"
for directory in bin lib lib64; do
	if [[ -L /$directory ]]; then
		printf 'symlink %s /%s\n' "$(readlink "/$directory")" "$directory" >>"$policy"
		bwrap_arguments+=(--symlink "$(readlink "/$directory")" "/$directory")
	elif [[ -d /$directory ]]; then
		printf 'bind /%s\n' "$directory" >>"$policy"
		bwrap_arguments+=(--ro-bind "/$directory" "/$directory")
	fi
done
chmod 644 "$policy"
# The namespaces alone, with no mount tree: the kernel's share of the cost.
unshare_arguments=(--user --map-root-user --mount --uts --ipc --net --pid --cgroup --fork)
results=$build/results
mkdir -p "$results"
rm -f "$results/isolate.csv"

measure() { # label, command prefix...
	local label=$1 json=$build/isolate-$1.json
	shift
	local prefix="$*"
	hyperfine -N --warmup 50 --runs "$runs" --export-json "$json" \
		"$prefix /bin/true" \
		"$prefix $moat run -p $policy -- /bin/true" \
		"$prefix bwrap ${bwrap_arguments[*]} /bin/true" \
		"$prefix unshare ${unshare_arguments[*]} /bin/true" >/dev/null
	python3 - "$label" "$json" "$results/isolate.csv" <<'PY'
import json, os, sys
label, path, table = sys.argv[1], sys.argv[2], sys.argv[3]
bare, moat, bwrap, unshare = (r["median"] * 1e6 for r in json.load(open(path))["results"])
print(f"{label}: bare /bin/true {bare:.0f} us, moat run {moat:.0f} us, "
      f"bwrap {bwrap:.0f} us, unshare {unshare:.0f} us; moat/bwrap {moat / bwrap:.2f}, "
      f"moat/unshare {moat / unshare:.2f}, moat/bare {moat / bare:.2f}")
new = not os.path.exists(table)
with open(table, "a") as out:
    if new:
        out.write("caller,bare_us,moat_us,bwrap_us,unshare_us\n")
    out.write(f"{label},{bare:.0f},{moat:.0f},{bwrap:.0f},{unshare:.0f}\n")
PY
}

echo "== unshare all + /usr, /bin/true: moat run, bwrap --unshare-all, unshare, bare ($runs runs each)"
measure "$(id -un)"
if [[ $(id -u) -eq 0 ]]; then
	measure uid-65534 setpriv --reuid 65534 --regid 65534 --clear-groups
fi
