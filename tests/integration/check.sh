#!/usr/bin/env bash
# `moat check`, `moat --help` and `moat --version` against the CLI contract.
source "$(dirname "$0")/lib.sh"
spec=$MOAT_TEST_DATA/spec

run "$MOAT" --version
expect_status 0 "--version"
[[ "$stdout" =~ ^moat\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "--version printed '$stdout'"

run "$MOAT" --help
expect_status 0 "--help"
expect_stdout_contains "check" "--help lists check"
run "$MOAT" check --help
expect_status 0 "check --help"
expect_stdout_contains "usage: moat check" "check --help"

run "$MOAT"
expect_status 2 "no command"
run "$MOAT" frobnicate
expect_status 2 "unknown command"
expect_stderr_contains "moat: unknown command" "unknown command message"
run "$MOAT" check
expect_status 2 "check without a file"
run "$MOAT" check --frob "$spec/parser.policy"
expect_status 2 "check with an unknown option"

# The contract's examples: exit status and the place of the first error.
check_example() { # file, status, first error location (or "")
	run "$MOAT" check "$spec/$1"
	expect_status "$2" "check $1"
	if [[ -n "$3" ]]; then
		first=$(grep -m1 ': error: ' "$scratch/stderr")
		[[ "$first" == "$spec/$1:$3"* ]] || fail "check $1: first error is '$first', expected at $3"
	else
		[[ -z "$stderr" ]] || fail "check $1 printed: $stderr"
	fi
}
check_example parser.policy 0 ""
check_example layered.policy 0 ""
check_example conflict.policy 1 "5:"
check_example unknown-group.policy 1 "3:7:"
check_example unknown-right.policy 1 "3:17:"
check_example dangling-operator.policy 1 "3:"
check_example wrong-version.policy 1 "1:6:"

# The conflict names the earlier rule in a note.
run "$MOAT" check "$spec/conflict.policy"
expect_stderr_contains "$spec/conflict.policy:4:" "conflict note names line 4"
expect_stderr_contains "note:" "conflict has a note"

# check compiles the filter: a section over the kernel's 4096 instructions
# fails check as it fails compile and run; the same rule with a small set
# (the control) passes.
in_set() { # count
	printf 'moat 1\n[syscalls]\ndefault errno EPERM\nallow ioctl if arg1 in {'
	seq -s, 1 "$1" | tr -d '\n'
	printf '}\n'
}
in_set 50 >"$scratch/small-set.policy"
run "$MOAT" check "$scratch/small-set.policy"
expect_status 0 "check of a 50-value set"
in_set 5000 >"$scratch/big-set.policy"
run "$MOAT" compile "$scratch/big-set.policy"
expect_status 1 "compile of a 5,000-value set"
run "$MOAT" check "$scratch/big-set.policy"
expect_status 1 "check of a 5,000-value set"
expect_stderr_contains "big-set.policy:4:" "check's size error names the rule"
expect_stderr_contains "4096" "check's size error names the limit"

# A policy that cannot be read is an error of moat itself: `moat: ` first.
run "$MOAT" check "$scratch/absent.policy"
expect_status 1 "check of a missing file"
[[ "$stderr" == "moat: $scratch/absent.policy: error: cannot read policy: No such file or directory" ]] ||
	fail "check of a missing file printed '$stderr'"
run "$MOAT" check "$scratch"
expect_status 1 "check of a directory"
[[ "$stderr" == "moat: $scratch: error: cannot read policy: Is a directory" ]] ||
	fail "check of a directory printed '$stderr'"
run "$MOAT" run -p "$scratch/absent.policy" -- true
expect_status 125 "run with a missing policy"
[[ "$stderr" == "moat: $scratch/absent.policy:"* ]] || fail "run with a missing policy printed '$stderr'"
# A located error stays as compilers print it, with no prefix.
run "$MOAT" check "$spec/unknown-group.policy"
[[ "$stderr" == "$spec/unknown-group.policy:3:7: error: "* ]] ||
	fail "a located error was printed as '$stderr'"

# After `--` a file may be named like an option.
printf 'moat 1\n' >"$scratch/-x.policy"
run sh -c "cd '$scratch' && exec '$MOAT' check -- -x.policy"
expect_status 0 "check -- of a file whose name starts with a dash"

# Several files: all are checked, one bad file makes the status 1.
run "$MOAT" check "$spec/parser.policy" "$spec/unknown-group.policy" "$spec/layered.policy"
expect_status 1 "check of several files with one invalid"
run "$MOAT" check "$spec/parser.policy" "$spec/layered.policy"
expect_status 0 "check of several valid files"

# Warnings do not fail a policy.
printf 'moat 1\n[syscalls]\nallow read\nallow read\n' >"$scratch/warn.policy"
run "$MOAT" check "$scratch/warn.policy"
expect_status 0 "a policy with a warning"
expect_stderr_contains "$scratch/warn.policy:4:7: warning: repeated rule for read" "warning text"

# A file that cannot be read.
run "$MOAT" check "$scratch/nonexistent.policy"
expect_status 1 "missing file"
expect_stderr_contains "$scratch/nonexistent.policy: error: cannot read policy" "missing file message"

# Included-from chains, printed as compilers print them.
printf 'moat 1\ninclude "inner.policy"\n' >"$scratch/outer.policy"
printf 'moat 1\n[syscalls]\nallow @nonesuch\n' >"$scratch/inner.policy"
run "$MOAT" check "$scratch/outer.policy"
expect_status 1 "error in an included file"
expect_stderr_contains "In file included from $scratch/outer.policy:2:1:
$scratch/inner.policy:3:7: error: unknown group '@nonesuch'" "included-from chain"

# The shipped policies are valid.
for policy in "$MOAT_SOURCE_DIR"/policies/*.policy; do
	run "$MOAT" check "$policy"
	expect_status 0 "shipped policy $(basename "$policy")"
done

finish
