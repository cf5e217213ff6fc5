#!/usr/bin/env bash
# `moat compile --arch` and `moat eval --arch`: a filter for another
# architecture, built on this one (cli.md). A syscall that architecture lacks
# is skipped with a warning; the filter checks that architecture's AUDIT_ARCH
# value and numbers.
source "$(dirname "$0")/lib.sh"

cat >"$scratch/files.policy" <<'POLICY'
moat 1
[syscalls]
default errno EPERM
allow open read close
errno EACCES openat if arg2 & O_DIRECTORY != 0
allow openat
POLICY

# ---- compile ----
run "$MOAT" compile --arch aarch64 "$scratch/files.policy"
expect_status 0 "compile --arch aarch64"
expect_stderr_contains "files.policy:4:7: warning: aarch64 has no syscall 'open'" \
	"compile --arch aarch64 warns about open"
expect_stdout_contains "; moat seccomp filter for aarch64: " "compile --arch aarch64 header"
expect_stdout_contains "jeq  AUDIT_ARCH_AARCH64" "compile --arch aarch64 checks its arch"
[[ "$stdout" != *"(open)"* ]] || fail "compile --arch aarch64 lists open: $stdout"
[[ "$stdout" != *"x32"* ]] || fail "compile --arch aarch64 has an x32 check: $stdout"
# O_DIRECTORY is 040000 (0x4000) on aarch64.
expect_stdout_contains "jset 0x4000 " "compile --arch aarch64 uses aarch64's O_DIRECTORY"

# Positive control: on x86_64 open exists, so there is no warning, and the
# listing names it.
run "$MOAT" compile --arch x86_64 "$scratch/files.policy"
expect_status 0 "compile --arch x86_64"
[[ -z "$stderr" ]] || fail "compile --arch x86_64 printed: $stderr"
expect_stdout_contains "(x32 ABI and beyond)" "compile --arch x86_64 kills x32"
expect_stdout_contains "jeq  AUDIT_ARCH_X86_64" "compile --arch x86_64 checks its arch"

run "$MOAT" compile --arch=riscv64 "$scratch/files.policy"
expect_status 0 "compile --arch=riscv64"
expect_stderr_contains "warning: riscv64 has no syscall 'open'" "compile --arch=riscv64"
expect_stdout_contains "jeq  AUDIT_ARCH_RISCV64" "compile --arch=riscv64 checks its arch"

# The raw program starts with the arch load and compares with aarch64's value
# (0xc00000b7): BPF_JMP|BPF_JEQ|BPF_K (0x15) is the second instruction.
"$MOAT" compile --arch aarch64 --format bpf "$scratch/files.policy" >"$scratch/a.bpf" 2>/dev/null
second=$(od -An -tx1 -j8 -N8 "$scratch/a.bpf" | tr -d ' \n')
[[ "$second" == 1500*b70000c0 ]] || fail "second instruction is $second"

run "$MOAT" compile --arch sparc "$scratch/files.policy"
expect_status 2 "compile --arch with an unknown architecture"
expect_stderr_contains "moat knows x86_64, aarch64, riscv64" "compile --arch sparc"
run "$MOAT" compile --help
expect_stdout_contains "--arch NAME" "compile --help names --arch"

# ---- eval ----
run "$MOAT" eval --arch aarch64 "$scratch/files.policy" openat AT_FDCWD 0 O_DIRECTORY
expect_status 0 "eval --arch aarch64 openat O_DIRECTORY"
expect_action "errno EACCES" "eval --arch aarch64 openat O_DIRECTORY"
run "$MOAT" eval --arch aarch64 "$scratch/files.policy" openat AT_FDCWD 0 O_RDONLY
expect_action "allow" "eval --arch aarch64 openat O_RDONLY"
# 0200000 is x86_64's O_DIRECTORY but O_DIRECT on aarch64: no refusal there.
run "$MOAT" eval --arch aarch64 "$scratch/files.policy" openat AT_FDCWD 0 0200000
expect_action "allow" "eval --arch aarch64 openat 0200000"
run "$MOAT" eval --arch x86_64 "$scratch/files.policy" openat AT_FDCWD 0 0200000
expect_action "errno EACCES" "eval --arch x86_64 openat 0200000"
# Numbers are the architecture's: 63 is read on aarch64, 56 openat.
run "$MOAT" eval --arch aarch64 "$scratch/files.policy" 63
expect_action "allow" "eval --arch aarch64 63 (read)"
run "$MOAT" eval --arch aarch64 "$scratch/files.policy" open
expect_status 2 "eval --arch aarch64 open"
expect_stderr_contains "unknown syscall 'open' on aarch64" "eval --arch aarch64 open"
run "$MOAT" eval --arch=riscv64 -- "$scratch/files.policy" riscv_hwprobe
expect_action "errno EPERM" "eval --arch=riscv64 riscv_hwprobe"
run "$MOAT" eval --arch sparc "$scratch/files.policy" read
expect_status 2 "eval --arch sparc"

# ---- check: a syscall of another architecture is a warning, a typo an error ----
# The command's own architecture, as its listing names it (not uname's, which
# differs when the command runs under qemu-user).
printf 'moat 1\n[syscalls]\ndefault allow\n' >"$scratch/allow.policy"
native=$("$MOAT" compile "$scratch/allow.policy" 2>/dev/null | sed -n 's/^; moat seccomp filter for \([^:]*\):.*/\1/p')
[[ -n "$native" ]] || fail "no architecture in the listing"
if [[ "$native" == riscv64 ]]; then
	printf 'moat 1\n[syscalls]\nallow arch_prctl read\n' >"$scratch/other.policy"
	other=arch_prctl
else
	printf 'moat 1\n[syscalls]\nallow riscv_hwprobe read\n' >"$scratch/other.policy"
	other=riscv_hwprobe
fi
run "$MOAT" check "$scratch/other.policy"
expect_status 0 "check of a policy naming $other"
expect_stderr_contains "warning: $native has no syscall '$other'" "check of a policy naming $other"
printf 'moat 1\n[syscalls]\nallow riscv_hwprobez\n' >"$scratch/typo.policy"
run "$MOAT" check "$scratch/typo.policy"
expect_status 1 "check of a policy naming no syscall"

finish
