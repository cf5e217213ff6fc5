/* SPDX-License-Identifier: MIT */
/*
 * Named constants of the policy language: the values that [syscalls]
 * conditions and `moat eval` arguments may name (AF_INET, O_ACCMODE,
 * TIOCSTI, ...), the errno names of the `errno` action, the capability names
 * of `capabilities keep`, and signal names.
 *
 * Every value comes from the system headers at compile time, so it is right
 * for the architecture moat was built for; constants newer than the
 * installed headers are defined by moat itself. The tables are constant and
 * sorted, lookups are binary searches, and nothing here keeps state: every
 * function may be called from any thread.
 *
 * docs/constants.md lists the families of names and how values combine.
 */
#ifndef MOAT_POLICY_CONSTANTS_H
#define MOAT_POLICY_CONSTANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * `text`, a string literal, as the initialiser of a char array that must
 * keep its NUL. A bare literal exactly as long as the array compiles
 * silently without its terminator; with the explicit "\0" it is one
 * character too long, which gcc and clang report (an error with
 * MOAT_WERROR).
 */
#define MOAT_TERMINATED(text) text "\0"

/*
 * Room for the longest constant name, SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
 * (38 characters), and its NUL; the table's rows are written with
 * MOAT_TERMINATED().
 */
#define MOAT_CONSTANT_NAME_SIZE 39

/*
 * One named value usable in [syscalls] conditions. The name is held in the
 * row rather than pointed to, so that the table needs no relocation at
 * start-up and stays in read-only memory (docs/performance.md).
 */
struct moat_constant {
	char name[MOAT_CONSTANT_NAME_SIZE];
	uint64_t value;
};

/*
 * Every constant moat_constant_value() knows, sorted by name in strcmp()
 * order with no name twice; `*count` receives the number of entries. For
 * listings and tests.
 */
const struct moat_constant *moat_constant_table(size_t *count);

/*
 * Sets `*value` to the value of constant `name` and returns true, or returns
 * false when no constant has that exact name (names are case-sensitive).
 * Values are 64 bits wide: a negative kernel value such as AT_FDCWD (-100) is
 * sign-extended (0xffffffffffffff9c), unsigned ones such as ioctl numbers
 * with bit 31 set are zero-extended. Stages that compare arguments narrow
 * values to the width at which the kernel reads each argument.
 */
bool moat_constant_value(const char *name, uint64_t *value);

/*
 * moat_constant_value() on architecture `arch`: the few constants whose value
 * differs between architectures (O_DIRECTORY, O_NOFOLLOW, O_DIRECT,
 * O_TMPFILE, MAP_32BIT) take that architecture's value, or none when it lacks them.
 */
struct moat_arch;
bool moat_constant_value_for(const struct moat_arch *arch, const char *name, uint64_t *value);

/*
 * For "did you mean" diagnostics: the known constant closest to `name` by
 * edit distance (letter case ignored, a transposition counts as one edit),
 * or NULL when none is close enough to be a plausible typo. The result
 * points into the constant table.
 */
const char *moat_constant_suggest(const char *name);

/*
 * The number of errno name `name` ("EPERM" -> 1), or -1 when unknown. Every
 * E* name glibc knows for Linux is accepted, including the aliases
 * EWOULDBLOCK, EDEADLOCK and ENOTSUP. Names are case-sensitive. Numbers
 * written as numbers are the resolver's business, not this table's.
 */
int moat_errno_number(const char *name);

/*
 * The name of errno `number` (1 -> "EPERM"), or NULL when it has none. For
 * numbers with several names the canonical one is returned: 11 is "EAGAIN",
 * 35 "EDEADLK", 95 "EOPNOTSUPP" (the names glibc's strerrorname_np() gives).
 */
const char *moat_errno_name(int number);

/* The errno name closest to `name`, as moat_constant_suggest() does, or NULL. */
const char *moat_errno_suggest(const char *name);

/*
 * The number of capability `name`, or -1 when unknown. The canonical form is
 * "CAP_NET_BIND_SERVICE"; letter case is ignored and the "CAP_" prefix is
 * optional, so "cap_net_bind_service" and "net_bind_service" name it too (as
 * capsh and systemd accept them).
 */
int moat_capability_number(const char *name);

/* The canonical name of capability `number` ("CAP_CHOWN" for 0), or NULL. */
const char *moat_capability_name(int number);

/*
 * The highest capability number moat knows: CAP_CHECKPOINT_RESTORE (40).
 * Every number from 0 to this one has a name.
 */
int moat_capability_last(void);

/*
 * The capability name closest to `name` (read as moat_capability_number()
 * reads it), in canonical form, or NULL.
 */
const char *moat_capability_suggest(const char *name);

/*
 * The number of signal `name`, or -1 when unknown. "SIGTERM", "TERM" and
 * "term" all give 15; the aliases SIGIOT, SIGPOLL and SIGCLD are accepted.
 * Real-time signals have no names here: SIGRTMIN is 32 to the kernel but 34
 * to a glibc program, so a policy writes them as numbers.
 */
int moat_signal_number(const char *name);

/*
 * The canonical name of signal `number` ("SIGTERM" for 15; "SIGABRT",
 * "SIGIO" and "SIGCHLD" for the numbers with aliases), or NULL.
 */
const char *moat_signal_name(int number);

#endif /* MOAT_POLICY_CONSTANTS_H */
