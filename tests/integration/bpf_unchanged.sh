#!/usr/bin/env bash
# Keeping the deciding statement costs nothing in the filter: the BPF is
# byte for byte what the code generator made before the side table existed
# (hashes taken from that generator, commit 27e580b, on x86_64).
source "$(dirname "$0")/lib.sh"
[[ $(uname -m) == x86_64 ]] || skip "the reference hashes are of x86_64 filters"

expect_hash() { # sha256, policy
	run "$MOAT" compile --format bpf "$2"
	expect_status 0 "compile $2"
	local hash
	hash=$("$MOAT" compile --format bpf "$2" | sha256sum | cut -c1-64)
	[[ $hash == "$1" ]] || fail "the filter of $2 changed: sha256 $hash, expected $1"
}

printf 'moat 1\n[syscalls]\ndefault errno EPERM\nallow read write exit_group\nerrno EACCES openat if arg2 & O_ACCMODE != O_RDONLY\nallow openat\nallow ioctl if arg1 in {1, 2, 3, 0x5401} || arg0 > 100\nkill socket if arg0 == AF_INET && arg1 == SOCK_RAW\n' \
	>"$scratch/inline.policy"
expect_hash 79d8848de37daa0b35c48f68c6441e33a85ab199915ca216331697a6204c6da3 "$scratch/inline.policy"
expect_hash cf013c1875e46e03b110dbdc2f40537355884c4f733b343eef05b12ee2388e7f "$MOAT_TEST_DATA/spec/layered.policy"
expect_hash 928e263cb97671e581fdd4ef5a06fb6ebfb74b33e49ba7308dd70018a1e272fe "$MOAT_TEST_DATA/spec/parser.policy"
finish
