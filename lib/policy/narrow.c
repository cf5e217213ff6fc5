// SPDX-License-Identifier: MIT
/*
 * Adding moat's narrowing rules to a policy's [syscalls] section without
 * ever widening it: each narrowing is placed before every rule that lets
 * its call through, limited to what that rule lets through, and nowhere
 * else (narrow.h).
 */
#include "policy/narrow.h"

#include <errno.h>
#include <string.h>

static bool lets_through(struct moat_action action)
{
	return action.kind == MOAT_ACTION_ALLOW || action.kind == MOAT_ACTION_LOG;
}

/* `left && right`; a NULL condition holds for every call. */
static const struct moat_condition *both(const struct moat_condition *left,
                                         const struct moat_condition *right,
                                         struct moat_arena *arena)
{
	struct moat_conjunction *conjunctions;
	struct moat_condition *condition;
	size_t count = 0;

	if (!left || !right)
		return left ? left : right;
	condition = moat_arena_alloc(arena, sizeof(*condition));
	conjunctions =
	        moat_arena_array(arena, left->count * right->count + 1, sizeof(*conjunctions));
	if (!condition || !conjunctions)
		return NULL;
	for (size_t i = 0; i < left->count; i++) {
		for (size_t j = 0; j < right->count; j++) {
			const struct moat_conjunction *a = &left->conjunctions[i];
			const struct moat_conjunction *b = &right->conjunctions[j];
			struct moat_comparison *comparisons = moat_arena_array(
			        arena, a->count + b->count + 1, sizeof(*comparisons));

			if (!comparisons)
				return NULL;
			memcpy(comparisons, a->comparisons, a->count * sizeof(*comparisons));
			memcpy(comparisons + a->count, b->comparisons,
			       b->count * sizeof(*comparisons));
			conjunctions[count].comparisons = comparisons;
			conjunctions[count++].count = a->count + b->count;
		}
	}
	condition->conjunctions = conjunctions;
	condition->count = count;
	return condition;
}

/* The narrowing's rule, limited to the calls `condition` picks (NULL: all). */
static int limited(struct moat_syscall_rule *out, const struct moat_syscall_narrowing *narrowing,
                   const struct moat_condition *condition, struct moat_arena *arena)
{
	*out = narrowing->rule;
	if (!condition && !narrowing->rule.condition)
		return 0;
	out->condition = both(condition, narrowing->rule.condition, arena);
	return out->condition ? 0 : -ENOMEM;
}

/*
 * The rules of one syscall with a narrowing added. An unconditional
 * narrowing of an unconditional rule replaces it; every other addition is
 * conditional and comes before the rule it narrows.
 */
static int narrow_rules(struct moat_syscall_rules *rules,
                        const struct moat_syscall_narrowing *narrowing,
                        struct moat_action default_action, struct moat_arena *arena)
{
	const struct moat_syscall_rule *unconditional = rules->unconditional;
	struct moat_action last = unconditional ? unconditional->action : default_action;
	struct moat_syscall_rule *conditional =
	        moat_arena_array(arena, 2 * rules->conditional_count + 1, sizeof(*conditional));
	size_t count = 0;

	if (!conditional)
		return -ENOMEM;
	for (size_t i = 0; i < rules->conditional_count; i++) {
		const struct moat_syscall_rule *rule = &rules->conditional[i];

		if (lets_through(rule->action) &&
		    limited(&conditional[count++], narrowing, rule->condition, arena) < 0)
			return -ENOMEM;
		conditional[count++] = *rule;
	}
	if (lets_through(last)) {
		if (narrowing->rule.condition) {
			conditional[count++] = narrowing->rule;
		} else {
			struct moat_syscall_rule *replaced =
			        moat_arena_alloc(arena, sizeof(*replaced));

			if (!replaced)
				return -ENOMEM;
			*replaced = narrowing->rule;
			rules->unconditional = replaced;
		}
	}
	rules->conditional = conditional;
	rules->conditional_count = count;
	return 0;
}

/* The section's entry for `narrowing`'s syscall, inserted in order when the policy has none. */
static struct moat_syscall_rules *entry_for(struct moat_syscalls_section *section,
                                            const struct moat_syscall_narrowing *narrowing,
                                            struct moat_arena *arena)
{
	struct moat_syscall_rules *table = (struct moat_syscall_rules *)section->syscalls;
	size_t at = 0;

	while (at < section->count && table[at].number < narrowing->number)
		at++;
	if (at < section->count && table[at].number == narrowing->number)
		return &table[at];
	table = moat_arena_array(arena, section->count + 1, sizeof(*table));
	if (!table)
		return NULL;
	memcpy(table, section->syscalls, at * sizeof(*table));
	memcpy(table + at + 1, section->syscalls + at, (section->count - at) * sizeof(*table));
	table[at].number = narrowing->number;
	table[at].name = narrowing->name;
	section->syscalls = table;
	section->count++;
	return &table[at];
}

int moat_policy_narrow_syscalls(struct moat_policy *narrowed, const struct moat_policy *policy,
                                const struct moat_syscall_narrowing *narrowings, size_t count,
                                struct moat_arena *arena)
{
	struct moat_syscalls_section *section = &narrowed->syscalls;
	struct moat_syscall_rules *table;

	*narrowed = *policy;
	memset(&narrowed->arena, 0, sizeof(narrowed->arena));
	if (!section->present || count == 0)
		return 0;
	/* A private copy of the table: the policy's own stays as it was. */
	table = moat_arena_array(arena, section->count + 1, sizeof(*table));
	if (!table)
		return -ENOMEM;
	memcpy(table, section->syscalls, section->count * sizeof(*table));
	section->syscalls = table;
	for (size_t i = 0; i < count; i++) {
		struct moat_syscall_rules *rules = entry_for(section, &narrowings[i], arena);

		if (!rules ||
		    narrow_rules(rules, &narrowings[i], section->default_action, arena) < 0)
			return -ENOMEM;
	}
	return 0;
}
