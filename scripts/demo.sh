#!/usr/bin/env bash
# The main job: builds moat and runs a program in a sandbox, showing one
# action the policy allows and one it refuses.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${MOAT_BUILD_ROOT:-build}/demo

scripts/install-deps.sh
cmake -S . -B "$build" -DMOAT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
moat=$build/tools/moat/moat
policy=policies/system.policy

show() { # runs `moat ARGS...`, printing the command line and its exit status
	printf '$ moat'
	printf ' %q' "${@:2}"
	printf '\n'
	set +e
	"$@"
	local status=$?
	set -e
	echo "(exit status $status)"
	echo
}

echo "== the policy: read the system, run installed programs, nothing else"
grep -v '^#' "$policy" | sed '/^$/d'
echo

echo "== allowed: reading /etc, which the policy grants"
show "$moat" run -p "$policy" -- head -n 1 /etc/os-release

echo "== refused: listing /root, which it does not (Landlock answers EACCES)"
show "$moat" run -p "$policy" -- ls /root

echo "== refused: a TCP socket, which no rule allows (seccomp kills it: 128+SIGSYS)"
show "$moat" run -p "$policy" -- bash -c 'echo hello > /dev/tcp/127.0.0.1/9'

echo "== a program's own policy: jq gets what jq needs, the user grants the data"
grep -v '^#' policies/jq.policy | sed '/^$/d'
echo '{"name": "moat", "items": [1, 2, 39]}' >"$build/data.json"
show "$moat" run -p policies/jq.policy --read "$build/data.json" -- /usr/bin/jq '.items | add' "$build/data.json"

echo "== refused: the same jq reading a file the user did not grant"
show "$moat" run -p policies/jq.policy --read "$build/data.json" -- /usr/bin/jq -R . /etc/hostname

echo "== every shipped policy is valid"
show "$moat" check policies/*.policy
