// SPDX-License-Identifier: MIT
/*
 * A `ret` may serve several statements (the generator reuses the nearest one
 * that returns the same value), so the decider reads the path, not the `ret`
 * alone:
 *  - a call from another architecture ends at the architecture check;
 *  - a `ret` reached from a test of a rule's condition is that rule's when
 *    it returns the rule's value, and otherwise the fallback the failed test
 *    falls through to (a rule's test block leads only to its own `ret` or to
 *    what follows it, and the two differ, or the test would not exist);
 *  - any other `ret` ends the search over syscall numbers: the syscall's
 *    fallback (its rule without a condition, or the `default`), or x32.
 */
#include "seccomp/decider.h"

#include <stdint.h>
#include <stdlib.h>

static const struct moat_statement architecture_rule = {
        {NULL, 0, 0}, "a call from another architecture is killed"};

#if defined(__x86_64__)
#define X32_SYSCALL_BIT 0x40000000U

static const struct moat_statement x32_rule = {{NULL, 0, 0}, "an x32 call is killed"};
#endif

static int compare_number(const void *key, const void *element)
{
	uint32_t number = *(const uint32_t *)key;
	const struct moat_seccomp_fallback *fallback = element;

	return number < fallback->number ? -1 : number > fallback->number;
}

static const struct moat_statement *fallback_for(const struct moat_seccomp_program *program,
                                                 uint32_t number)
{
	const struct moat_seccomp_fallback *found =
	        program->fallback_count
	                ? bsearch(&number, program->fallbacks, program->fallback_count,
	                          sizeof(*program->fallbacks), compare_number)
	                : NULL;

	if (found)
		return found->statement;
#ifdef X32_SYSCALL_BIT
	if ((number & X32_SYSCALL_BIT) && number != UINT32_MAX)
		return &x32_rule;
#endif
	return program->default_statement;
}

const struct moat_statement *moat_seccomp_decider(const struct moat_seccomp_program *program,
                                                  const struct seccomp_data *data,
                                                  const struct moat_bpf_trace *trace)
{
	const struct moat_bpf_origin *test;
	uint32_t value;

	if (data->arch != program->architecture)
		return &architecture_rule;
	if (trace->return_index >= program->length || trace->previous_index >= program->length)
		return fallback_for(program, (uint32_t)data->nr);
	value = program->instructions[trace->return_index].k;
	test = &program->origins[trace->previous_index];
	if (test->rule && test->value == value)
		return test->rule;
	return fallback_for(program, (uint32_t)data->nr);
}
