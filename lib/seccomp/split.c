// SPDX-License-Identifier: MIT
#include "seccomp/split.h"

#include <errno.h>
#include <stdlib.h>

#include "seccomp/filter.h"
#include "util/arena.h"
#include "util/error.h"

/* The notify part keeps `notify` and allows the rest; the enforce part does the opposite. */
static struct moat_action remap(struct moat_action action, bool notify_part)
{
	static const struct moat_action allow = {MOAT_ACTION_ALLOW, 0};
	bool notify = action.kind == MOAT_ACTION_NOTIFY;

	return notify == notify_part ? action : allow;
}

static struct moat_syscall_rule *remap_rules(struct moat_arena *arena,
                                             const struct moat_syscall_rule *rules, size_t count,
                                             bool notify_part)
{
	struct moat_syscall_rule *copy = moat_arena_array(arena, count, sizeof(*copy));

	for (size_t i = 0; copy && i < count; i++) {
		copy[i] = rules[i];
		copy[i].action = remap(rules[i].action, notify_part);
	}
	return copy;
}

/*
 * A copy of the section with the actions remapped. Conditions, names and
 * locations are shared with the policy: the code generator only reads them.
 */
static int remap_section(struct moat_arena *arena, const struct moat_syscalls_section *section,
                         bool notify_part, struct moat_syscalls_section *copy)
{
	struct moat_syscall_rules *table = moat_arena_array(arena, section->count, sizeof(*table));

	if (!table && section->count)
		return -ENOMEM;
	*copy = *section;
	copy->default_action = remap(section->default_action, notify_part);
	copy->has_notify = notify_part;
	copy->syscalls = table;
	for (size_t i = 0; i < section->count; i++) {
		const struct moat_syscall_rules *rules = &section->syscalls[i];

		table[i] = *rules;
		if (rules->conditional_count) {
			table[i].conditional = remap_rules(arena, rules->conditional,
			                                   rules->conditional_count, notify_part);
			if (!table[i].conditional)
				return -ENOMEM;
		}
		if (rules->unconditional) {
			table[i].unconditional =
			        remap_rules(arena, rules->unconditional, 1, notify_part);
			if (!table[i].unconditional)
				return -ENOMEM;
		}
	}
	return 0;
}

static int compile_part(const struct moat_syscalls_section *section, bool notify_part,
                        moat_filter **out, struct moat_error *error)
{
	struct moat_arena arena = {0};
	struct moat_syscalls_section copy;
	struct moat_filter *filter = calloc(1, sizeof(*filter));
	int rc = filter ? remap_section(&arena, section, notify_part, &copy) : -ENOMEM;

	if (rc == 0)
		rc = moat_seccomp_generate(&filter->program, &copy, error);
	else
		moat_error_set(error, rc, "out of memory while splitting the seccomp filter");
	moat_arena_release(&arena);
	if (rc < 0) {
		free(filter);
		return rc;
	}
	filter->present = true;
	filter->wants_listener = notify_part;
	*out = filter;
	return 0;
}

int moat_filter_compile_split(const struct moat_policy *policy, moat_filter **notify_part,
                              moat_filter **enforce_part, struct moat_error *error)
{
	int rc;

	*notify_part = NULL;
	*enforce_part = NULL;
	if (!policy->syscalls.present || !policy->syscalls.has_notify)
		return moat_error_set(error, -EINVAL,
		                      "the policy has no `notify` rules: nothing to split");
	rc = compile_part(&policy->syscalls, true, notify_part, error);
	if (rc == 0)
		rc = compile_part(&policy->syscalls, false, enforce_part, error);
	if (rc < 0) {
		moat_filter_free(*notify_part);
		*notify_part = NULL;
	}
	return rc;
}
