#!/usr/bin/env bash
# `moat eval` on the contract's example (tests/data/spec/EXPECTED.md).
source "$(dirname "$0")/lib.sh"
spec=$MOAT_TEST_DATA/spec

expect_eval() { # expected action, syscall and arguments
	local expected=$1
	shift
	run "$MOAT" eval "$spec/layered.policy" "$@"
	expect_status 0 "eval $*"
	expect_stdout "$expected" "eval $*"
}

expect_eval "allow" openat 0 0 O_RDONLY
expect_eval "errno EPERM" openat 0 0 O_WRONLY
expect_eval "kill" socket AF_INET SOCK_STREAM 0
expect_eval "allow" write 1 0 0
# @stdio allows write unconditionally; layered.policy's conditional rule comes first.
expect_eval "allow" write 5 0 0
expect_eval "errno ENOSYS" clone3 0 0
expect_eval "kill" mount 0 0 0
finish
