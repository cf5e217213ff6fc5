// SPDX-License-Identifier: MIT
/*
 * Fuzzes the seccomp code generator against the IR's own semantics: the
 * input bytes make a random [syscalls] section (tests/support/ir_random.c
 * drawing from the bytes instead of a seed), which must compile (or be
 * refused as too large, -E2BIG) into a program the kernel's checks accept;
 * then each call the rest of the input names must get from the program,
 * run in the BPF interpreter, the action tests/support/ir_eval.c gives, and
 * a foreign architecture must be killed.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ir_builder.h"
#include "ir_eval.h"
#include "ir_random.h"
#include "moat.h"
#include "seccomp/interpreter.h"

#define CALLS                          16
#define SECCOMP_RET_KILL_PROCESS_VALUE 0x80000000U

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int call_number(struct ir_random *random, const struct moat_policy *policy)
{
	static const uint32_t special[] = {0x40000000, 0x40000001, 0x7fffffff, 0x80000000,
	                                   0xfffffffe, 0xffffffff, 0x3fffffff, 500};
	uint64_t choice = ir_random_below(random, 10);

	if (choice < 7 && policy->syscalls.count > 0)
		return policy->syscalls.syscalls[ir_random_below(random, policy->syscalls.count)]
		        .number;
	if (choice < 9)
		return (int)ir_random_below(random, 470);
	return (int)special[ir_random_below(random, sizeof(special) / sizeof(special[0]))];
}

static void report_mismatch(const struct moat_policy *policy, const moat_filter *filter, int number,
                            const uint64_t args[6], struct moat_action got,
                            struct moat_action expected)
{
	char *listing = NULL;

	fprintf(stderr, "syscall %d args", number);
	for (unsigned arg = 0; arg < 6; arg++)
		fprintf(stderr, " %#" PRIx64, args[arg]);
	fprintf(stderr, ": filter %d/%d, IR %d/%d\n", got.kind, got.errno_value, expected.kind,
	        expected.errno_value);
	ir_dump_rules(policy, number, stderr);
	if (moat_filter_listing(filter, &listing) == 0)
		fprintf(stderr, "%s", listing);
	free(listing);
	abort();
}

static void check_calls(struct ir_random *random, const struct moat_policy *policy,
                        const moat_filter *filter)
{
	struct seccomp_data foreign = {.nr = 20, .arch = AUDIT_ARCH_I386};
	uint32_t value = 0;

	if (moat_bpf_check(moat_filter_instructions(filter), moat_filter_length(filter)) != 0 ||
	    moat_filter_run(filter, &foreign, &value) != 0 ||
	    value != SECCOMP_RET_KILL_PROCESS_VALUE)
		abort();
	for (int call = 0; call < CALLS && random->used < random->size; call++) {
		int number = call_number(random, policy);
		uint64_t args[6];
		struct moat_action got, expected;

		for (unsigned arg = 0; arg < 6; arg++)
			args[arg] = ir_random_argument(random, policy, number, arg);
		if (moat_filter_eval(filter, number, args, &got) != 0)
			abort();
		expected = ir_eval(policy, number, args);
		if (!ir_same_action(got, expected))
			report_mismatch(policy, filter, number, args, got, expected);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_random random;
	struct moat_policy *policy;
	struct moat_error error = {0};
	moat_filter *filter = NULL;
	int result;

	ir_random_from_bytes(&random, data, size);
	policy = ir_random_policy(&random, 1 + ir_random_below(&random, 40));
	result = moat_filter_compile(&filter, policy, &error);
	if (result == 0) {
		check_calls(&random, policy, filter);
		moat_filter_free(filter);
	} else if (result != -E2BIG || !error.message[0]) {
		fprintf(stderr, "compile: %d %s\n", result, error.message);
		abort(); /* a random IR must compile, unless it is too large */
	}
	irb_free(policy);
	return 0;
}
