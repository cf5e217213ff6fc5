// SPDX-License-Identifier: MIT
/*
 * The public face of the names moat knows: architectures, their syscalls,
 * the constants of the policy language and the actions, by text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moat.h"
#include "policy/constants.h"
#include "seccomp/action.h"
#include "syscalls/syscalls.h"

/* The architecture `name` names (NULL: the native one), or NULL when moat knows none such. */
static const struct moat_arch *architecture(const char *name)
{
	return name ? moat_arch_find(name) : moat_arch_native();
}

const char *moat_arch_known(size_t index)
{
	const struct moat_arch *native = moat_arch_native(), *arch;

	if (index == 0)
		return moat_arch_name(native);
	/* The others in the table's order, the native one skipped. */
	for (size_t i = 0, seen = 0; (arch = moat_arch_at(i)); i++) {
		if (arch != native && ++seen == index)
			return moat_arch_name(arch);
	}
	return NULL;
}

int moat_syscall_from_name(const char *arch, const char *name)
{
	const struct moat_arch *found = architecture(arch);
	int number;

	if (!found || !name)
		return -EINVAL;
	number = moat_arch_syscall_number(found, name);
	return number >= 0 ? number : -ENOENT;
}

const char *moat_syscall_to_name(const char *arch, int number)
{
	const struct moat_arch *found = architecture(arch);

	return found ? moat_arch_syscall_name(found, number) : NULL;
}

int moat_syscall_after(const char *arch, int number)
{
	const struct moat_arch *found = architecture(arch);
	int next;

	if (!found)
		return -EINVAL;
	next = moat_arch_syscall_next(found, number);
	return next >= 0 ? next : -ENOENT;
}

int moat_constant_lookup(const char *arch, const char *name, uint64_t *value)
{
	const struct moat_arch *found = architecture(arch);

	if (!found || !name || !value)
		return -EINVAL;
	return moat_constant_value_for(found, name, value) ? 0 : -ENOENT;
}

int moat_action_format(const struct moat_action *action, char *buffer, size_t size)
{
	const char *name;

	if (!action || action->kind < MOAT_ACTION_KILL_PROCESS || action->kind > MOAT_ACTION_ALLOW)
		return -EINVAL;
	if (action->kind != MOAT_ACTION_ERRNO)
		return snprintf(buffer, size, "%s", moat_seccomp_action_keyword(action->kind));
	name = moat_errno_name(action->errno_value);
	if (name)
		return snprintf(buffer, size, "errno %s", name);
	return snprintf(buffer, size, "errno %d", action->errno_value);
}

/* `errno NAME` or `errno N`: the errno, or -1. */
static long errno_of(const char *text)
{
	char *end;
	long number;

	number = strtol(text, &end, 10);
	if (*end || end == text)
		number = moat_errno_number(text);
	return number >= 0 && number <= MOAT_SECCOMP_MAX_ERRNO ? number : -1;
}

int moat_action_parse(const char *text, struct moat_action *action)
{
	long number;

	if (!text || !action)
		return -EINVAL;
	for (int kind = MOAT_ACTION_KILL_PROCESS; kind <= MOAT_ACTION_ALLOW; kind++) {
		if (kind != MOAT_ACTION_ERRNO && !strcmp(text, moat_seccomp_action_keyword(kind))) {
			*action = (struct moat_action){(enum moat_action_kind)kind, 0};
			return 0;
		}
	}
	if (strncmp(text, "errno ", 6) || (number = errno_of(text + 6)) < 0)
		return -EINVAL;
	*action = (struct moat_action){MOAT_ACTION_ERRNO, (int)number};
	return 0;
}
