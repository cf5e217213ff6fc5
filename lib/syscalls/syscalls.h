/* SPDX-License-Identifier: MIT */
/*
 * The system calls of every architecture moat supports: names, numbers and
 * how wide the kernel reads each argument. Names and numbers come from
 * libseccomp's tables, completed by moat's own entries for syscalls newer
 * than the installed libseccomp knows (tools/gen-syscall-table.sh).
 */
#ifndef MOAT_SYSCALLS_H
#define MOAT_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/*
 * An architecture moat can build filters for: its syscall table, its
 * AUDIT_ARCH_* value and how its kernel lets a process enter the kernel
 * through another ABI. Every moat knows every architecture, so a filter for
 * one can be built on another (`moat compile --arch`).
 */
struct moat_arch;

/* The architecture moat was built for. */
const struct moat_arch *moat_arch_native(void);

/* The architecture named `name` ("x86_64", "aarch64", "riscv64"), or NULL. */
const struct moat_arch *moat_arch_find(const char *name);

/* The names of every architecture, ", "-separated, for messages. */
const char *moat_arch_list(void);

const char *moat_arch_name(const struct moat_arch *arch);

/* The `index`-th architecture moat knows (0, 1, ...), or NULL past the last. */
const struct moat_arch *moat_arch_at(size_t index);

/* Its AUDIT_ARCH_* value: what seccomp_data.arch holds for its native calls. */
uint32_t moat_arch_audit(const struct moat_arch *arch);

/*
 * The bit that marks a call of a second ABI sharing this architecture's
 * AUDIT_ARCH value (x32 on x86_64), or 0. Such calls pass the architecture
 * check, so a filter must kill them by number.
 */
uint32_t moat_arch_foreign_number_bit(const struct moat_arch *arch);

/* The AUDIT_ARCH_* value of the architecture moat was built for. */
uint32_t moat_native_audit_arch(void);

/* The number of syscall `name` on `arch`, or -1 when it has none there. */
int moat_arch_syscall_number(const struct moat_arch *arch, const char *name);

/* The name of syscall `number` on `arch`, or NULL when it has none there. */
const char *moat_arch_syscall_name(const struct moat_arch *arch, int number);

/* The next syscall number of `arch` after `number`, or -1 (see moat_syscall_next()). */
int moat_arch_syscall_next(const struct moat_arch *arch, int number);

/* moat_syscall_argument_bits() and moat_syscall_argument_count() on `arch`. */
unsigned moat_arch_argument_bits(const struct moat_arch *arch, int number, unsigned arg);

/* The same bits as a mask of the argument's low bits, what a comparison reads of it. */
uint64_t moat_arch_argument_mask(const struct moat_arch *arch, int number, unsigned arg);
int moat_arch_argument_count(const struct moat_arch *arch, int number);

/* The first architecture, other than `except`, that has syscall `name`, or NULL. */
const struct moat_arch *moat_arch_with_syscall(const char *name, const struct moat_arch *except);

/* The functions below answer for the native architecture. */

/* The number of syscall `name` on the native architecture, or -1. */
int moat_syscall_number(const char *name);

/* The name of syscall `number`, or NULL when it has none here. */
const char *moat_syscall_name(int number);

/*
 * The smallest known syscall number greater than `number`, or -1 when there
 * is none: `for (n = moat_syscall_next(-1); n >= 0; n = moat_syscall_next(n))`
 * visits every syscall moat knows.
 */
int moat_syscall_next(int number);

/*
 * How many low bits of argument `arg` (0..5) syscall `number` uses: 64 for
 * pointers, sizes and longs, 32 for int-sized arguments, 16 for umode_t and
 * other short types. A filter compares only these bits, because the kernel
 * ignores the rest: comparing all 64 would let a caller dodge a rule by
 * setting bits the kernel never reads. Arguments a syscall does not take
 * count as 64.
 */
unsigned moat_syscall_argument_bits(int number, unsigned arg);

/* The number of arguments syscall `number` takes, or -1 when unknown. */
int moat_syscall_argument_count(int number);

/*
 * The syscalls moat's own child makes while a policy's `notify` rules are
 * in force but no supervisor serves them yet: after it installs the notify
 * part of the filter (seccomp/split.h) and before the program runs (sendmsg,
 * close, prctl, seccomp, execve, write, exit_group; native numbers). A
 * `notify` rule for one of them would make the child wait for an answer
 * that cannot come while moat_spawn() waits for the child, so the resolver
 * refuses it and denial reports never route them. This is the one list:
 * the hand-off (supervise/handoff.c) and the exec-failure report
 * (lib/spawn.c) must agree with it, docs/supervisor.md names it, and the
 * unit tests refuse a `notify` rule for each entry.
 *
 * Each entry also says which arguments the child always passes with the
 * same value (`fixed`, bit N for argN, the values in `args`): a policy that
 * allows the call on a condition that reads only those still allows the
 * child's call (seccomp/split.c). The child's calls take these values from
 * here, by name, so that the two cannot drift apart.
 */
struct moat_handoff_call {
	int number;
	unsigned fixed;
	uint64_t args[6];
};

/* The flags of the sendmsg that hands the listener over (moat_listener_send()). */
#define MOAT_HANDOFF_SENDMSG_FLAGS MSG_NOSIGNAL

const struct moat_handoff_call *moat_syscall_handoff_calls(size_t *count);
bool moat_syscall_is_handoff(int number);

#endif /* MOAT_SYSCALLS_H */
