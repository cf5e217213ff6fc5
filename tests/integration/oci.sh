#!/usr/bin/env bash
# `moat export` and `moat import`: OCI and Docker seccomp profiles
# (docs/oci.md). The decisions themselves are proved against libseccomp in
# tests/unit/test_oci.c; this test covers the command: formats, files
# written whole or not at all, located errors, exit statuses, a round trip,
# the imported default profile of Podman running a program, and all of it
# as uid 65534.
source "$(dirname "$0")/lib.sh"
podman=/usr/share/containers/seccomp.json
choose_users
for user in "${users[@]}"; do # a directory each user can write
	mkdir -m 777 "$scratch/$user"
done

run "$MOAT" --help
expect_stdout_contains "export" "--help lists export"
expect_stdout_contains "import" "--help lists import"
run "$MOAT" export
expect_status 2 "export without arguments"
run "$MOAT" export --format yaml stdio
expect_status 2 "export with an unknown format"
run "$MOAT" import
expect_status 2 "import without a file"
run "$MOAT" import --frob x.json
expect_status 2 "import with an unknown option"

# Both formats are JSON with the native architecture; jq reads them.
run "$MOAT" export --format oci stdio
expect_status 0 "export --format oci"
[[ $(jq -r '.architectures[0]' <<<"$stdout") == SCMP_ARCH_* ]] || fail "oci: no architectures"
[[ $(jq -r '.defaultAction' <<<"$stdout") == SCMP_ACT_KILL_PROCESS ]] ||
	fail "oci: defaultAction of stdio is not kill"
run "$MOAT" export --format docker stdio
expect_status 0 "export --format docker"
[[ $(jq -r '.archMap[0].architecture' <<<"$stdout") == SCMP_ARCH_* ]] || fail "docker: no archMap"

# A policy OCI cannot hold exactly: a warning at the statement, and a profile.
cat >"$scratch/chain.policy" <<'POLICY'
moat 1
[syscalls]
default kill
allow read write close exit_group
errno EACCES openat if arg2 & O_ACCMODE != O_RDONLY
allow openat
POLICY
run "$MOAT" export --format oci "$scratch/chain.policy" -o "$scratch/chain.json"
expect_status 0 "export of a first-match chain"
expect_stderr_contains "$scratch/chain.policy:6:7: warning: OCI cannot give openat" \
	"the warning names the statement"
[[ -s "$scratch/chain.json" ]] || fail "export -o wrote nothing"

# Round trip: export -> import -> export gives the same bytes.
for user in "${users[@]}"; do
	mine=$scratch/$user
	as "$user" "$MOAT" export --format oci shell -o "$mine/1.json" 2>/dev/null ||
		fail "$user: export shell"
	as "$user" "$MOAT" import "$mine/1.json" -o "$mine/shell.policy" 2>/dev/null ||
		fail "$user: import"
	as "$user" "$MOAT" export --format oci "$mine/shell.policy" -o "$mine/2.json" \
		2>/dev/null || fail "$user: export again"
	cmp -s "$mine/1.json" "$mine/2.json" ||
		fail "$user: export -> import -> export changed the profile"
done

# Bad input: a located error with the JSON path, status 1, OUT untouched.
echo "keep me" >"$scratch/out.policy"
bad_import() { # name, JSON, expected fragment
	printf '%s\n' "$2" >"$scratch/$1.json"
	run "$MOAT" import "$scratch/$1.json" -o "$scratch/out.policy"
	expect_status 1 "import of $1"
	expect_stderr_contains "$3" "import of $1"
	[[ $(cat "$scratch/out.policy") == "keep me" ]] || fail "import of $1 wrote OUT"
}
bad_import malformed '{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [ {"names": ["read"] "action": 1} ]}' \
	"$scratch/malformed.json:2:"
bad_import unknown-op '{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [
  {"names": ["read"], "action": "SCMP_ACT_ERRNO",
   "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_SIMILAR"}]}]}' \
	"$scratch/unknown-op.json:4:44: error: unknown operator 'SCMP_CMP_SIMILAR' (at \$.syscalls[0].args[0].op)"
bad_import unknown-name '{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [
  {"names": ["read", "frobnicate"], "action": "SCMP_ACT_ERRNO"}]}' \
	"$scratch/unknown-name.json:3:22: error: unknown syscall 'frobnicate' (at \$.syscalls[0].names[1])"
ls "$scratch"/.out.policy.* >/dev/null 2>&1 && fail "a temporary file was left behind"

# Podman's and CRI-O's default profile, imported, checked, evaluated and run.
if [[ ! -r $podman ]]; then
	skip_check "Podman's default profile: $podman is missing (install golang-github-containers-common)"
else
	for user in "${users[@]}"; do
		as "$user" "$MOAT" import "$podman" -o "$scratch/$user/podman.policy" \
			2>"$scratch/stderr" || fail "$user: import of $podman"
		grep -q "warning: moat filters calls of the native architecture" "$scratch/stderr" ||
			fail "$user: no warning about the profile's other architectures"
		run as "$user" "$MOAT" check "$scratch/$user/podman.policy"
		expect_status 0 "$user: check of the imported profile"
	done
	policy=$scratch/${users[0]}/podman.policy
	run "$MOAT" eval "$policy" personality 8
	expect_action allow "personality(PER_LINUX32) under Podman's profile"
	run "$MOAT" eval "$policy" personality 0x400000
	expect_action "errno ENOSYS" "personality(READ_IMPLIES_EXEC) under Podman's profile"
	run "$MOAT" eval "$policy" kexec_load
	expect_action "errno EPERM" "kexec_load under Podman's profile"
	# A container without CAP_SYS_CHROOT: the profile's includes decide chroot.
	"$MOAT" import "$podman" --caps CAP_CHOWN -o "$scratch/nochroot.policy" 2>/dev/null ||
		fail "import --caps"
	run "$MOAT" eval "$scratch/nochroot.policy" chroot
	expect_action "errno EPERM" "chroot without CAP_SYS_CHROOT"
	run "$MOAT" eval "$policy" chroot
	expect_action allow "chroot with Docker's default capabilities"
	for user in "${users[@]}"; do
		run as "$user" "$MOAT" run -p "$scratch/$user/podman.policy" -- sh -c 'echo inside'
		expect_status 0 "$user: a program under the imported profile"
		expect_stdout "inside" "$user: a program under the imported profile"
	done
fi
finish
