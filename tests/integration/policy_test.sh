#!/usr/bin/env bash
# `moat test`: expectations about syscalls, paths and ports (authoring.md).
source "$(dirname "$0")/lib.sh"

mkdir -p "$scratch/policies" "$scratch/data/sub" "$scratch/data2" "$scratch/named"
ln -s "$scratch/data" "$scratch/link"
cat >"$scratch/policies/app.policy" <<POLICY
moat 1
[syscalls]
default kill
allow read write exit_group
errno EACCES socket if arg0 == AF_INET
allow socket
[filesystem]
read $scratch/link ?$scratch/absent
write $scratch/data/sub
[network]
connect tcp 443
POLICY
printf 'moat 1\n[syscalls]\nallow openat\n' >"$scratch/named/extra.policy"

cat >"$scratch/pass.test" <<TEST
moat-test 1
policy "policies/app.policy"   # relative to this file
policy extra                   # by name, as include finds it
syscall socket AF_INET SOCK_STREAM 0 -> errno EACCES
syscall socket AF_UNIX SOCK_STREAM 0 -> allow
syscall openat AT_FDCWD 0 O_RDONLY -> allow
syscall ptrace -> kill
read $scratch/data/file-below -> allow
read $scratch/data2 -> deny
write $scratch/data -> deny
write $scratch/data/sub/new -> allow
read-file,execute $scratch/data -> deny
connect tcp 443 -> allow
connect tcp 80 -> deny
bind tcp 8080 -> allow
TEST
MOAT_POLICY_PATH=$scratch/named run "$MOAT" test "$scratch/pass.test"
expect_status 0 "a test file that passes"
expect_stdout "12 passed, 0 failed" "a test file that passes"

# Two rules could decide socket: each failure names the one that did.
cat >"$scratch/fail.test" <<TEST
moat-test 1
policy "policies/app.policy"
syscall socket AF_INET SOCK_STREAM 0 -> allow
syscall socket AF_UNIX SOCK_STREAM 0 -> errno EACCES
read $scratch/data2 -> allow
connect tcp 80 -> allow
syscall read -> allow
TEST
run "$MOAT" test "$scratch/fail.test"
expect_status 1 "a test file that fails"
app=$scratch/policies/app.policy
expected="$scratch/fail.test:3: FAIL: syscall socket AF_INET SOCK_STREAM 0: expected allow, got errno EACCES (by $app:5:1)
$scratch/fail.test:4: FAIL: syscall socket AF_UNIX SOCK_STREAM 0: expected errno EACCES, got allow (by $app:6:1)
$scratch/fail.test:5: FAIL: read $scratch/data2: expected allow, got deny (by $app:7:1)
$scratch/fail.test:6: FAIL: connect tcp 80: expected allow, got deny (by $app:11:1)
1 passed, 4 failed"
expect_stdout "$expected" "failures are located and name the deciding statement"

# Without [filesystem] and [network], paths and ports are allowed.
printf 'moat 1\n[syscalls]\ndefault allow\n' >"$scratch/open.policy"
printf 'moat-test 1\npolicy "open.policy"\nwrite /etc/hostname -> allow\nbind tcp 1 -> allow\n' \
	>"$scratch/open.test"
run "$MOAT" test "$scratch/open.test"
expect_status 0 "no sections: allowed"

# Invalid test files: located diagnostics, exit 2.
printf 'moat-test 1\npolicy "open.policy"\nsyscall nosuch -> allow\nread /tmp -> maybe\nconnect udp 53 -> allow\nsyscall read -> sometimes\n' \
	>"$scratch/bad.test"
run "$MOAT" test "$scratch/bad.test"
expect_status 2 "an invalid test file"
expect_stderr_contains "bad.test:3:9: error: unknown syscall 'nosuch'" "located: unknown syscall"
expect_stderr_contains "bad.test:4:14: error: expected 'allow' or 'deny'" "located: bad verdict"
expect_stderr_contains "bad.test:5:1: error:" "located: not tcp"
expect_stderr_contains "bad.test:6:17: error: expected an action" "located: bad action"
printf 'moat-test 1\npolicy "open.policy"\nread-fil /tmp -> allow\n' >"$scratch/right.test"
run "$MOAT" test "$scratch/right.test"
expect_status 2 "an unknown right"
expect_stderr_contains "right.test:3:1: error: unknown access 'read-fil'" "located: unknown right"
printf 'policy "open.policy"\n' >"$scratch/header.test"
run "$MOAT" test "$scratch/header.test"
expect_status 2 "a test file without its header"
expect_stderr_contains "header.test:1:1: error: a test file starts with 'moat-test 1'" "header"
printf 'moat-test 1\npolicy "policies/nonesuch.policy"\n' >"$scratch/missing.test"
run "$MOAT" test "$scratch/missing.test"
expect_status 2 "a missing policy"
run "$MOAT" test
expect_status 2 "no test file"
run "$MOAT" test --help
expect_status 0 "test --help"
expect_stdout_contains "usage: moat test" "test --help"

# Deciding runs nothing privileged: the same answers as an unprivileged user.
if command -v setpriv >/dev/null && [[ $(id -u) -eq 0 ]]; then
	chmod -R a+rX "$scratch"
	run setpriv --reuid=65534 --regid=65534 --clear-groups env MOAT_POLICY_PATH="$scratch/named" \
		"$MOAT" test "$scratch/pass.test"
	if [[ $status -eq 0 || $stdout == *"passed"* ]]; then
		expect_status 0 "a passing test file, unprivileged"
	else
		echo "note: $MOAT is not reachable by uid 65534 here: $stderr"
	fi
fi
finish
