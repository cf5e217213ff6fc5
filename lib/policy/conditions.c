// SPDX-License-Identifier: MIT
/*
 * Conditions: from the syntax tree to the IR, and combining them. Every
 * value is checked against the bits the kernel reads from its argument, so a
 * value or mask wider than the argument is refused here rather than silently
 * cut by the code generator. What a condition implies (coverage.c) reads
 * only the IR built here.
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
	if (moat_constant_value_for(resolver->policy->syscalls.arch, term->text, value))
		return true;
	if (moat_constant_value(term->text, value)) {
		moat_resolve_error(resolver, &term->location, "%s has no constant %s",
		                   moat_arch_name(resolver->policy->syscalls.arch), term->text);
		return false;
	}
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
	int count = moat_arch_argument_count(resolver->policy->syscalls.arch, number);

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
	unsigned bits = moat_arch_argument_bits(resolver->policy->syscalls.arch, number, ast->arg);

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
