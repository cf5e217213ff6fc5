# Shared by the shell tests: assertions that print what failed, and a
# scratch directory removed at exit. Source it; $MOAT is the command.
set -u
: "${MOAT:?run through ctest, which sets MOAT}"
failures=0
skipped_checks=0
scratch=$(mktemp -d /tmp/moat-test.XXXXXX)
chmod 755 "$scratch"
trap 'rm -rf "$scratch"' EXIT

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# run CMD...: runs it, keeping stdout, stderr and the exit status.
run() {
	"$@" >"$scratch/stdout" 2>"$scratch/stderr"
	status=$?
	stdout=$(cat "$scratch/stdout")
	stderr=$(cat "$scratch/stderr")
}

expect_status() { # expected, description
	[[ $status -eq $1 ]] || fail "$2: exit status $status, expected $1 (stderr: $stderr)"
}

expect_stdout() { # text, description
	[[ "$stdout" == "$1" ]] || fail "$2: stdout was '$stdout', expected '$1'"
}

# `moat eval` prints `ACTION by FILE:LINE:COL (STATEMENT)` (or `by moat (...)`
# for moat's own rules): the first words are the action (authoring.md).
expect_action() { # action, description
	[[ "$stdout" == "$1 by "* ]] || fail "$2: stdout was '$stdout', expected '$1 by ...'"
}

expect_stderr_contains() { # fragment, description
	[[ "$stderr" == *"$1"* ]] || fail "$2: stderr lacks '$1': $stderr"
}

expect_stdout_contains() { # fragment, description
	[[ "$stdout" == *"$1"* ]] || fail "$2: stdout lacks '$1': $stdout"
}

# skip REASON: the test cannot run here; ctest counts exit 77 as skipped.
skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# skip_check REASON: one check cannot run here (a kernel without the hole a
# positive control needs, ...); the others go on. The SKIP line is what
# scripts/test.sh lists as skipped, never passed.
skip_check() {
	echo "SKIP: $*" >&2
	skipped_checks=$((skipped_checks + 1))
}

# The users a test runs as, in $users: `root` (or `self` when the suite is
# not run as root), and `nobody`, uid 65534, when it can make a user
# namespace here. `as USER CMD...` runs a command as one of them.
unprivileged=(setpriv --reuid 65534 --regid 65534 --clear-groups)
choose_users() {
	users=(self)
	[[ $(id -u) -eq 0 ]] || return 0
	users=(root)
	if "${unprivileged[@]}" unshare --user true 2>/dev/null; then
		users+=(nobody)
	else
		skip_check "every uid 65534 check: uid 65534 cannot create a user namespace here (root only)"
	fi
}

# Processes found by a marker in their argv, whatever PID namespace they are
# in. `marked MARKER EXCEPT` prints their pids but EXCEPT's and this
# shell's; the pattern is read from a file, so that grep's own argv never
# matches. `kill_marked MARKER` kills them; `kill_marked_at_exit MARKER`
# does so at exit too, so that nothing is left running when a check fails.
marked() { # marker, except
	printf '%s\n' "$1" >"$scratch/pattern"
	grep -l -a -F -f "$scratch/pattern" /proc/[0-9]*/cmdline 2>/dev/null |
		cut -d/ -f3 | grep -v -x -e "$2" -e "$$" || true
}

kill_marked() { # marker
	local pids
	pids=$(marked "$1" none)
	[[ -z $pids ]] || kill -KILL $pids 2>/dev/null
}

kill_marked_at_exit() { # marker
	marker_at_exit=$1
	trap 'kill_marked "$marker_at_exit"; rm -rf "$scratch"' EXIT
}

as() { # user, command...
	local user=$1
	shift
	if [[ $user == nobody ]]; then "${unprivileged[@]}" "$@"; else "$@"; fi
}

# landlock_abi: the Landlock ABI of the running kernel, as `moat features`
# reports it (0 without Landlock).
landlock_abi() {
	"$MOAT" features 2>/dev/null | sed -n 's/^landlock: abi \([0-9]*\).*/\1/p' | grep . || echo 0
}

# require_landlock_abi N WHAT: skips the whole test on a kernel whose
# Landlock is older than ABI N (compat strict refuses WHAT there).
require_landlock_abi() {
	local abi
	abi=$(landlock_abi)
	[[ $abi -ge $1 ]] || skip "$2 needs Landlock ABI $1; this kernel has $abi"
}

# wait_until SECONDS COMMAND...: runs COMMAND every 10 ms until it succeeds;
# fails (status 1) when SECONDS pass first. For waiting on a state (a file
# written, a process started or gone) instead of sleeping and hoping.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[[ $SECONDS -le $deadline ]] || return 1
		sleep 0.01
	done
}

finish() {
	if [[ $failures -gt 0 ]]; then
		echo "$failures check(s) failed" >&2
		exit 1
	fi
	if [[ $skipped_checks -gt 0 ]]; then
		echo "all checks passed but $skipped_checks skipped (see SKIP above)"
		return
	fi
	echo "all checks passed"
}
