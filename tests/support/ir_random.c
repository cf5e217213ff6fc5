// SPDX-License-Identifier: MIT
#include "ir_random.h"

#include <stdbool.h>

#include "ir_builder.h"
#include "syscalls/syscalls.h"

static const uint64_t edges[] = {
        0,
        1,
        2,
        0x7fffffff,
        0x80000000,
        0xffffffff,
        UINT64_C(0x100000000),
        UINT64_C(0x100000001),
        UINT64_C(0x17fffffff),
        UINT64_C(0x8000000000000000),
        UINT64_C(0x8000000000000001),
        UINT64_C(0x7fffffffffffffff),
        UINT64_MAX,
        UINT64_MAX - 1,
        UINT64_C(0xffffffff00000000),
        UINT64_C(0xffffffff80000000),
        UINT64_C(0xffffffffffffff9c), /* AT_FDCWD */
        UINT64_C(0xffffffff00000001),
        0xffff,
        0x10000,
        UINT64_C(0xffff0000ffff),
};

const uint64_t *ir_edge_values(size_t *count)
{
	*count = sizeof(edges) / sizeof(edges[0]);
	return edges;
}

void ir_random_seed(struct ir_random *random, uint64_t seed)
{
	*random = (struct ir_random){.state = seed};
}

void ir_random_from_bytes(struct ir_random *random, const uint8_t *bytes, size_t size)
{
	*random = (struct ir_random){.bytes = bytes, .size = size};
}

/* The next `count` bytes of the input, little-endian; zeros past its end. */
static uint64_t take_bytes(struct ir_random *random, size_t count)
{
	uint64_t value = 0;

	for (size_t i = 0; i < count && random->used < random->size; i++)
		value |= (uint64_t)random->bytes[random->used++] << (8 * i);
	return value;
}

/* splitmix64 */
uint64_t ir_random_next(struct ir_random *random)
{
	uint64_t z;

	if (random->bytes)
		return take_bytes(random, 8);
	z = (random->state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t ir_random_below(struct ir_random *random, uint64_t bound)
{
	if (random->bytes) /* as few bytes as the choice needs */
		return take_bytes(random, bound <= 0x100 ? 1 : bound <= 0x10000 ? 2 : 8) % bound;
	return ir_random_next(random) % bound;
}

static bool chance(struct ir_random *random, unsigned percent)
{
	return ir_random_below(random, 100) < percent;
}

static uint64_t with_upper_half(struct ir_random *random, uint64_t value)
{
	static const uint64_t uppers[] = {0, 1, 0x80000000, 0xffffffff, 0x7fffffff};
	uint64_t upper = chance(random, 70) ? uppers[ir_random_below(random, 5)]
	                                    : ir_random_next(random) >> 32;

	return (value & 0xffffffff) | (upper << 32);
}

uint64_t ir_random_edge_value(struct ir_random *random)
{
	uint64_t value;

	switch (ir_random_below(random, 6)) {
	case 0:
		return ir_random_next(random);
	case 1:
		return ir_random_below(random, 16);
	case 2:
		return with_upper_half(
		        random, edges[ir_random_below(random, sizeof(edges) / sizeof(edges[0]))]);
	default:
		value = edges[ir_random_below(random, sizeof(edges) / sizeof(edges[0]))];
		return value;
	}
}

struct moat_action ir_random_action(struct ir_random *random)
{
	static const int errnos[] = {0, 1, 13, 38, 95, 4095};
	enum moat_action_kind kind = (enum moat_action_kind)ir_random_below(random, 7);

	return IRB_ACTION(kind, kind == MOAT_ACTION_ERRNO ? errnos[ir_random_below(random, 6)] : 0);
}

/* A value the kernel could read for an argument `bits` wide: zero- or sign-extended. */
static uint64_t fit(struct ir_random *random, uint64_t value, unsigned bits)
{
	uint64_t limit;

	if (bits >= 64)
		return value;
	limit = (UINT64_C(1) << bits) - 1;
	value &= limit;
	if ((value >> (bits - 1)) & 1 && chance(random, 50))
		value |= ~limit;
	return value;
}

static uint64_t random_mask(struct ir_random *random)
{
	static const uint64_t masks[] = {0x3,
	                                 0xf,
	                                 0xff,
	                                 0x80000000,
	                                 UINT64_C(0xffffffff00000000),
	                                 UINT64_C(0x8000000000000000),
	                                 0xffffffff,
	                                 0,
	                                 0x4};

	if (chance(random, 60))
		return UINT64_MAX;
	if (chance(random, 60))
		return masks[ir_random_below(random, sizeof(masks) / sizeof(masks[0]))];
	return ir_random_next(random);
}

static struct moat_comparison random_comparison(struct ir_random *random, struct irb *builder,
                                                int number)
{
	unsigned arg = (unsigned)ir_random_below(random, 6);
	unsigned bits = moat_syscall_argument_bits(number, arg);
	enum moat_compare_op op = (enum moat_compare_op)ir_random_below(random, 7);
	uint64_t mask = random_mask(random);

	if (op == MOAT_COMPARE_IN) {
		uint64_t values[300];
		size_t count = chance(random, 3) ? 300 : 1 + ir_random_below(random, 6);

		for (size_t i = 0; i < count; i++)
			values[i] = fit(random, ir_random_edge_value(random), bits);
		return irb_in(builder, arg, mask, values, count);
	}
	return irb_masked(arg, mask, op, fit(random, ir_random_edge_value(random), bits));
}

const struct moat_condition *ir_random_condition(struct ir_random *random, struct irb *builder,
                                                 int number)
{
	struct moat_conjunction conjunctions[3];
	size_t count = 1 + ir_random_below(random, 3);

	for (size_t i = 0; i < count; i++) {
		struct moat_comparison comparisons[3];
		size_t n = 1 + ir_random_below(random, 3);

		for (size_t j = 0; j < n; j++)
			comparisons[j] = random_comparison(random, builder, number);
		conjunctions[i] = irb_all(builder, comparisons, n);
	}
	return irb_any(builder, conjunctions, count);
}

static int random_number(struct ir_random *random)
{
	static const int unusual[] = {0, 1, 2, 3, 1000, 0x3ffffffe, 0x3fffffff};

	if (chance(random, 5))
		return unusual[ir_random_below(random, sizeof(unusual) / sizeof(unusual[0]))];
	return (int)ir_random_below(random, 460);
}

struct moat_policy *ir_random_policy(struct ir_random *random, size_t max_syscalls)
{
	struct irb *builder = irb_new(ir_random_action(random));
	size_t count = ir_random_below(random, max_syscalls + 1);

	for (size_t i = 0; i < count; i++) {
		int number = random_number(random);
		size_t rules = ir_random_below(random, 4);

		for (size_t j = 0; j < rules; j++)
			irb_rule(builder, number, ir_random_action(random),
			         ir_random_condition(random, builder, number));
		if (rules == 0 || chance(random, 50))
			irb_rule(builder, number, ir_random_action(random), NULL);
	}
	return irb_finish(builder);
}

/* Values the policy compares argument `arg` of `number` with. */
static size_t policy_values(const struct moat_policy *policy, int number, unsigned arg,
                            uint64_t *values, size_t capacity)
{
	const struct moat_syscall_rules *rules = NULL;
	size_t count = 0;

	for (size_t i = 0; i < policy->syscalls.count; i++) {
		if (policy->syscalls.syscalls[i].number == number)
			rules = &policy->syscalls.syscalls[i];
	}
	for (size_t r = 0; rules && r < rules->conditional_count; r++) {
		const struct moat_condition *condition = rules->conditional[r].condition;

		for (size_t c = 0; condition && c < condition->count; c++) {
			const struct moat_conjunction *conjunction = &condition->conjunctions[c];

			for (size_t k = 0; k < conjunction->count; k++) {
				const struct moat_comparison *cmp = &conjunction->comparisons[k];

				if (cmp->arg != arg)
					continue;
				if (cmp->op != MOAT_COMPARE_IN && count < capacity)
					values[count++] = cmp->value;
				for (size_t v = 0; v < cmp->set_count && count < capacity; v++)
					values[count++] = cmp->set[v];
			}
		}
	}
	return count;
}

uint64_t ir_random_argument(struct ir_random *random, const struct moat_policy *policy, int number,
                            unsigned arg)
{
	uint64_t values[64], value;
	size_t count = policy_values(policy, number, arg, values, 64);

	if (count == 0 || chance(random, 30))
		return ir_random_edge_value(random);
	value = values[ir_random_below(random, count)];
	switch (ir_random_below(random, 5)) {
	case 0:
		return value + 1;
	case 1:
		return value - 1;
	case 2:
		return with_upper_half(random, value);
	default:
		return value;
	}
}
