// SPDX-License-Identifier: MIT
#include "ir_eval.h"

#include <inttypes.h>

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

static const char *const operators[] = {"==", "!=", "<", "<=", ">", ">=", "in"};

static void dump_action(struct moat_action action, FILE *stream)
{
	static const char *const kinds[] = {"kill",   "kill-thread", "trap", "errno",
	                                    "notify", "log",         "allow"};

	fprintf(stream, "%s", kinds[action.kind]);
	if (action.kind == MOAT_ACTION_ERRNO)
		fprintf(stream, " %d", action.errno_value);
}

static void dump_condition(const struct moat_condition *condition, FILE *stream)
{
	for (size_t c = 0; c < condition->count; c++) {
		const struct moat_conjunction *conjunction = &condition->conjunctions[c];

		fprintf(stream, "%s", c ? " ||" : "");
		for (size_t k = 0; k < conjunction->count; k++) {
			const struct moat_comparison *cmp = &conjunction->comparisons[k];

			fprintf(stream, "%s arg%u & %#" PRIx64 " %s", k ? " &&" : "", cmp->arg,
			        cmp->mask, operators[cmp->op]);
			if (cmp->op != MOAT_COMPARE_IN)
				fprintf(stream, " %#" PRIx64, cmp->value);
			for (size_t v = 0; v < cmp->set_count; v++)
				fprintf(stream, "%s%#" PRIx64 "%s", v ? ", " : " {", cmp->set[v],
				        v + 1 == cmp->set_count ? "}" : "");
		}
	}
}

void ir_dump_rules(const struct moat_policy *policy, int number, FILE *stream)
{
	for (size_t i = 0; i < policy->syscalls.count; i++) {
		const struct moat_syscall_rules *rules = &policy->syscalls.syscalls[i];

		if (rules->number != number)
			continue;
		for (size_t r = 0; r < rules->conditional_count; r++) {
			fprintf(stream, "  ");
			dump_action(rules->conditional[r].action, stream);
			fprintf(stream, " %s if", rules->name);
			dump_condition(rules->conditional[r].condition, stream);
			fprintf(stream, "\n");
		}
		if (rules->unconditional) {
			fprintf(stream, "  ");
			dump_action(rules->unconditional->action, stream);
			fprintf(stream, " %s\n", rules->name);
		}
	}
	fprintf(stream, "  default ");
	dump_action(policy->syscalls.default_action, stream);
	fprintf(stream, "\n");
}
