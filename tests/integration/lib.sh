# Shared by the shell tests: assertions that print what failed, and a
# scratch directory removed at exit. Source it; $MOAT is the command.
set -u
: "${MOAT:?run through ctest, which sets MOAT}"
failures=0
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

finish() {
	if [[ $failures -gt 0 ]]; then
		echo "$failures check(s) failed" >&2
		exit 1
	fi
	echo "all checks passed"
}
