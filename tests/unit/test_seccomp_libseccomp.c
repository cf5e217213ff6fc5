// SPDX-License-Identifier: MIT
/*
 * Differential test: random policies that libseccomp can express without
 * ambiguity are compiled by moat and by libseccomp (default and binary-tree
 * optimisation); both programs run in moat's interpreter must return the
 * same value for a sweep of syscall numbers and argument values.
 *
 * What keeps the oracle exact:
 *  - libseccomp's rules for one syscall are not first-match: when rules with
 *    different actions overlap, its result is not moat's. So a syscall gets
 *    either one unconditional action; or conditional rules that all share
 *    one action, falling back to the default; or one comparison with one
 *    action and its exact complement with another (== and !=, 64-bit
 *    arguments only).
 *  - libseccomp compares all 64 bits of every argument, while moat reads an
 *    int argument as the kernel does, 32 bits. On 32- and 16-bit arguments
 *    the oracle uses only `arg & mask == value` with the mask narrowed to
 *    the argument, which both read the same way whatever the upper half.
 *  - Debian's libseccomp 2.5.4 weakens filters that mix 64-bit `<`/`<=`
 *    rules on one argument (GHSA-4q85-33p6-j5g6, fixed in 2.6.1). The
 *    advisory speaks of `<`/`<=` and different actions; this test saw 2.5.4
 *    merge wrongly with one action, and with `>`, `>=` and `!=` too,
 *    whenever two rules of a syscall compare one 64-bit argument and one of
 *    them does not test it for equality (each time moat agreed with a
 *    direct evaluation of the IR, and for one the kernel running
 *    libseccomp's program agreed with moat's interpreter). So an argument that a rule
 *    compares with `!=`, `>` or `>=` is compared by no other rule of that
 *    syscall, and the oracle never uses `<`/`<=`. The property test
 *    (test_seccomp_property) covers every operator against the IR itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ir_builder.h"
#include "ir_eval.h"
#include "ir_random.h"
#include "moat.h"
#include "sanitizer.h"
#include "seccomp/action.h"
#include "seccomp/interpreter.h"
#include "syscalls/syscalls.h"

#ifdef BUILT_WITH_ASAN
#include <sanitizer/lsan_interface.h>
/* libseccomp 2.5.4 leaks some rules it merges into others; that is not ours to report. */
#define LIBSECCOMP_BEGIN() __lsan_disable()
#define LIBSECCOMP_END()   __lsan_enable()
#else
#define LIBSECCOMP_BEGIN() ((void)0)
#define LIBSECCOMP_END()   ((void)0)
#endif

#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))
#define POLICIES          300
#define MAX_SYSCALLS      10
#define MAX_RULES         64

/* One policy in both forms. */
struct oracle {
	struct irb *builder;
	scmp_filter_ctx context;
	uint32_t default_value;
	int numbers[MAX_SYSCALLS];
	size_t count;
};

static uint32_t libseccomp_action(struct moat_action action)
{
	return moat_seccomp_return_value(&action); /* libseccomp's SCMP_ACT_* are these values */
}

static struct moat_action oracle_action(struct ir_random *random)
{
	static const struct moat_action actions[] = {
	        IRB_ALLOW,  IRB_KILL,         IRB_KILL_THREAD,   IRB_TRAP,        IRB_LOG,
	        IRB_NOTIFY, IRB_ERRNO(EPERM), IRB_ERRNO(EACCES), IRB_ERRNO(4000), IRB_ERRNO(0),
	};

	return actions[ir_random_below(random, ARRAY_SIZE(actions))];
}

/* A syscall libseccomp knows that the policy does not use yet. */
static int fresh_syscall(struct ir_random *random, const struct oracle *oracle)
{
	for (;;) {
		int number = (int)ir_random_below(random, 335);
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, number);
		bool used = false;

		free(name);
		for (size_t i = 0; i < oracle->count; i++)
			used = used || oracle->numbers[i] == number;
		if (name && !used && moat_syscall_name(number))
			return number;
	}
}

static void add_libseccomp_rule(struct oracle *oracle, uint32_t action, int number,
                                const struct scmp_arg_cmp *comparisons, unsigned count)
{
	int rc;

	if (action == oracle->default_value)
		return; /* libseccomp refuses rules that repeat the default; they change nothing */
	LIBSECCOMP_BEGIN();
	rc = seccomp_rule_add_exact_array(oracle->context, action, number, count, comparisons);
	LIBSECCOMP_END();
	if (rc < 0)
		fail_msg("libseccomp refused a rule for syscall %d: %d", number, rc);
}

/*
 * One comparison both can read the same way, in both forms. `claimed[arg]`
 * is 0 while no rule of the syscall compares the argument, 1 when rules
 * test it with ==, 2 when one compares it with !=, > or >= (then no other
 * rule may touch it). Returns false when the argument is not free.
 */
static bool oracle_comparison(struct ir_random *random, int number, unsigned arg,
                              unsigned char claimed[6], struct moat_comparison *moat,
                              struct scmp_arg_cmp *libseccomp)
{
	unsigned bits = moat_syscall_argument_bits(number, arg);
	uint64_t width = bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
	uint64_t value = ir_random_edge_value(random);
	uint64_t mask = ir_random_edge_value(random) | ir_random_below(random, 16);
	uint64_t choice = ir_random_below(random, 5); /* 0, 1: == (masked); 2..4: != > >= */

	if (claimed[arg] == 2 || (claimed[arg] == 1 && choice >= 2))
		choice = ir_random_below(random, 2); /* only == shares an argument */
	if (claimed[arg] == 2)
		return false;
	if (bits < 64 || choice == 0) {
		mask &= width;
		value &= mask;
		*moat = irb_masked(arg, mask, MOAT_COMPARE_EQ, value);
		*libseccomp = SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, mask, value);
	} else if (choice == 1) {
		*moat = irb_compare(arg, MOAT_COMPARE_EQ, value);
		*libseccomp = SCMP_CMP(arg, SCMP_CMP_EQ, value);
	} else {
		static const enum moat_compare_op ops[] = {MOAT_COMPARE_NE, MOAT_COMPARE_GT,
		                                           MOAT_COMPARE_GE};
		static const enum scmp_compare libseccomp_ops[] = {SCMP_CMP_NE, SCMP_CMP_GT,
		                                                   SCMP_CMP_GE};

		*moat = irb_compare(arg, ops[choice - 2], value);
		*libseccomp = SCMP_CMP(arg, libseccomp_ops[choice - 2], value);
		claimed[arg] = 2;
		return true;
	}
	claimed[arg] = 1;
	return true;
}

/* Conditional rules sharing one action; the default decides the rest. */
static void add_same_action_rules(struct ir_random *random, struct oracle *oracle, int number)
{
	struct moat_action action = oracle_action(random);
	size_t rules = 1 + ir_random_below(random, 3);
	unsigned char claimed[6] = {0};

	for (size_t r = 0; r < rules; r++) {
		struct moat_conjunction conjunctions[2];
		size_t conjunction_count = 0, wanted = 1 + ir_random_below(random, 2);

		for (size_t c = 0; c < wanted; c++) {
			struct moat_comparison comparisons[3];
			struct scmp_arg_cmp libseccomp[3];
			unsigned first_arg = (unsigned)ir_random_below(random, 4);
			unsigned wanted_count = 1 + (unsigned)ir_random_below(random, 3), count = 0;

			for (unsigned k = 0; k < wanted_count; k++)
				count += oracle_comparison(random, number, first_arg + k, claimed,
				                           &comparisons[count], &libseccomp[count]);
			if (count == 0)
				continue;
			conjunctions[conjunction_count++] =
			        irb_all(oracle->builder, comparisons, count);
			add_libseccomp_rule(oracle, libseccomp_action(action), number, libseccomp,
			                    count);
		}
		if (conjunction_count)
			irb_rule(oracle->builder, number, action,
			         irb_any(oracle->builder, conjunctions, conjunction_count));
	}
}

/* `action if argN == V`, else the other action: libseccomp gets == and !=. */
static void add_complementary_rules(struct ir_random *random, struct oracle *oracle, int number)
{
	struct moat_action matched = oracle_action(random), otherwise = oracle_action(random);
	uint64_t value = ir_random_edge_value(random);
	unsigned arg = (unsigned)ir_random_below(random, 6);
	bool equal = ir_random_below(random, 2);
	struct scmp_arg_cmp yes = SCMP_CMP(arg, equal ? SCMP_CMP_EQ : SCMP_CMP_NE, value);
	struct scmp_arg_cmp no = SCMP_CMP(arg, equal ? SCMP_CMP_NE : SCMP_CMP_EQ, value);

	if (moat_syscall_argument_bits(number, arg) < 64) {
		irb_rule(oracle->builder, number, otherwise, NULL);
		add_libseccomp_rule(oracle, libseccomp_action(otherwise), number, NULL, 0);
		return;
	}
	irb_rule(oracle->builder, number, matched,
	         irb_when(oracle->builder,
	                  irb_compare(arg, equal ? MOAT_COMPARE_EQ : MOAT_COMPARE_NE, value)));
	irb_rule(oracle->builder, number, otherwise, NULL);
	add_libseccomp_rule(oracle, libseccomp_action(matched), number, &yes, 1);
	add_libseccomp_rule(oracle, libseccomp_action(otherwise), number, &no, 1);
}

static void build_oracle(struct ir_random *random, struct oracle *oracle, bool optimize)
{
	struct moat_action fallback = oracle_action(random);
	size_t count = 1 + ir_random_below(random, MAX_SYSCALLS);

	oracle->builder = irb_new(fallback);
	oracle->default_value = libseccomp_action(fallback);
	oracle->context = seccomp_init(oracle->default_value);
	oracle->count = 0;
	assert_non_null(oracle->context);
	assert_int_equal(
	        seccomp_attr_set(oracle->context, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS),
	        0);
	if (optimize)
		assert_int_equal(seccomp_attr_set(oracle->context, SCMP_FLTATR_CTL_OPTIMIZE, 2), 0);
	for (size_t i = 0; i < count; i++) {
		int number = fresh_syscall(random, oracle);

		oracle->numbers[oracle->count++] = number;
		switch (ir_random_below(random, 3)) {
		case 0: {
			struct moat_action action = oracle_action(random);

			irb_rule(oracle->builder, number, action, NULL);
			add_libseccomp_rule(oracle, libseccomp_action(action), number, NULL, 0);
			break;
		}
		case 1:
			add_same_action_rules(random, oracle, number);
			break;
		default:
			add_complementary_rules(random, oracle, number);
			break;
		}
	}
}

/* libseccomp's program, read back through a memfd. */
static size_t export_libseccomp(scmp_filter_ctx context, struct sock_filter *program,
                                size_t capacity)
{
	int fd = memfd_create("libseccomp", MFD_CLOEXEC);
	ssize_t size;

	assert_true(fd >= 0);
	LIBSECCOMP_BEGIN();
	assert_int_equal(seccomp_export_bpf(context, fd), 0);
	LIBSECCOMP_END();
	size = pread(fd, program, capacity * sizeof(*program), 0);
	close(fd);
	assert_true(size > 0 && (size_t)size < capacity * sizeof(*program));
	return (size_t)size / sizeof(*program);
}

struct programs {
	const struct moat_policy *policy;
	scmp_filter_ctx context; /* printed (as libseccomp's pseudo code) when they differ */
	const struct sock_filter *moat;
	size_t moat_length;
	const struct sock_filter *libseccomp;
	size_t libseccomp_length;
};

static void compare_call(const struct programs *p, uint32_t arch, int number,
                         const uint64_t args[6])
{
	struct seccomp_data data = {.nr = number, .arch = arch};
	uint32_t moat_value, libseccomp_value;

	memcpy(data.args, args, sizeof(data.args));
	assert_int_equal(moat_bpf_run(p->moat, p->moat_length, &data, &moat_value, NULL), 0);
	assert_int_equal(
	        moat_bpf_run(p->libseccomp, p->libseccomp_length, &data, &libseccomp_value, NULL),
	        0);
	if (moat_value != libseccomp_value) {
		struct moat_action reference = ir_eval(p->policy, number, args);

		seccomp_export_pfc(p->context, STDERR_FILENO);
		fprintf(stderr, "moat's rules:\n");
		ir_dump_rules(p->policy, number, stderr);
		fprintf(stderr, "the IR says %#x\n", moat_seccomp_return_value(&reference));
		fail_msg("syscall %d (%s) args %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %#" PRIx64
		         " %#" PRIx64 " %#" PRIx64 ": moat %#x, libseccomp %#x",
		         number, moat_syscall_name(number) ? moat_syscall_name(number) : "?",
		         args[0], args[1], args[2], args[3], args[4], args[5], moat_value,
		         libseccomp_value);
	}
}

/* Each argument in turn takes every edge value (and its upper-half variants). */
static void sweep(struct ir_random *random, const struct programs *p,
                  const struct moat_policy *policy, int number)
{
	size_t edge_count;
	const uint64_t *edges = ir_edge_values(&edge_count);
	uint64_t args[6];

	for (unsigned arg = 0; arg < 6; arg++)
		args[arg] = ir_random_argument(random, policy, number, arg);
	for (unsigned arg = 0; arg < 6; arg++) {
		uint64_t saved = args[arg];

		for (size_t e = 0; e < edge_count; e++) {
			args[arg] = edges[e];
			compare_call(p, AUDIT_ARCH_X86_64, number, args);
			args[arg] = (edges[e] & 0xffffffff) | (saved << 32);
			compare_call(p, AUDIT_ARCH_X86_64, number, args);
		}
		for (int k = 0; k < 8; k++) {
			args[arg] = ir_random_argument(random, policy, number, arg);
			compare_call(p, AUDIT_ARCH_X86_64, number, args);
		}
		args[arg] = saved;
	}
	compare_call(p, AUDIT_ARCH_I386, number, args);
}

static void differential(bool optimize)
{
	static const int other_numbers[] = {
	        0,   1,    59,         231,        334,        335,        387,
	        450, 1000, 0x3fffffff, 0x40000000, 0x40000027, 0x7fffffff, (int)0x80000000,
	        -2,  -1};
	static struct sock_filter libseccomp_code[8192];
	struct ir_random random;

	ir_random_seed(&random, optimize ? 0x6f7074 : 0x6c6962);
	for (int i = 0; i < POLICIES; i++) {
		struct oracle oracle;
		struct moat_policy *policy;
		struct moat_error error = {0};
		moat_filter *filter = NULL;
		struct programs p;

		build_oracle(&random, &oracle, optimize);
		policy = irb_finish(oracle.builder);
		if (moat_filter_compile(&filter, policy, &error) < 0)
			fail_msg("moat: %s", error.message);
		p.policy = policy;
		p.context = oracle.context;
		p.moat = moat_filter_instructions(filter);
		p.moat_length = moat_filter_length(filter);
		p.libseccomp = libseccomp_code;
		p.libseccomp_length = export_libseccomp(oracle.context, libseccomp_code,
		                                        ARRAY_SIZE(libseccomp_code));
		/* moat's checker accepts the program libseccomp generated. */
		assert_int_equal(moat_bpf_check(p.libseccomp, p.libseccomp_length), 0);
		for (size_t s = 0; s < oracle.count; s++)
			sweep(&random, &p, policy, oracle.numbers[s]);
		for (size_t s = 0; s < ARRAY_SIZE(other_numbers); s++)
			sweep(&random, &p, policy, other_numbers[s]);
		seccomp_release(oracle.context);
		moat_filter_free(filter);
		irb_free(policy);
	}
}

static void test_same_actions_as_libseccomp(void **state)
{
	(void)state;
	differential(false);
}

static void test_same_actions_as_libseccomp_binary_tree(void **state)
{
	(void)state;
	differential(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_same_actions_as_libseccomp),
	        cmocka_unit_test(test_same_actions_as_libseccomp_binary_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
