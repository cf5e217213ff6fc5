#!/usr/bin/env bash
# The programs in examples/, built against the shared library, do what their
# comments say.
source "$(dirname "$0")/lib.sh"
examples=$MOAT_EXAMPLES_DIR
[[ -x $examples/check_policy ]] || skip "the examples are not built"

run "$examples/check_policy" "$MOAT_TEST_DATA/spec/parser.policy"
expect_status 0 "check_policy on a valid policy"
expect_stdout_contains "valid" "check_policy says so"
run "$examples/check_policy" "$MOAT_TEST_DATA/spec/unknown-group.policy"
expect_status 1 "check_policy on an invalid policy"
expect_stderr_contains "unknown-group.policy:3:7: error:" "check_policy prints the place"

if [[ -x $examples/policy_test ]]; then
	run "$examples/policy_test"
	expect_status 0 "policy_test, the cmocka suite of a policy's decisions"
	expect_stdout_contains "4 test(s)" "policy_test runs its tests"
else
	echo "note: policy_test is not built (no cmocka)"
fi

printf 'one\ntwo\nthree\n' >"$scratch/input"
run "$examples/pledge" "$scratch/input"
expect_status 0 "pledge counts its input after entering the sandbox"
expect_stdout "3 lines" "the count"
expect_stderr_contains "Permission denied" "opening a file afterwards is refused"

mkdir "$scratch/spool" "$scratch/work"
run sh -c "cd '$scratch/work' && exec '$examples/broker_handler' '$scratch/spool' \
	sh -c 'mkdir report; mkdir ../escape; mkdir a/b; exit 0'"
expect_status 0 "broker_handler runs the program"
[[ -d $scratch/spool/report ]] || fail "the handler created the granted directory in the spool"
[[ ! -e $scratch/escape && ! -e $scratch/work/report ]] || fail "a directory escaped the spool"
expect_stderr_contains "1 directories created" "only the plain name was granted"
run sh -c "cd '$scratch/work' && mkdir report"
expect_status 0 "positive control: without the sandbox mkdir lands in the cwd"

finish
