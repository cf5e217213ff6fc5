// SPDX-License-Identifier: MIT
/* Translating moat conditions into OCI argument comparisons. */
#include "export/oci_conditions.h"

#include "policy/evaluate.h"
#include "syscalls/syscalls.h"

/* Masks of at most this many bits are enumerated value by value. */
#define ENUMERATED_BITS 8

static bool add(struct moat_oci_choice *choice, struct moat_oci_arg arg)
{
	if (choice->count == MOAT_OCI_MAX_ALTERNATIVES)
		return false;
	choice->args[choice->count++] = arg;
	return true;
}

static bool add_equal(struct moat_oci_choice *choice, unsigned index, uint64_t mask, uint64_t value)
{
	if (mask == UINT64_MAX)
		return add(choice, (struct moat_oci_arg){index, MOAT_OCI_EQ, value, 0});
	return add(choice, (struct moat_oci_arg){index, MOAT_OCI_MASKED_EQ, mask, value & mask});
}

static const enum moat_oci_op ordering_ops[] = {
        [MOAT_COMPARE_NE] = MOAT_OCI_NE, [MOAT_COMPARE_LT] = MOAT_OCI_LT,
        [MOAT_COMPARE_LE] = MOAT_OCI_LE, [MOAT_COMPARE_GT] = MOAT_OCI_GT,
        [MOAT_COMPARE_GE] = MOAT_OCI_GE,
};

static unsigned bit_count(uint64_t mask)
{
	return (unsigned)__builtin_popcountll(mask);
}

/*
 * `arg & M == w` for every w over the bits M that `comparisons` read, when
 * M is small; false when it is not (or gives too many alternatives).
 */
static bool enumerate(const struct moat_comparison *const *comparisons, size_t count,
                      uint64_t width, struct moat_oci_choice *choice)
{
	uint64_t mask = 0, value = 0;

	for (size_t i = 0; i < count; i++)
		mask |= comparisons[i]->mask & width;
	if (bit_count(mask) > ENUMERATED_BITS)
		return false;
	choice->count = 0;
	do {
		bool all = true;

		for (size_t i = 0; i < count && all; i++)
			all = moat_comparison_holds(comparisons[i], width, value);
		if (all && !add_equal(choice, comparisons[0]->arg, mask, value))
			return false;
		value = (value - mask) & mask; /* the next subset of the mask's bits */
	} while (value);
	return true;
}

/* One comparison written as it is, when OCI reads it as moat does. */
static bool direct(const struct moat_comparison *comparison, uint64_t width,
                   struct moat_oci_choice *choice)
{
	uint64_t mask = comparison->mask & width;

	choice->count = 0;
	if (comparison->op == MOAT_COMPARE_EQ)
		return add_equal(choice, comparison->arg, mask, comparison->value & width);
	if (comparison->op == MOAT_COMPARE_IN) {
		for (size_t i = 0; i < comparison->set_count; i++) {
			if (!add_equal(choice, comparison->arg, mask, comparison->set[i] & width))
				return false;
		}
		return true;
	}
	if (width != UINT64_MAX || mask != UINT64_MAX)
		return false;
	return add(choice, (struct moat_oci_arg){comparison->arg, ordering_ops[comparison->op],
	                                         comparison->value, 0});
}

/*
 * Something that matches more: on an argument the kernel reads as fewer than
 * 64 bits, `!=`, `>` and `>=` of the whole word match whenever the bits read
 * do (and also for some upper halves); else one comparison of the group that
 * can be written exactly; else nothing.
 */
static void superset(const struct moat_comparison *const *comparisons, size_t count, uint64_t width,
                     struct moat_oci_choice *choice)
{
	for (size_t i = 0; i < count; i++) {
		const struct moat_comparison *comparison = comparisons[i];

		if (direct(comparison, width, choice) || enumerate(&comparison, 1, width, choice))
			return;
		if ((comparison->mask & width) == width &&
		    (comparison->op == MOAT_COMPARE_NE || comparison->op == MOAT_COMPARE_GT ||
		     comparison->op == MOAT_COMPARE_GE)) {
			choice->count = 0;
			add(choice,
			    (struct moat_oci_arg){comparison->arg, ordering_ops[comparison->op],
			                          comparison->value & width, 0});
			return;
		}
	}
	choice->count = 0;
}

enum moat_oci_fit moat_oci_translate(const struct moat_conjunction *conjunction, int number,
                                     struct moat_oci_choice choices[MOAT_OCI_ARGUMENTS])
{
	enum moat_oci_fit fit = MOAT_OCI_EXACT;

	for (unsigned arg = 0; arg < MOAT_OCI_ARGUMENTS; arg++) {
		const struct moat_comparison *group[64];
		uint64_t width = moat_arch_argument_mask(moat_arch_native(), number, arg);
		size_t count = 0;

		for (size_t i = 0; i < conjunction->count; i++) {
			if (conjunction->comparisons[i].arg != arg)
				continue;
			if (count == sizeof(group) / sizeof(group[0]))
				return MOAT_OCI_WIDER; /* the resolver allows no such conjunction */
			group[count++] = &conjunction->comparisons[i];
		}
		choices[arg].count = 0;
		if (count == 0)
			continue;
		if ((count == 1 && direct(group[0], width, &choices[arg])) ||
		    enumerate(group, count, width, &choices[arg])) {
			if (choices[arg].count == 0)
				return MOAT_OCI_NEVER;
			continue;
		}
		superset(group, count, width, &choices[arg]);
		fit = MOAT_OCI_WIDER;
	}
	return fit;
}
