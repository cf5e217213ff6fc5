#!/usr/bin/env bash
# `moat eval` on the contract's example (tests/data/spec/EXPECTED.md).
source "$(dirname "$0")/lib.sh"
spec=$MOAT_TEST_DATA/spec

expect_eval() { # expected action, syscall and arguments
	local expected=$1
	shift
	run "$MOAT" eval "$spec/layered.policy" "$@"
	expect_status 0 "eval $*"
	expect_action "$expected" "eval $*"
}

expect_decider() { # expected `by ...` part, syscall and arguments
	local expected=$1
	shift
	run "$MOAT" eval "$spec/layered.policy" "$@"
	[[ "$stdout" == *" by $expected" ]] || fail "eval $*: stdout was '$stdout', expected '... by $expected'"
}

expect_eval "allow" openat 0 0 O_RDONLY
expect_eval "errno EPERM" openat 0 0 O_WRONLY
expect_eval "kill" socket AF_INET SOCK_STREAM 0
expect_eval "allow" write 1 0 0
# @stdio allows write unconditionally; layered.policy's conditional rule comes first.
expect_eval "allow" write 5 0 0
expect_eval "errno ENOSYS" clone3 0 0
expect_eval "kill" mount 0 0 0

# The deciding statement, where two rules could decide openat: the
# conditional allow of parser.policy for O_RDONLY, layered.policy's override
# for anything else.
expect_decider "$spec/parser.policy:6:1 (allow openat if arg2 & O_ACCMODE == O_RDONLY)" \
	openat 0 0 O_RDONLY
expect_decider "$spec/layered.policy:5:1 (errno EPERM openat)" openat 0 0 O_WRONLY
expect_decider "$spec/layered.policy:6:1 (kill socket)" socket AF_INET SOCK_STREAM 0
expect_decider "$spec/parser.policy:4:1 (default kill)" mount 0 0 0
expect_decider "$spec/parser.policy:9:1 (errno ENOSYS clone3)" clone3 0 0
finish
