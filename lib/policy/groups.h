/* SPDX-License-Identifier: MIT */
/*
 * The built-in syscall groups that `[syscalls]` rules name as `@group`:
 * OpenBSD pledge's promises (@stdio, @rpath, ...) and @default-deny, the
 * syscalls no sandboxed program should get. docs/groups.md documents every
 * member and why it is where it is; a unit test keeps the two in step.
 *
 * The resolver expands `ACTION @group [if COND]` into one rule per member:
 * ACTION for member.syscall, under the condition (COND) && (member
 * condition). A member condition is written in the policy language's `if`
 * syntax and parsed by the same parser as a policy's conditions.
 *
 * Syscall names are the kernel's for x86_64. A member whose syscall the
 * native architecture lacks (moat_syscall_number() returns -1: legacy calls
 * such as open or fork on architectures that only have openat or clone) is
 * to be skipped: the group still means the same thing there.
 */
#ifndef MOAT_POLICY_GROUPS_H
#define MOAT_POLICY_GROUPS_H

#include <stddef.h>

struct moat_group_member {
	const char *syscall; /* kernel name on the native architecture */
	/*
	 * NULL, or a condition in the [syscalls] `if` syntax, such as
	 * "arg1 in {TCGETS, TIOCGWINSZ}", that limits what this group grants
	 * for that syscall.
	 */
	const char *condition;
};

struct moat_group {
	const char *name;                        /* without '@', e.g. "stdio" */
	const char *summary;                     /* one line for docs and `moat groups` */
	const struct moat_group_member *members; /* one per syscall */
	size_t member_count;
};

/* The group called `name` (without '@'), or NULL when there is none. */
const struct moat_group *moat_group_find(const char *name);

/* The number of built-in groups. */
size_t moat_group_count(void);

/* Group `index` (0 .. moat_group_count() - 1) in order of name, or NULL. */
const struct moat_group *moat_group_at(size_t index);

/*
 * For a `did you mean '@...'?` note: the name of the group closest to `name`
 * (a typo or two away: letters added, dropped, changed or swapped, case and
 * `-`/`_` ignored), or NULL when no group is close.
 */
const char *moat_group_suggest(const char *name);

#endif /* MOAT_POLICY_GROUPS_H */
