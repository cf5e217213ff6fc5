// SPDX-License-Identifier: MIT
#include "seccomp/split.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "policy/evaluate.h"
#include "seccomp/filter.h"
#include "syscalls/syscalls.h"
#include "util/arena.h"
#include "util/error.h"

/* Which filter is made: one of the two parts, or both in one. */
enum part_kind {
	NOTIFY_PART,
	ENFORCE_PART,
	WHOLE_FILTER, /* what the two parts stacked decide, in one filter */
};

/* How one filter is made: which, and what it routes to the supervisor. */
struct part {
	enum part_kind kind;
	unsigned routed; /* MOAT_ROUTE_* */
};

/* True when the supervisor decides `action` for a syscall that may be routed. */
static bool is_routed(struct moat_action action, unsigned routed)
{
	switch (action.kind) {
	case MOAT_ACTION_NOTIFY:
		return true;
	case MOAT_ACTION_KILL_PROCESS:
	case MOAT_ACTION_KILL_THREAD:
		return routed & MOAT_ROUTE_KILL;
	case MOAT_ACTION_ERRNO:
		return routed & MOAT_ROUTE_ERRNO;
	default:
		return false;
	}
}

/*
 * The notify part turns what is routed into `notify` and allows the rest;
 * the enforce part allows what is routed and keeps the rest; the whole
 * filter turns what is routed into `notify` and keeps the rest. The calls of
 * the hand-off itself are never routed: they run before the supervisor
 * holds the listener.
 */
static struct moat_action remap(struct moat_action action, const struct part *part,
                                bool handoff_call)
{
	static const struct moat_action allow = {MOAT_ACTION_ALLOW, 0};
	static const struct moat_action notify = {MOAT_ACTION_NOTIFY, 0};
	bool routed = action.kind == MOAT_ACTION_NOTIFY ||
	              (!handoff_call && is_routed(action, part->routed));

	switch (part->kind) {
	case NOTIFY_PART:
		return routed ? notify : allow;
	case ENFORCE_PART:
		return routed ? allow : action;
	default:
		return routed ? notify : action;
	}
}

static struct moat_syscall_rule *remap_rules(struct moat_arena *arena,
                                             const struct moat_syscall_rule *rules, size_t count,
                                             const struct part *part, bool handoff_call)
{
	struct moat_syscall_rule *copy = moat_arena_array(arena, count, sizeof(*copy));

	for (size_t i = 0; copy && i < count; i++) {
		copy[i] = rules[i];
		copy[i].action = remap(rules[i].action, part, handoff_call);
	}
	return copy;
}

static int compare_rules(const void *left, const void *right)
{
	const struct moat_syscall_rules *a = left, *b = right;

	return a->number < b->number ? -1 : a->number > b->number;
}

/*
 * The section's table where every hand-off call the policy leaves to its
 * `default`, for every argument or only where none of its conditional rules
 * applies, has the default as its own unconditional rule: the default's
 * routing can then spare the hand-off's calls as it spares their rules.
 */
static int with_handoff_calls(struct moat_arena *arena, const struct moat_syscalls_section *section,
                              struct moat_syscall_rules **table, size_t *count)
{
	size_t handoff_count, total = section->count;
	const struct moat_handoff_call *handoff = moat_syscall_handoff_calls(&handoff_count);
	struct moat_syscall_rules *copy =
	        moat_arena_array(arena, section->count + handoff_count, sizeof(*copy));
	struct moat_syscall_rule *rule = moat_arena_array(arena, 1, sizeof(*rule));

	if (!copy || !rule)
		return -ENOMEM;
	*rule = (struct moat_syscall_rule){.action = section->default_action,
	                                   .location = section->default_location,
	                                   .statement = section->default_statement};
	for (size_t i = 0; i < section->count; i++)
		copy[i] = section->syscalls[i];
	for (size_t i = 0; i < handoff_count; i++) {
		int number = handoff[i].number;
		struct moat_syscall_rules key = {.number = number};
		struct moat_syscall_rules *found =
		        bsearch(&key, copy, section->count, sizeof(key), compare_rules);

		if (number < 0)
			continue;
		if (found && !found->unconditional)
			found->unconditional = rule;
		else if (!found)
			copy[total++] =
			        (struct moat_syscall_rules){.number = number,
			                                    .name = moat_syscall_name(number),
			                                    .unconditional = rule};
	}
	qsort(copy, total, sizeof(*copy), compare_rules);
	*table = copy;
	*count = total;
	return 0;
}

/*
 * A copy of the section with the actions remapped. Conditions, names and
 * locations are shared with the policy: the code generator only reads them.
 */
static int remap_section(struct moat_arena *arena, const struct moat_syscalls_section *section,
                         const struct part *part, struct moat_syscalls_section *copy)
{
	struct moat_syscall_rules *table;
	size_t count;
	int result = with_handoff_calls(arena, section, &table, &count);

	if (result < 0)
		return result;
	*copy = *section;
	copy->default_action = remap(section->default_action, part, false);
	copy->has_notify = part->kind != ENFORCE_PART;
	copy->syscalls = table;
	copy->count = count;
	for (size_t i = 0; i < count; i++) {
		const struct moat_syscall_rules *rules = &table[i];
		bool handoff_call = moat_syscall_is_handoff(rules->number);

		if (rules->conditional_count) {
			table[i].conditional =
			        remap_rules(arena, rules->conditional, rules->conditional_count,
			                    part, handoff_call);
			if (!table[i].conditional)
				return -ENOMEM;
		}
		if (rules->unconditional) {
			table[i].unconditional =
			        remap_rules(arena, rules->unconditional, 1, part, handoff_call);
			if (!table[i].unconditional)
				return -ENOMEM;
		}
	}
	return 0;
}

static int compile_part(const struct moat_syscalls_section *section, const struct part *part,
                        moat_filter **out, struct moat_error *error)
{
	struct moat_arena arena = {0};
	struct moat_syscalls_section copy;
	struct moat_filter *filter = calloc(1, sizeof(*filter));
	int rc = filter ? remap_section(&arena, section, part, &copy) : -ENOMEM;

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
	filter->wants_listener = part->kind != ENFORCE_PART;
	*out = filter;
	return 0;
}

int moat_filter_compile_split(const struct moat_policy *policy, moat_filter **notify_part,
                              moat_filter **enforce_part, struct moat_error *error)
{
	return moat_filter_compile_routed(policy, 0, notify_part, enforce_part, error);
}

int moat_filter_compile_routed(const struct moat_policy *policy, unsigned routed,
                               moat_filter **notify_part, moat_filter **enforce_part,
                               struct moat_error *error)
{
	const struct part notify = {NOTIFY_PART, routed}, enforce = {ENFORCE_PART, routed};
	int rc;

	*notify_part = NULL;
	*enforce_part = NULL;
	if (!policy->syscalls.present || (!policy->syscalls.has_notify && !routed))
		return moat_error_set(error, -EINVAL,
		                      "the policy has no `notify` rules: nothing to split");
	rc = compile_part(&policy->syscalls, &notify, notify_part, error);
	if (rc == 0)
		rc = compile_part(&policy->syscalls, &enforce, enforce_part, error);
	if (rc < 0) {
		moat_filter_free(*notify_part);
		*notify_part = NULL;
	}
	return rc;
}

bool moat_filter_routed_fits_one(const struct moat_policy *policy, unsigned routed)
{
	size_t count;
	const struct moat_handoff_call *handoff = moat_syscall_handoff_calls(&count);

	if (!policy->syscalls.present || policy->syscalls.has_notify || !routed)
		return false;
	for (size_t i = 0; i < count; i++) {
		const struct moat_action *action;

		/* They install the enforce part, which the one filter does without. */
		if (handoff[i].number == SYS_prctl || handoff[i].number == SYS_seccomp)
			continue;
		/* The child's own call: a condition on anything else could differ at run time. */
		action = moat_policy_decide_known(policy, handoff[i].number, handoff[i].fixed,
		                                  handoff[i].args);
		if (!action || action->kind != MOAT_ACTION_ALLOW)
			return false;
	}
	return true;
}

int moat_filter_compile_one(const struct moat_policy *policy, unsigned routed, moat_filter **filter,
                            struct moat_error *error)
{
	const struct part whole = {WHOLE_FILTER, routed};

	*filter = NULL;
	if (!policy->syscalls.present || (!policy->syscalls.has_notify && !routed))
		return moat_error_set(error, -EINVAL,
		                      "the policy has no `notify` rules and nothing is routed");
	return compile_part(&policy->syscalls, &whole, filter, error);
}
