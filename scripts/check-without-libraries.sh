#!/usr/bin/env bash
# A native libmoat and moat built with -DMOAT_EGRESS=OFF -DMOAT_OCI=OFF, the
# configuration scripts/cross.sh uses for targets without libbpf or json-c,
# never drops a security feature silently:
#   - `moat features` says egress is not built in;
#   - an `egress` policy under `compat strict` exits 125 naming the missing
#     libbpf, as root and as uid 65534; under `compat best-effort` it runs
#     and reports the drop;
#   - `moat export` and `moat import` exit 1 naming the missing json-c;
#   - libmoat.so exports the very symbols of the full build (same ABI).
# Positive controls, with the full build FULL_BUILD: the same strict policy
# runs (as root, where this kernel has cgroup v2 and cgroup BPF), and the
# same export and import succeed; so the refusals come from what was left
# out, not from the policy or the files.
#
#   scripts/check-without-libraries.sh FULL_BUILD MINIMAL_BUILD
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
full_build=$(cd "${1:?usage: scripts/check-without-libraries.sh FULL_BUILD MINIMAL_BUILD}" && pwd)
minimal_build=${2:?usage: scripts/check-without-libraries.sh FULL_BUILD MINIMAL_BUILD}
full=$full_build/tools/moat/moat

cmake -S "$root" -B "$minimal_build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOAT_WERROR=ON \
	-DMOAT_BUILD_TESTS=OFF -DMOAT_PYTHON=OFF -DMOAT_EGRESS=OFF -DMOAT_OCI=OFF >/dev/null || exit 1
cmake --build "$minimal_build" -j "$(nproc)" --target moat moat_shared >"$minimal_build/build.log" ||
	{
		cat "$minimal_build/build.log" >&2
		exit 1
	}
# CMake's cache must say what was built: the options are off, nothing links libbpf or json-c.
grep -q '^MOAT_EGRESS:BOOL=OFF$' "$minimal_build/CMakeCache.txt" || {
	echo "without-libraries: MOAT_EGRESS is not off in $minimal_build" >&2
	exit 1
}
MOAT=$minimal_build/tools/moat/moat
source "$root/tests/integration/lib.sh"
export MOAT_POLICY_PATH=$root/policies

if ldd "$MOAT" "$minimal_build/lib/libmoat.so" | grep -E 'libbpf|libjson-c'; then
	fail "the minimal build links libbpf or json-c"
fi

run "$MOAT" features
expect_status 0 "moat features"
expect_stdout_contains "network egress rules: not built in (moat was built without egress support (libbpf))" \
	"moat features"
run "$full" features
[[ "$stdout" != *"not built in"* ]] || fail "the full build's moat features says egress is not built in"

printf 'moat 1\n[network]\negress 127.0.0.1 tcp 1\n' >"$scratch/strict.policy"
printf 'moat 1\ncompat best-effort\n[network]\negress 127.0.0.1 tcp 1\n' >"$scratch/best.policy"
# Sandboxes run where mounts and the hostname are private to them.
isolated=()
[[ $(id -u) -eq 0 ]] && isolated=(unshare --mount --uts --ipc --propagation private --)

users=(root)
[[ $(id -u) -eq 0 ]] && users+=(nobody)
for user in "${users[@]}"; do
	as_user=()
	[[ $user == nobody ]] && as_user=("${unprivileged[@]}")
	run "${isolated[@]}" "${as_user[@]}" "$MOAT" run -p "$scratch/strict.policy" -- /bin/true
	expect_status 125 "compat strict egress policy as $user"
	expect_stderr_contains "strict.policy:3:1: error: the system cannot enforce this policy (compat strict): [network] egress needs cgroup BPF programs on a cgroup v2 of the sandbox's own: moat was built without egress support (libbpf)" \
		"compat strict egress policy as $user"
	run "${isolated[@]}" "${as_user[@]}" "$MOAT" run -p "$scratch/best.policy" -- /bin/echo ran
	expect_status 0 "compat best-effort egress policy as $user"
	expect_stdout "ran" "compat best-effort egress policy as $user"
	expect_stderr_contains "compat best-effort: [network] egress dropped, TCP and UDP may reach any address: moat was built without egress support (libbpf)" \
		"compat best-effort egress policy as $user"
done

# Positive control: the full build runs the strict policy where the kernel lets it.
run "$full" features
if [[ $(id -u) -eq 0 && "$stdout" == *"network egress rules: yes"* ]]; then
	run "${isolated[@]}" "$full" run -p "$scratch/strict.policy" -- /bin/echo ran
	expect_status 0 "control: the full build runs the strict egress policy"
	expect_stdout "ran" "control: the full build runs the strict egress policy"
else
	skip_check "control: this machine cannot enforce egress rules (not root, or no cgroup BPF)"
fi

printf 'moat 1\n[syscalls]\ndefault allow\nerrno EPERM ptrace\n' >"$scratch/export.policy"
run "$MOAT" export --format oci "$scratch/export.policy"
expect_status 1 "moat export"
expect_stderr_contains "moat was built without OCI profile support (json-c)" "moat export"
run "$full" export --format oci "$scratch/export.policy" -o "$scratch/profile.json"
expect_status 0 "control: the full build exports"
run "$MOAT" import "$scratch/profile.json"
expect_status 1 "moat import"
expect_stderr_contains "moat was built without OCI profile support (json-c)" "moat import"
run "$full" import "$scratch/profile.json"
expect_status 0 "control: the full build imports"

# Same ABI: the public functions are all there, stubs or not.
exported() { nm -D --defined-only "$1" | awk '$2 == "T" {sub(/@.*/, "", $3); print $3}' | sort; }
if ! diff <(exported "$full_build/lib/libmoat.so") <(exported "$minimal_build/lib/libmoat.so") >"$scratch/symbols.diff"; then
	fail "the minimal libmoat.so exports other symbols than the full one: $(cat "$scratch/symbols.diff")"
fi
[[ $(exported "$minimal_build/lib/libmoat.so" | grep -c '^moat_policy_\(export\|import\)_oci$') -eq 2 ]] ||
	fail "the minimal libmoat.so lacks moat_policy_export_oci or moat_policy_import_oci"

finish
