// SPDX-License-Identifier: MIT
/*
 * Conditions: from the syntax tree to the IR, combining them, and the facts
 * the resolver needs to find rules that can never apply. Every fact is about
 * the bits the kernel reads from an argument, so a value or mask wider than
 * the argument is refused here rather than silently cut by the code
 * generator.
 */
#include <errno.h>
#include <string.h>

#include "policy/constants.h"
#include "policy/resolve.h"
#include "syscalls/syscalls.h"

static uint64_t width_mask(unsigned bits)
{
	return bits >= 64 ? UINT64_MAX : (1ULL << bits) - 1;
}

/* A value fits an argument of `bits` bits as is, or as a sign-extended negative number. */
static bool fits(uint64_t value, unsigned bits)
{
	uint64_t high = ~width_mask(bits);

	if (bits >= 64 || (value & high) == 0)
		return true;
	return (value & high) == high && (value & (1ULL << (bits - 1)));
}

static bool resolve_term(struct moat_resolver *resolver, const struct moat_ast_word *term,
                         uint64_t *value)
{
	const char *suggestion;

	if ((term->text[0] >= '0' && term->text[0] <= '9') || strstr(term->text, "${"))
		return moat_resolve_number(resolver, term, term->text, false, value);
	if (moat_constant_value(term->text, value))
		return true;
	suggestion = moat_constant_suggest(term->text);
	if (suggestion)
		moat_resolve_error(resolver, &term->location,
		                   "unknown constant '%s'; did you mean '%s'?", term->text,
		                   suggestion);
	else
		moat_resolve_error(resolver, &term->location, "unknown constant '%s'", term->text);
	return false;
}

static bool resolve_value(struct moat_resolver *resolver, const struct moat_ast_value *ast,
                          unsigned bits, const char *syscall_name, unsigned arg, uint64_t *value)
{
	*value = 0;
	for (size_t i = 0; i < ast->count; i++) {
		uint64_t term;

		if (!resolve_term(resolver, &ast->terms[i], &term))
			return false;
		*value |= term;
	}
	if (fits(*value, bits))
		return true;
	moat_resolve_error(resolver, &ast->terms[0].location,
	                   "0x%llx does not fit arg%u of %s, which the kernel reads as a %u-bit "
	                   "value",
	                   (unsigned long long)*value, arg, syscall_name, bits);
	return false;
}

static bool resolve_set(struct moat_resolver *resolver, const struct moat_ast_comparison *ast,
                        unsigned bits, const char *syscall_name, struct moat_comparison *comparison)
{
	uint64_t *set = moat_resolve_alloc(resolver, ast->set_count * sizeof(*set));

	if (!set)
		return false;
	for (size_t i = 0; i < ast->set_count; i++) {
		if (!resolve_value(resolver, &ast->set[i], bits, syscall_name, ast->arg, &set[i]))
			return false;
	}
	comparison->set = set;
	comparison->set_count = ast->set_count;
	return true;
}

static bool check_argument(struct moat_resolver *resolver, const struct moat_ast_comparison *ast,
                           int number, const char *syscall_name)
{
	int count = moat_syscall_argument_count(number);

	if (count < 0 || ast->arg < (unsigned)count)
		return true;
	moat_resolve_error(resolver, &ast->location,
	                   "%s takes %d argument%s; arg%u is not one of them", syscall_name, count,
	                   count == 1 ? "" : "s", ast->arg);
	return false;
}

static bool resolve_comparison(struct moat_resolver *resolver,
                               const struct moat_ast_comparison *ast, int number,
                               const char *syscall_name, struct moat_comparison *comparison)
{
	unsigned bits = moat_syscall_argument_bits(number, ast->arg);

	if (!check_argument(resolver, ast, number, syscall_name))
		return false;
	comparison->arg = ast->arg;
	comparison->op = ast->op;
	comparison->location = ast->location;
	comparison->mask = UINT64_MAX;
	if (ast->has_mask &&
	    !resolve_value(resolver, &ast->mask, bits, syscall_name, ast->arg, &comparison->mask))
		return false;
	if (ast->op == MOAT_COMPARE_IN)
		return resolve_set(resolver, ast, bits, syscall_name, comparison);
	return resolve_value(resolver, &ast->value, bits, syscall_name, ast->arg,
	                     &comparison->value);
}

const struct moat_condition *moat_resolve_condition(struct moat_resolver *resolver,
                                                    const struct moat_ast_condition *ast,
                                                    int number, const char *syscall_name)
{
	struct moat_condition *condition = moat_resolve_alloc(resolver, sizeof(*condition));
	struct moat_conjunction *conjunctions =
	        moat_resolve_alloc(resolver, ast->count * sizeof(*conjunctions));

	if (!condition || !conjunctions)
		return NULL;
	for (size_t i = 0; i < ast->count; i++) {
		const struct moat_ast_conjunction *source = &ast->conjunctions[i];
		struct moat_comparison *comparisons =
		        moat_resolve_alloc(resolver, source->count * sizeof(*comparisons));

		if (!comparisons)
			return NULL;
		for (size_t k = 0; k < source->count; k++) {
			if (!resolve_comparison(resolver, &source->comparisons[k], number,
			                        syscall_name, &comparisons[k]))
				return NULL;
		}
		conjunctions[i].comparisons = comparisons;
		conjunctions[i].count = source->count;
	}
	condition->conjunctions = conjunctions;
	condition->count = ast->count;
	return condition;
}

/* ---- combining ------------------------------------------------------- */

static struct moat_conjunction concatenate(struct moat_resolver *resolver,
                                           const struct moat_conjunction *left,
                                           const struct moat_conjunction *right)
{
	struct moat_conjunction result = {0};
	struct moat_comparison *comparisons =
	        moat_resolve_alloc(resolver, (left->count + right->count) * sizeof(*comparisons));

	if (!comparisons)
		return result;
	memcpy(comparisons, left->comparisons, left->count * sizeof(*comparisons));
	memcpy(comparisons + left->count, right->comparisons, right->count * sizeof(*comparisons));
	result.comparisons = comparisons;
	result.count = left->count + right->count;
	return result;
}

const struct moat_condition *moat_condition_and(struct moat_resolver *resolver,
                                                const struct moat_condition *left,
                                                const struct moat_condition *right)
{
	struct moat_condition *result = moat_resolve_alloc(resolver, sizeof(*result));
	struct moat_conjunction *conjunctions;
	size_t count = 0;

	if (!left || !right)
		return left ? left : right;
	conjunctions =
	        moat_resolve_alloc(resolver, left->count * right->count * sizeof(*conjunctions));
	if (!result || !conjunctions)
		return NULL;
	for (size_t i = 0; i < left->count; i++) {
		for (size_t k = 0; k < right->count; k++)
			conjunctions[count++] = concatenate(resolver, &left->conjunctions[i],
			                                    &right->conjunctions[k]);
	}
	result->conjunctions = conjunctions;
	result->count = count;
	return resolver->out_of_memory ? NULL : result;
}

const struct moat_condition *moat_condition_or(struct moat_resolver *resolver,
                                               const struct moat_condition *left,
                                               const struct moat_condition *right)
{
	struct moat_condition *result = moat_resolve_alloc(resolver, sizeof(*result));
	struct moat_conjunction *conjunctions;

	if (!left || !right)
		return left ? left : right;
	conjunctions =
	        moat_resolve_alloc(resolver, (left->count + right->count) * sizeof(*conjunctions));
	if (!result || !conjunctions)
		return NULL;
	memcpy(conjunctions, left->conjunctions, left->count * sizeof(*conjunctions));
	memcpy(conjunctions + left->count, right->conjunctions,
	       right->count * sizeof(*conjunctions));
	result->conjunctions = conjunctions;
	result->count = left->count + right->count;
	return result;
}

/* ---- facts ----------------------------------------------------------- */

/* A comparison on the bits the kernel reads: x = arg & mask, then x OP value. */
struct narrowed {
	unsigned arg;
	uint64_t mask;
	enum moat_compare_op op;
	uint64_t value;
};

static struct narrowed narrow(const struct moat_comparison *comparison, int number)
{
	uint64_t width = width_mask(moat_syscall_argument_bits(number, comparison->arg));

	return (struct narrowed){comparison->arg, comparison->mask & width, comparison->op,
	                         comparison->value & width};
}

static bool set_has_reachable(const struct moat_comparison *comparison, uint64_t width,
                              uint64_t mask)
{
	for (size_t i = 0; i < comparison->set_count; i++) {
		if (((comparison->set[i] & width) & ~mask) == 0)
			return true;
	}
	return false;
}

static bool comparison_never(const struct moat_comparison *comparison, int number)
{
	struct narrowed n = narrow(comparison, number);
	uint64_t width = width_mask(moat_syscall_argument_bits(number, comparison->arg));

	switch (n.op) {
	case MOAT_COMPARE_EQ:
		return (n.value & ~n.mask) != 0;
	case MOAT_COMPARE_LT:
		return n.value == 0;
	case MOAT_COMPARE_GT:
		return n.value >= n.mask;
	case MOAT_COMPARE_GE:
		return n.value > n.mask;
	case MOAT_COMPARE_IN:
		return !set_has_reachable(comparison, width, n.mask);
	case MOAT_COMPARE_NE:
	case MOAT_COMPARE_LE:
		return false;
	}
	return false;
}

static bool comparison_always(const struct moat_comparison *comparison, int number)
{
	struct narrowed n = narrow(comparison, number);

	switch (n.op) {
	case MOAT_COMPARE_NE:
		return (n.value & ~n.mask) != 0;
	case MOAT_COMPARE_LT:
		return n.value > n.mask;
	case MOAT_COMPARE_LE:
		return n.value >= n.mask;
	case MOAT_COMPARE_GE:
		return n.value == 0;
	case MOAT_COMPARE_EQ:
		return n.mask == 0 && n.value == 0;
	case MOAT_COMPARE_GT:
	case MOAT_COMPARE_IN:
		return false;
	}
	return false;
}

/* The range [low, high] and the required value that comparisons on one masked argument allow. */
struct bounds {
	uint64_t low;
	uint64_t high;
	bool has_equal;
	uint64_t equal;
	bool contradiction;
};

static void tighten(struct bounds *bounds, const struct narrowed *n)
{
	switch (n->op) {
	case MOAT_COMPARE_EQ:
		if (bounds->has_equal && bounds->equal != n->value)
			bounds->contradiction = true;
		bounds->has_equal = true;
		bounds->equal = n->value;
		break;
	case MOAT_COMPARE_LT:
		if (n->value == 0)
			bounds->contradiction = true;
		else if (n->value - 1 < bounds->high)
			bounds->high = n->value - 1;
		break;
	case MOAT_COMPARE_LE:
		if (n->value < bounds->high)
			bounds->high = n->value;
		break;
	case MOAT_COMPARE_GT:
		if (n->value == UINT64_MAX)
			bounds->contradiction = true;
		else if (n->value + 1 > bounds->low)
			bounds->low = n->value + 1;
		break;
	case MOAT_COMPARE_GE:
		if (n->value > bounds->low)
			bounds->low = n->value;
		break;
	case MOAT_COMPARE_NE:
	case MOAT_COMPARE_IN:
		break;
	}
}

static bool excluded(const struct moat_conjunction *conjunction, int number,
                     const struct narrowed *target, uint64_t value)
{
	for (size_t i = 0; i < conjunction->count; i++) {
		struct narrowed n = narrow(&conjunction->comparisons[i], number);

		if (n.op == MOAT_COMPARE_NE && n.arg == target->arg && n.mask == target->mask &&
		    n.value == value)
			return true;
	}
	return false;
}

/* Comparisons on the same argument and mask that no value satisfies together. */
static bool contradictory(const struct moat_conjunction *conjunction, int number,
                          const struct narrowed *first)
{
	struct bounds bounds = {0, first->mask, false, 0, false};

	for (size_t i = 0; i < conjunction->count; i++) {
		struct narrowed n = narrow(&conjunction->comparisons[i], number);

		if (n.arg == first->arg && n.mask == first->mask)
			tighten(&bounds, &n);
	}
	if (bounds.contradiction || bounds.low > bounds.high)
		return true;
	if (!bounds.has_equal)
		return false;
	return bounds.equal < bounds.low || bounds.equal > bounds.high ||
	       excluded(conjunction, number, first, bounds.equal);
}

static bool conjunction_never(const struct moat_conjunction *conjunction, int number)
{
	for (size_t i = 0; i < conjunction->count; i++) {
		struct narrowed n = narrow(&conjunction->comparisons[i], number);

		if (comparison_never(&conjunction->comparisons[i], number) ||
		    contradictory(conjunction, number, &n))
			return true;
	}
	return false;
}

static bool conjunction_always(const struct moat_conjunction *conjunction, int number)
{
	for (size_t i = 0; i < conjunction->count; i++) {
		if (!comparison_always(&conjunction->comparisons[i], number))
			return false;
	}
	return true;
}

bool moat_condition_never(const struct moat_condition *condition, int number)
{
	for (size_t i = 0; i < condition->count; i++) {
		if (!conjunction_never(&condition->conjunctions[i], number))
			return false;
	}
	return true;
}

bool moat_condition_always(const struct moat_condition *condition, int number)
{
	for (size_t i = 0; i < condition->count; i++) {
		if (conjunction_always(&condition->conjunctions[i], number))
			return true;
	}
	return false;
}

static bool comparisons_equal(const struct moat_comparison *left,
                              const struct moat_comparison *right, int number)
{
	struct narrowed a = narrow(left, number), b = narrow(right, number);
	uint64_t width = width_mask(moat_syscall_argument_bits(number, left->arg));

	if (a.arg != b.arg || a.mask != b.mask || a.op != b.op)
		return false;
	if (a.op != MOAT_COMPARE_IN)
		return a.value == b.value;
	if (left->set_count != right->set_count)
		return false;
	for (size_t i = 0; i < left->set_count; i++) {
		if ((left->set[i] & width) != (right->set[i] & width))
			return false;
	}
	return true;
}

static bool contains(const struct moat_conjunction *conjunction,
                     const struct moat_comparison *comparison, int number)
{
	for (size_t i = 0; i < conjunction->count; i++) {
		if (comparisons_equal(&conjunction->comparisons[i], comparison, number))
			return true;
	}
	return false;
}

/* `general` holds whenever `specific` does: each of its comparisons is one of specific's. */
static bool conjunction_implied(const struct moat_conjunction *general,
                                const struct moat_conjunction *specific, int number)
{
	if (conjunction_always(general, number))
		return true;
	for (size_t i = 0; i < general->count; i++) {
		if (!contains(specific, &general->comparisons[i], number))
			return false;
	}
	return true;
}

bool moat_condition_covers(const struct moat_condition *earlier, const struct moat_condition *later,
                           int number)
{
	for (size_t i = 0; i < later->count; i++) {
		const struct moat_conjunction *case_ = &later->conjunctions[i];
		bool covered = conjunction_never(case_, number);

		for (size_t k = 0; k < earlier->count && !covered; k++)
			covered = !conjunction_never(&earlier->conjunctions[k], number) &&
			          conjunction_implied(&earlier->conjunctions[k], case_, number);
		if (!covered)
			return false;
	}
	return true;
}

bool moat_condition_equal(const struct moat_condition *left, const struct moat_condition *right,
                          int number)
{
	if (left->count != right->count)
		return false;
	for (size_t i = 0; i < left->count; i++) {
		const struct moat_conjunction *a = &left->conjunctions[i];
		const struct moat_conjunction *b = &right->conjunctions[i];

		if (a->count != b->count)
			return false;
		for (size_t k = 0; k < a->count; k++) {
			if (!comparisons_equal(&a->comparisons[k], &b->comparisons[k], number))
				return false;
		}
	}
	return true;
}
