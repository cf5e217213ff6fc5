// SPDX-License-Identifier: MIT
/* A section's rules for known argument values, read from the IR. */
#include "policy/evaluate.h"

#include "syscalls/syscalls.h"

static bool compare(enum moat_compare_op op, uint64_t left, uint64_t right)
{
	switch (op) {
	case MOAT_COMPARE_EQ:
		return left == right;
	case MOAT_COMPARE_NE:
		return left != right;
	case MOAT_COMPARE_LT:
		return left < right;
	case MOAT_COMPARE_LE:
		return left <= right;
	case MOAT_COMPARE_GT:
		return left > right;
	case MOAT_COMPARE_GE:
		return left >= right;
	case MOAT_COMPARE_IN:
		break;
	}
	return false;
}

bool moat_comparison_holds(const struct moat_comparison *comparison, uint64_t width, uint64_t value)
{
	uint64_t left = value & comparison->mask & width;

	if (comparison->op != MOAT_COMPARE_IN)
		return compare(comparison->op, left, comparison->value & width);
	for (size_t i = 0; i < comparison->set_count; i++) {
		if (left == (comparison->set[i] & width))
			return true;
	}
	return false;
}

/* Whether `condition` reads only the arguments in `known`. */
static bool reads_only(const struct moat_condition *condition, unsigned known)
{
	for (size_t i = 0; i < condition->count; i++) {
		const struct moat_conjunction *conjunction = &condition->conjunctions[i];

		for (size_t k = 0; k < conjunction->count; k++) {
			unsigned arg = conjunction->comparisons[k].arg;

			if (arg >= 6 || !(known & (1U << arg)))
				return false;
		}
	}
	return true;
}

static bool condition_holds(const struct moat_condition *condition, const struct moat_arch *arch,
                            int number, const uint64_t args[6])
{
	for (size_t i = 0; i < condition->count; i++) {
		const struct moat_conjunction *conjunction = &condition->conjunctions[i];
		bool all = true;

		for (size_t k = 0; k < conjunction->count && all; k++) {
			const struct moat_comparison *comparison = &conjunction->comparisons[k];

			all = moat_comparison_holds(
			        comparison, moat_arch_argument_mask(arch, number, comparison->arg),
			        args[comparison->arg]);
		}
		if (all)
			return true;
	}
	return false;
}

const struct moat_action *moat_policy_decide_known(const struct moat_policy *policy, int number,
                                                   unsigned known, const uint64_t args[6])
{
	const struct moat_syscalls_section *section = &policy->syscalls;
	const struct moat_arch *arch = section->arch ? section->arch : moat_arch_native();
	const struct moat_syscall_rules *rules = moat_policy_find_syscall(policy, number);

	if (!rules)
		return &section->default_action;
	for (size_t i = 0; i < rules->conditional_count; i++) {
		const struct moat_syscall_rule *rule = &rules->conditional[i];

		if (!rule->condition)
			return &rule->action;
		if (!reads_only(rule->condition, known))
			return NULL;
		if (condition_holds(rule->condition, arch, number, args))
			return &rule->action;
	}
	return rules->unconditional ? &rules->unconditional->action : &section->default_action;
}
