// SPDX-License-Identifier: MIT
#include "ir_eval.h"

#include "syscalls/syscalls.h"

static uint64_t width_mask(int number, unsigned arg)
{
	unsigned bits = moat_syscall_argument_bits(number, arg);

	return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

static bool holds(int number, const struct moat_comparison *c, const uint64_t args[6])
{
	uint64_t width = width_mask(number, c->arg);
	uint64_t a = args[c->arg] & c->mask & width;

	switch (c->op) {
	case MOAT_COMPARE_EQ:
		return a == (c->value & width);
	case MOAT_COMPARE_NE:
		return a != (c->value & width);
	case MOAT_COMPARE_LT:
		return a < (c->value & width);
	case MOAT_COMPARE_LE:
		return a <= (c->value & width);
	case MOAT_COMPARE_GT:
		return a > (c->value & width);
	case MOAT_COMPARE_GE:
		return a >= (c->value & width);
	case MOAT_COMPARE_IN:
		for (size_t i = 0; i < c->set_count; i++) {
			if (a == (c->set[i] & width))
				return true;
		}
		return false;
	}
	return false;
}

static bool condition_holds(int number, const struct moat_condition *condition,
                            const uint64_t args[6])
{
	for (size_t i = 0; i < condition->count; i++) {
		const struct moat_conjunction *conjunction = &condition->conjunctions[i];
		bool all = true;

		for (size_t j = 0; j < conjunction->count && all; j++)
			all = holds(number, &conjunction->comparisons[j], args);
		if (all)
			return true;
	}
	return false;
}

struct moat_action ir_eval(const struct moat_policy *policy, int number, const uint64_t args[6])
{
	const struct moat_syscalls_section *section = &policy->syscalls;
	static const uint64_t zero[6];

	if (!section->present)
		return (struct moat_action){MOAT_ACTION_ALLOW, 0};
	if (!args)
		args = zero;
#if defined(__x86_64__)
	if (number != -1 && (uint32_t)number >= 0x40000000U)
		return (struct moat_action){MOAT_ACTION_KILL_PROCESS, 0};
#endif
	for (size_t i = 0; i < section->count; i++) {
		const struct moat_syscall_rules *rules = &section->syscalls[i];

		if (rules->number != number)
			continue;
		for (size_t j = 0; j < rules->conditional_count; j++) {
			const struct moat_syscall_rule *rule = &rules->conditional[j];

			if (!rule->condition || condition_holds(number, rule->condition, args))
				return rule->action;
		}
		if (rules->unconditional)
			return rules->unconditional->action;
	}
	return section->default_action;
}

bool ir_same_action(struct moat_action a, struct moat_action b)
{
	return a.kind == b.kind && (a.kind != MOAT_ACTION_ERRNO || a.errno_value == b.errno_value);
}
