#!/usr/bin/env bash
# `moat compile` and `moat eval`: formats, arguments, exit statuses, and
# policies the filter cannot encode.
source "$(dirname "$0")/lib.sh"
spec=$MOAT_TEST_DATA/spec
layered=$spec/layered.policy

# ---- compile ----
run "$MOAT" compile "$layered"
expect_status 0 "compile"
expect_stdout_contains "; moat seccomp filter for x86_64: " "compile header"
expect_stdout_contains "ld   arch" "compile listing"
expect_stdout_contains "ret  errno EPERM" "compile symbolic actions"
instructions=$(sed -n 's/^; moat seccomp filter for [^:]*: \([0-9]*\) instructions$/\1/p' \
	"$scratch/stdout")
listed=$(grep -vc '^;' "$scratch/stdout")
[[ "$listed" == "$instructions" ]] || fail "listing has $listed lines for $instructions instructions"

run "$MOAT" compile --format text "$layered"
expect_status 0 "compile --format text"
"$MOAT" compile "$layered" --format=bpf >"$scratch/filter.bpf"
[[ $? -eq 0 ]] || fail "compile --format=bpf failed"
size=$(stat -c %s "$scratch/filter.bpf")
[[ "$size" -eq $((instructions * 8)) ]] ||
	fail "bpf output is $size bytes, expected $instructions struct sock_filter"
# The first instruction loads the architecture: BPF_LD|BPF_W|BPF_ABS (0x20), k = 4.
first=$(od -An -tx1 -N8 "$scratch/filter.bpf" | tr -d ' \n')
[[ "$first" == "2000000004000000" ]] || fail "first instruction is $first"

run "$MOAT" compile --help
expect_status 0 "compile --help"
expect_stdout_contains "usage: moat compile" "compile --help"
run "$MOAT" compile
expect_status 2 "compile without a policy"
run "$MOAT" compile --format xml "$layered"
expect_status 2 "compile with an unknown format"
run "$MOAT" compile --frob "$layered"
expect_status 2 "compile with an unknown option"
run "$MOAT" compile "$layered" "$layered"
expect_status 2 "compile with two policies"
run "$MOAT" compile "$spec/conflict.policy"
expect_status 1 "compile an invalid policy"
expect_stderr_contains "conflict.policy:5:" "compile an invalid policy"

# A policy without [syscalls] has no filter: nothing to list, everything allowed.
printf 'moat 1\n[limits]\nnofile 64\n' >"$scratch/no-syscalls.policy"
run "$MOAT" compile "$scratch/no-syscalls.policy"
expect_status 0 "compile without [syscalls]"
expect_stdout_contains "no [syscalls] section" "compile without [syscalls]"
run "$MOAT" eval "$scratch/no-syscalls.policy" ptrace
expect_action "allow" "eval without [syscalls]"

# More argument checks than the kernel's 4096 instructions: a located error.
{
	printf 'moat 1\n[syscalls]\ndefault errno EPERM\nallow ioctl if arg1 in {'
	seq -s, 1 5000 | tr -d '\n'
	printf '}\n'
} >"$scratch/big.policy"
run "$MOAT" compile "$scratch/big.policy"
expect_status 1 "compile a policy over the instruction limit"
expect_stderr_contains "big.policy:4:" "the limit error names the rule"
expect_stderr_contains "4096" "the limit error names the limit"
[[ -z "$stdout" ]] || fail "a policy over the limit printed a filter"

# ---- eval ----
run "$MOAT" eval "$layered" openat AT_FDCWD 0 'O_RDONLY|O_CLOEXEC'
expect_action "allow" "eval with constants joined by |"
run "$MOAT" eval "$layered" openat -100 0 0o1
expect_action "errno EPERM" "eval with a negative and an octal number"
run "$MOAT" eval "$layered" 257 0 0 0x1
expect_action "errno EPERM" "eval with a syscall number and hex"
# The upper half of an int argument is not what the kernel reads.
printf 'moat 1\n[syscalls]\ndefault allow\nkill @default-deny\nerrno EPERM socket if arg0 == AF_UNIX\n' \
	>"$scratch/socket.policy"
run "$MOAT" eval "$scratch/socket.policy" socket 0x100000001 SOCK_STREAM 0
expect_action "errno EPERM" "eval of an int argument with its upper half set"
run "$MOAT" eval "$scratch/socket.policy" socket AF_INET SOCK_STREAM 0
expect_action "allow" "eval of another domain"
run "$MOAT" eval "$layered" 0x40000000
expect_action "kill" "eval of an x32 number"
run "$MOAT" eval "$layered" ptrace 0 0 0 0 0 0
expect_status 0 "eval with six arguments"
expect_action "kill" "eval ptrace"

printf 'moat 1\n[syscalls]\ndefault allow\nkill @default-deny\ntrap uname\nlog getpid\nkill-thread gettid\nnotify connect\nerrno 4000 getppid\n' \
	>"$scratch/actions.policy"
for pair in uname:trap getpid:log gettid:kill-thread connect:notify "getppid:errno 4000" read:allow; do
	run "$MOAT" eval "$scratch/actions.policy" "${pair%%:*}"
	expect_status 0 "eval ${pair%%:*}"
	expect_action "${pair#*:}" "eval ${pair%%:*}"
done
expect_stdout "allow by $scratch/actions.policy:3:1 (default allow)" "eval names the default"

# moat's own rules name themselves.
run "$MOAT" eval "$scratch/actions.policy" clone3
expect_stdout "errno ENOSYS by moat (clone3 answers ENOSYS unless a rule names it, so that libc falls back to clone)" \
	"eval names moat's clone3 rule"
run "$MOAT" eval "$layered" 0x40000000
expect_stdout "kill by moat (an x32 call is killed)" "eval names moat's x32 rule"
run "$MOAT" eval "$scratch/no-syscalls.policy" ptrace
expect_stdout_contains "allow by moat (no [syscalls] section" "eval without [syscalls] says why"

# A statement over two lines, with a comment: joined and trimmed.
printf 'moat 1\n[syscalls]\ndefault allow\n  errno EACCES uname \\\n    getpid # why\n' >"$scratch/continued.policy"
run "$MOAT" eval "$scratch/continued.policy" getpid
expect_stdout "errno EACCES by $scratch/continued.policy:4:3 (errno EACCES uname getpid)" \
	"a continued statement is named whole"


run "$MOAT" eval --help
expect_status 0 "eval --help"
expect_stdout_contains "usage: moat eval" "eval --help"
run "$MOAT" eval "$layered"
expect_status 2 "eval without a syscall"
run "$MOAT" eval "$layered" nosuchcall
expect_status 2 "eval of an unknown syscall"
expect_stderr_contains "unknown syscall" "eval of an unknown syscall"
run "$MOAT" eval "$layered" read NOT_A_CONSTANT
expect_status 2 "eval with an unknown constant"
run "$MOAT" eval "$layered" read 1 2 3 4 5 6 7
expect_status 2 "eval with seven arguments"
run "$MOAT" eval "$spec/conflict.policy" read
expect_status 1 "eval of an invalid policy"

# ---- a file included again takes effect at its last include (issue 9) ----
# open.policy builds on restrict.policy and opens socket(); including
# restrict.policy again after it closes socket() again.
printf 'moat 1\n[syscalls]\ndefault kill\nerrno EACCES socket\n' >"$scratch/restrict.policy"
printf 'moat 1\ninclude "restrict.policy"\n[syscalls]\nallow socket\n' >"$scratch/open.policy"
printf 'moat 1\ninclude "open.policy"\ninclude "restrict.policy"\n' \
	>"$scratch/open-then-restrict.policy"
printf 'moat 1\ninclude "restrict.policy"\ninclude "open.policy"\n' \
	>"$scratch/restrict-then-open.policy"
run "$MOAT" eval "$scratch/open-then-restrict.policy" socket AF_INET SOCK_STREAM 0
expect_stdout "errno EACCES by $scratch/restrict.policy:4:1 (errno EACCES socket)" \
	"a later include of a file the earlier one included wins"
run "$MOAT" eval "$scratch/restrict-then-open.policy" socket AF_INET SOCK_STREAM 0
expect_stdout "allow by $scratch/open.policy:4:1 (allow socket)" \
	"positive control: in the other order the including file refines it"
run "$MOAT" eval "$scratch/open.policy" socket AF_INET SOCK_STREAM 0
expect_action "allow" "positive control: open.policy alone allows socket"

# ---- a policy by name, as `include NAME` and `moat run -p NAME` find it ----
# MOAT_POLICY_PATH names the source tree's policies/ (tests/CMakeLists.txt).
run "$MOAT" eval system socket AF_INET SOCK_STREAM 0
expect_stdout_contains "by ${MOAT_POLICY_PATH%%:*}/system.policy:" "eval finds a policy by name"
run "$MOAT" compile system
expect_status 0 "compile finds a policy by name"
run "$MOAT" check system no-network
expect_status 0 "check finds policies by name"
run "$MOAT" check nonesuch
expect_status 1 "check: an unknown name is an invalid policy"
expect_stderr_contains "no policy named 'nonesuch' in MOAT_POLICY_PATH" "the name and where it was looked for"
printf 'moat 1\n[syscalls]\ndefault allow\n' >"$scratch/system"
run env -C "$scratch" "$MOAT" eval system getpid
expect_stdout_contains "allow by system:3:1" "a file in the working directory comes before a name"

# The command of a build tree finds the source tree's policies by name with
# no MOAT_POLICY_PATH (issue 11: `moat run -p NAME` from the build tree).
run env -u MOAT_POLICY_PATH "$MOAT" check python3 system
expect_status 0 "the build tree's command finds its policies by name"
# The control: the same binary elsewhere searches only the installed policies.
cp "$MOAT" "$scratch/moat-elsewhere"
installed=$(sed -n 's/.* or \(\/.*\)$/\1/p' <<<"$(env -u MOAT_POLICY_PATH "$scratch/moat-elsewhere" check nonesuch 2>&1)")
if [[ -e $installed/python3.policy ]]; then
	skip_check "control for build-tree policies: python3.policy is installed in $installed"
else
	run env -u MOAT_POLICY_PATH "$scratch/moat-elsewhere" check python3
	expect_status 1 "control: a command outside the build tree does not search the source tree"
fi
finish
