// SPDX-License-Identifier: MIT
/*
 * Property test of the seccomp code generator: seeded random policies are
 * compiled, and the program run in the interpreter must give, for every call
 * tried, the action a direct evaluation of the IR gives (tests/support/
 * ir_eval.c). The policies mix every operator, masks, `in` sets (some large
 * enough to need jumps beyond 255 instructions), 16/32/64-bit arguments and
 * sign-extended values; the calls hit the policies' own values, off by one
 * and with their upper halves changed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>

#include "ir_builder.h"
#include "ir_eval.h"
#include "ir_random.h"
#include "moat.h"
#include "seccomp/interpreter.h"
#include "syscalls/syscalls.h"

#define POLICIES         10000
#define CALLS_PER_POLICY 40
#define DEFAULT_SEED     UINT64_C(0x6d6f6174) /* "moat" */

/* MOAT_PROPERTY_SEED=N (any base strtoull reads) replays or varies the run. */
static uint64_t property_seed(void)
{
	const char *text = getenv("MOAT_PROPERTY_SEED");
	char *end;
	uint64_t seed;

	if (!text || !*text)
		return DEFAULT_SEED;
	errno = 0;
	seed = strtoull(text, &end, 0);
	if (errno || *end) {
		fprintf(stderr, "MOAT_PROPERTY_SEED=%s is not a number\n", text);
		abort();
	}
	return seed;
}

static int random_call_number(struct ir_random *random, const struct moat_policy *policy)
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

static void check_policy(struct ir_random *random, uint64_t seed, const struct moat_policy *policy,
                         const moat_filter *filter)
{
	struct seccomp_data foreign = {.nr = 20, .arch = AUDIT_ARCH_I386};
	uint32_t value;

	assert_int_equal(
	        moat_bpf_check(moat_filter_instructions(filter), moat_filter_length(filter)), 0);
	assert_int_equal(moat_filter_run(filter, &foreign, &value), 0);
	assert_int_equal(value, 0x80000000U); /* SECCOMP_RET_KILL_PROCESS */
	for (int call = 0; call < CALLS_PER_POLICY; call++) {
		int number = random_call_number(random, policy);
		uint64_t args[6];
		struct moat_action got, expected;

		for (unsigned arg = 0; arg < 6; arg++)
			args[arg] = ir_random_argument(random, policy, number, arg);
		assert_int_equal(moat_filter_eval(filter, number, args, &got), 0);
		expected = ir_eval(policy, number, args);
		if (!ir_same_action(got, expected)) {
			char *listing = NULL;

			fprintf(stderr, "MOAT_PROPERTY_SEED=%#" PRIx64 ": syscall %d args", seed,
			        number);
			for (unsigned arg = 0; arg < 6; arg++)
				fprintf(stderr, " %#" PRIx64, args[arg]);
			fprintf(stderr, ": filter %d/%d, IR %d/%d\n", got.kind, got.errno_value,
			        expected.kind, expected.errno_value);
			ir_dump_rules(policy, number, stderr);
			if (moat_filter_listing(filter, &listing) == 0)
				fprintf(stderr, "%s", listing);
			free(listing);
			fail();
		}
	}
}

static void test_random_policies_match_the_ir(void **state)
{
	struct ir_random random;
	uint64_t seed = property_seed();
	size_t far_jumps = 0;

	(void)state;
	print_message("MOAT_PROPERTY_SEED=%#" PRIx64 "\n", seed);
	ir_random_seed(&random, seed);
	for (int i = 0; i < POLICIES; i++) {
		struct moat_policy *policy = ir_random_policy(&random, i % 10 == 0 ? 40 : 8);
		struct moat_error error = {0};
		moat_filter *filter = NULL;
		const struct sock_filter *code;

		if (moat_filter_compile(&filter, policy, &error) != 0) {
			fprintf(stderr, "MOAT_PROPERTY_SEED=%#" PRIx64 ": policy %d: %s\n", seed, i,
			        error.message);
			fail();
		}
		check_policy(&random, seed, policy, filter);
		code = moat_filter_instructions(filter);
		for (size_t at = 0; at < moat_filter_length(filter); at++)
			far_jumps += code[at].code == (BPF_JMP | BPF_JA);
		moat_filter_free(filter);
		irb_free(policy);
	}
	/* The large `in` sets made the generator bridge jumps beyond 255 instructions. */
	assert_true(far_jumps > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_random_policies_match_the_ir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
