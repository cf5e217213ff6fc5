// SPDX-License-Identifier: MIT
/*
 * The seccomp code generator on hand-built policies: the shape of the
 * program (architecture check, x32, binary search, constant paths the
 * kernel's action cache can use), first-match chains, the 32-bit rule,
 * jumps beyond 255 instructions, the instruction limit and located errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "ir_builder.h"
#include "ir_eval.h"
#include "moat.h"
#include "seccomp/filter.h"
#include "seccomp/interpreter.h"
#include "syscalls/syscalls.h"

#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))

static moat_filter *compile(struct moat_policy *policy)
{
	struct moat_error error = {0};
	moat_filter *filter = NULL;

	if (moat_filter_compile(&filter, policy, &error) < 0)
		fail_msg("compile failed: %s:%u:%u: %s", error.file, error.line, error.column,
		         error.message);
	assert_int_equal(
	        moat_bpf_check(moat_filter_instructions(filter), moat_filter_length(filter)), 0);
	return filter;
}

static struct moat_action eval(const moat_filter *filter, int number, const uint64_t args[6])
{
	struct moat_action action;

	assert_int_equal(moat_filter_eval(filter, number, args, &action), 0);
	return action;
}

static void assert_action(struct moat_action got, struct moat_action expected)
{
	if (!ir_same_action(got, expected))
		fail_msg("action %d/%d, expected %d/%d", got.kind, got.errno_value, expected.kind,
		         expected.errno_value);
}

static uint32_t run_raw(const moat_filter *filter, uint32_t arch, uint32_t nr,
                        const uint64_t args[6], size_t *executed)
{
	struct seccomp_data data = {.nr = (int)nr, .arch = arch};
	const struct sock_filter *code = moat_filter_instructions(filter);
	uint32_t value;

	if (args)
		memcpy(data.args, args, sizeof(data.args));
	assert_int_equal(moat_bpf_run(code, moat_filter_length(filter), &data, &value, executed),
	                 0);
	return value;
}

/*
 * Follows the program as the kernel's action cache does (5.11+): only the
 * architecture and the syscall number are known. Returns true with the
 * value when a `ret` is reached without any other load.
 */
static bool constant_path(const moat_filter *filter, uint32_t nr, uint32_t *value)
{
	const struct sock_filter *code = moat_filter_instructions(filter);
	uint32_t a = 0;

	for (size_t pc = 0; pc < moat_filter_length(filter); pc++) {
		const struct sock_filter *insn = &code[pc];
		bool taken;

		switch (insn->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (insn->k == offsetof(struct seccomp_data, nr))
				a = nr;
			else if (insn->k == offsetof(struct seccomp_data, arch))
				a = moat_native_audit_arch();
			else
				return false;
			break;
		case BPF_RET | BPF_K:
			*value = insn->k;
			return true;
		case BPF_JMP | BPF_JA:
			pc += insn->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			taken = BPF_OP(insn->code) == BPF_JEQ   ? a == insn->k
			        : BPF_OP(insn->code) == BPF_JGE ? a >= insn->k
			        : BPF_OP(insn->code) == BPF_JGT ? a > insn->k
			                                        : (a & insn->k) != 0;
			pc += taken ? insn->jt : insn->jf;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= insn->k;
			break;
		default:
			return false;
		}
	}
	return false;
}

static void test_architecture_check_comes_first(void **state)
{
	struct irb *builder = irb_new(IRB_ALLOW);
	struct moat_policy *policy;
	moat_filter *filter;
	const struct sock_filter *code;

	(void)state;
	irb_rule(builder, SYS_ptrace, IRB_KILL, NULL);
	policy = irb_finish(builder);
	filter = compile(policy);
	code = moat_filter_instructions(filter);
	assert_int_equal(code[0].code, BPF_LD | BPF_W | BPF_ABS);
	assert_int_equal(code[0].k, offsetof(struct seccomp_data, arch));
	assert_int_equal(code[1].code, BPF_JMP | BPF_JEQ | BPF_K);
	assert_int_equal(code[1].k, AUDIT_ARCH_X86_64);
	/* i386 (int 0x80), whatever the number, and any unknown architecture die. */
	for (uint32_t nr = 0; nr < 400; nr += 7) {
		assert_int_equal(run_raw(filter, AUDIT_ARCH_I386, nr, NULL, NULL),
		                 SECCOMP_RET_KILL_PROCESS);
		assert_int_equal(run_raw(filter, 0x12345678, nr, NULL, NULL),
		                 SECCOMP_RET_KILL_PROCESS);
	}
	assert_int_equal(run_raw(filter, AUDIT_ARCH_X86_64, SYS_getpid, NULL, NULL),
	                 SECCOMP_RET_ALLOW);
	moat_filter_free(filter);
	irb_free(policy);
}

static void test_x32_numbers_are_refused(void **state)
{
	static const uint32_t x32[] = {0x40000000,       0x40000000 | SYS_getpid,
	                               0x40000000 | 547, 0x7fffffff,
	                               0x80000000,       0xfffffffe};
	struct moat_policy *policy = irb_finish(irb_new(IRB_ERRNO(EPERM)));
	moat_filter *filter = compile(policy);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(x32); i++)
		assert_int_equal(run_raw(filter, AUDIT_ARCH_X86_64, x32[i], NULL, NULL),
		                 SECCOMP_RET_KILL_PROCESS);
	/* -1 is no syscall at all (a tracer skipping one): the default decides. */
	assert_action(eval(filter, -1, NULL), IRB_ERRNO(EPERM));
	assert_action(eval(filter, 0x3fffffff, NULL), IRB_ERRNO(EPERM));
	moat_filter_free(filter);
	irb_free(policy);
}

static void test_first_match_order(void **state)
{
	struct irb *builder = irb_new(IRB_KILL);
	struct moat_policy *policy;
	moat_filter *filter;
	uint64_t args[6] = {0};

	(void)state;
	irb_rule(builder, SYS_socket, IRB_ALLOW,
	         irb_when(builder, irb_compare(0, MOAT_COMPARE_EQ, 1)));
	irb_rule(builder, SYS_socket, IRB_ERRNO(EACCES),
	         irb_when(builder, irb_compare(0, MOAT_COMPARE_LT, 5)));
	irb_rule(builder, SYS_socket, IRB_TRAP, NULL);
	policy = irb_finish(builder);
	filter = compile(policy);
	args[0] = 1;
	assert_action(eval(filter, SYS_socket, args), IRB_ALLOW);
	args[0] = 2;
	assert_action(eval(filter, SYS_socket, args), IRB_ERRNO(EACCES));
	args[0] = 0;
	assert_action(eval(filter, SYS_socket, args), IRB_ERRNO(EACCES));
	args[0] = 7;
	assert_action(eval(filter, SYS_socket, args), IRB_TRAP);
	assert_action(eval(filter, SYS_bind, args), IRB_KILL);
	moat_filter_free(filter);
	irb_free(policy);
}

static void test_disjunction_of_conjunctions(void **state)
{
	struct irb *builder = irb_new(IRB_ERRNO(EPERM));
	struct moat_comparison inet[] = {irb_compare(0, MOAT_COMPARE_EQ, AF_INET),
	                                 irb_masked(1, 0xf, MOAT_COMPARE_EQ, SOCK_STREAM)};
	struct moat_conjunction conjunctions[2];
	struct moat_policy *policy;
	moat_filter *filter;
	uint64_t args[6] = {0};

	(void)state;
	conjunctions[0] = irb_all(
	        builder, (struct moat_comparison[]){irb_compare(0, MOAT_COMPARE_EQ, AF_UNIX)}, 1);
	conjunctions[1] = irb_all(builder, inet, 2);
	irb_rule(builder, SYS_socket, IRB_ALLOW, irb_any(builder, conjunctions, 2));
	policy = irb_finish(builder);
	filter = compile(policy);
	args[0] = AF_UNIX;
	args[1] = SOCK_DGRAM;
	assert_action(eval(filter, SYS_socket, args), IRB_ALLOW);
	args[0] = AF_INET;
	assert_action(eval(filter, SYS_socket, args), IRB_ERRNO(EPERM));
	args[1] = SOCK_STREAM | SOCK_CLOEXEC;
	assert_action(eval(filter, SYS_socket, args), IRB_ALLOW);
	args[0] = AF_INET6;
	assert_action(eval(filter, SYS_socket, args), IRB_ERRNO(EPERM));
	moat_filter_free(filter);
	irb_free(policy);
}

/* The kernel reads socket's domain as an int: the upper half cannot dodge a rule. */
static void test_32_bit_arguments_ignore_the_upper_half(void **state)
{
	struct irb *builder = irb_new(IRB_ALLOW);
	struct moat_policy *policy;
	moat_filter *filter;
	uint64_t args[6] = {0};

	(void)state;
	assert_int_equal(moat_syscall_argument_bits(SYS_socket, 0), 32);
	assert_int_equal(moat_syscall_argument_bits(SYS_mmap, 0), 64);
	irb_rule(builder, SYS_socket, IRB_ERRNO(EPERM),
	         irb_when(builder, irb_compare(0, MOAT_COMPARE_EQ, AF_UNIX)));
	irb_rule(builder, SYS_socket, IRB_ERRNO(EACCES),
	         irb_when(builder, irb_compare(0, MOAT_COMPARE_GE, AF_INET6)));
	irb_rule(builder, SYS_mmap, IRB_ERRNO(EPERM),
	         irb_when(builder, irb_compare(0, MOAT_COMPARE_EQ, 0)));
	irb_rule(builder, SYS_openat, IRB_ERRNO(EXDEV),
	         irb_when(builder, irb_compare(0, MOAT_COMPARE_EQ, (uint64_t)(int64_t)AT_FDCWD)));
	policy = irb_finish(builder);
	filter = compile(policy);

	args[0] = UINT64_C(0x100000000) | AF_UNIX;
	assert_action(eval(filter, SYS_socket, args), IRB_ERRNO(EPERM));
	args[0] = UINT64_C(0xffffffff00000000) | AF_UNIX;
	assert_action(eval(filter, SYS_socket, args), IRB_ERRNO(EPERM));
	/* 0x1_0000_0002 is AF_INET to the kernel: not >= AF_INET6 */
	args[0] = UINT64_C(0x100000000) | AF_INET;
	assert_action(eval(filter, SYS_socket, args), IRB_ALLOW);
	/* mmap's address is 64 bits wide: there the upper half counts. */
	args[0] = UINT64_C(0x100000000);
	assert_action(eval(filter, SYS_mmap, args), IRB_ALLOW);
	args[0] = 0;
	assert_action(eval(filter, SYS_mmap, args), IRB_ERRNO(EPERM));
	/* AT_FDCWD narrows to the int the kernel sees, however the caller extended it. */
	args[0] = (uint32_t)AT_FDCWD;
	assert_action(eval(filter, SYS_openat, args), IRB_ERRNO(EXDEV));
	args[0] = (uint64_t)(int64_t)AT_FDCWD;
	assert_action(eval(filter, SYS_openat, args), IRB_ERRNO(EXDEV));
	args[0] = 3;
	assert_action(eval(filter, SYS_openat, args), IRB_ALLOW);
	moat_filter_free(filter);
	irb_free(policy);
}

static void test_16_bit_arguments(void **state)
{
	struct irb *builder = irb_new(IRB_ALLOW);
	struct moat_policy *policy;
	moat_filter *filter;
	uint64_t args[6] = {0};

	(void)state;
	assert_int_equal(moat_syscall_argument_bits(SYS_fchmod, 1), 16);
	irb_rule(builder, SYS_fchmod, IRB_ERRNO(EPERM),
	         irb_when(builder, irb_masked(1, 04000, MOAT_COMPARE_NE, 0)));
	policy = irb_finish(builder);
	filter = compile(policy);
	args[1] = 04755;
	assert_action(eval(filter, SYS_fchmod, args), IRB_ERRNO(EPERM));
	args[1] = 0755 | 0x10000;
	assert_action(eval(filter, SYS_fchmod, args), IRB_ALLOW);
	args[1] = 04000 | UINT64_C(0xffffffff00000000);
	assert_action(eval(filter, SYS_fchmod, args), IRB_ERRNO(EPERM));
	moat_filter_free(filter);
	irb_free(policy);
}

/* Every syscall whose outcome does not depend on its arguments has a constant path. */
static void test_constant_outcomes_load_no_argument(void **state)
{
	struct irb *builder = irb_new(IRB_ERRNO(EPERM));
	struct moat_policy *policy;
	moat_filter *filter;
	uint32_t value;

	(void)state;
	irb_rule(builder, SYS_read, IRB_ALLOW, NULL);
	irb_rule(builder, SYS_write, IRB_ALLOW, NULL);
	irb_rule(builder, SYS_getppid, IRB_ALLOW, NULL);
	/* Rules that cannot change the outcome fold away... */
	irb_rule(builder, SYS_close, IRB_ALLOW,
	         irb_when(builder, irb_compare(0, MOAT_COMPARE_EQ, 0)));
	irb_rule(builder, SYS_close, IRB_ALLOW, NULL);
	irb_rule(builder, SYS_fchmod, IRB_KILL,
	         irb_when(builder, irb_masked(1, UINT64_C(0xffff0000), MOAT_COMPARE_NE, 0)));
	irb_rule(builder, SYS_dup, IRB_ALLOW,
	         irb_when(builder, irb_compare(0, MOAT_COMPARE_GE, 0)));
	/* ...while this one needs its argument. */
	irb_rule(builder, SYS_socket, IRB_ALLOW,
	         irb_when(builder, irb_compare(0, MOAT_COMPARE_EQ, AF_UNIX)));
	policy = irb_finish(builder);
	filter = compile(policy);

	for (int nr = 0; nr < 470; nr++) {
		if (nr == SYS_socket) {
			assert_false(constant_path(filter, (uint32_t)nr, &value));
			continue;
		}
		assert_true(constant_path(filter, (uint32_t)nr, &value));
		if (nr == SYS_read || nr == SYS_write || nr == SYS_getppid || nr == SYS_close ||
		    nr == SYS_dup)
			assert_int_equal(value,
			                 SECCOMP_RET_ALLOW); /* exactly: the cache wants it */
		else
			assert_int_equal(value, SECCOMP_RET_ERRNO | EPERM);
	}
	moat_filter_free(filter);
	irb_free(policy);
}

static int compare_ints(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The path length for every syscall number the kernel knows. */
static void path_lengths(const moat_filter *filter, size_t *worst, size_t *median)
{
	size_t lengths[600], count = 0;
	int sorted[600];

	for (int nr = moat_syscall_next(-1); nr >= 0 && count < 600; nr = moat_syscall_next(nr)) {
		size_t executed;

		run_raw(filter, AUDIT_ARCH_X86_64, (uint32_t)nr, NULL, &executed);
		lengths[count++] = executed;
	}
	*worst = 0;
	for (size_t i = 0; i < count; i++) {
		sorted[i] = (int)lengths[i];
		if (lengths[i] > *worst)
			*worst = lengths[i];
	}
	qsort(sorted, count, sizeof(int), compare_ints);
	*median = (size_t)sorted[count / 2];
}

static void test_search_is_logarithmic(void **state)
{
	struct irb *builder = irb_new(IRB_ERRNO(EPERM));
	struct moat_policy *policy;
	moat_filter *filter;
	size_t worst, median, rules = 0;

	(void)state;
	/* 300 syscalls, seven of every eight: few ranges to merge. */
	for (int nr = moat_syscall_next(-1); nr >= 0 && rules < 300; nr = moat_syscall_next(nr)) {
		if (nr % 8 != 0) {
			irb_rule(builder, nr, IRB_ALLOW, NULL);
			rules++;
		}
	}
	assert_int_equal(rules, 300);
	policy = irb_finish(builder);
	filter = compile(policy);
	path_lengths(filter, &worst, &median);
	assert_true(worst <= 24);
	assert_true(median <= worst);
	moat_filter_free(filter);
	irb_free(policy);
}

static void test_adjacent_numbers_merge_into_ranges(void **state)
{
	struct irb *builder = irb_new(IRB_KILL);
	struct moat_policy *policy;
	moat_filter *filter;
	size_t worst, median;

	(void)state;
	for (int nr = 0; nr < 300; nr++)
		irb_rule(builder, nr, IRB_ALLOW, NULL);
	policy = irb_finish(builder);
	filter = compile(policy);
	/* allow 0..299, kill the rest (x32 included), default for -1: three ranges. */
	assert_true(moat_filter_length(filter) <= 10);
	path_lengths(filter, &worst, &median);
	assert_true(worst <= 7);
	moat_filter_free(filter);
	irb_free(policy);
}

/* The most ranges any set of native syscalls can make: every number its own outcome. */
static void test_largest_search_fits(void **state)
{
	struct irb *builder = irb_new(IRB_ALLOW);
	struct moat_policy *policy;
	moat_filter *filter;
	size_t worst, median;

	(void)state;
	for (int nr = 0; nr <= 500; nr++)
		irb_rule(builder, nr, IRB_ERRNO(1 + nr), NULL);
	policy = irb_finish(builder);
	filter = compile(policy);
	assert_true(moat_filter_length(filter) < 2000);
	path_lengths(filter, &worst, &median);
	/* 504 ranges: 9 levels of search, plus the header, a bridge or two and the ret */
	assert_true(worst <= 16);
	for (int nr = 0; nr <= 500; nr++)
		assert_action(eval(filter, nr, NULL), IRB_ERRNO(1 + nr));
	moat_filter_free(filter);
	irb_free(policy);
}

/* A set so large that its jumps to the rule's `ret` go beyond 255 instructions. */
static void test_jumps_beyond_255_instructions(void **state)
{
	struct irb *builder = irb_new(IRB_ERRNO(EPERM));
	uint64_t values[700], small[20], args[6] = {0};
	struct moat_policy *policy;
	moat_filter *filter;
	const struct sock_filter *code;
	size_t bridges = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(values); i++)
		values[i] = UINT64_C(0x100000000) * (i % 3) + 7 * i;
	for (size_t i = 0; i < ARRAY_SIZE(small); i++)
		small[i] = 3 * i;
	irb_rule(builder, SYS_prctl, IRB_ALLOW,
	         irb_when(builder, irb_in(builder, 1, UINT64_MAX, values, ARRAY_SIZE(values))));
	irb_rule(builder, SYS_prctl, IRB_ERRNO(EINVAL), NULL);
	for (int nr = 0; nr < 40; nr++) {
		if (nr != SYS_prctl)
			irb_rule(builder, nr, IRB_ALLOW,
			         irb_when(builder, irb_in(builder, 0, UINT64_MAX, small, 20)));
	}
	policy = irb_finish(builder);
	filter = compile(policy);
	assert_true(moat_filter_length(filter) > 1000);
	code = moat_filter_instructions(filter);
	for (size_t at = 0; at < moat_filter_length(filter); at++)
		bridges += code[at].code == (BPF_JMP | BPF_JA);
	assert_true(bridges > 0);
	/* prctl's arg1 is an unsigned long: all 64 bits count. */
	assert_int_equal(moat_syscall_argument_bits(SYS_prctl, 1), 64);
	for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
		args[1] = values[i];
		assert_action(eval(filter, SYS_prctl, args), IRB_ALLOW);
		args[1] = values[i] + 1;
		assert_action(eval(filter, SYS_prctl, args), ir_eval(policy, SYS_prctl, args));
	}
	for (int nr = 0; nr < 40; nr++) {
		args[0] = small[19];
		assert_action(eval(filter, nr, args),
		              nr == SYS_prctl ? IRB_ERRNO(EINVAL) : IRB_ALLOW);
		args[0] = small[19] + 1;
		assert_action(eval(filter, nr, args), IRB_ERRNO(nr == SYS_prctl ? EINVAL : EPERM));
	}
	moat_filter_free(filter);
	irb_free(policy);
}

static void test_too_many_instructions_is_a_located_error(void **state)
{
	struct irb *builder = irb_new(IRB_ERRNO(EPERM));
	struct moat_policy *policy;
	struct moat_error error = {0};
	moat_filter *filter = (moat_filter *)&error;
	uint64_t values[1500];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(values); i++)
		values[i] = i;
	irb_rule(builder, SYS_ioctl, IRB_ALLOW,
	         irb_when(builder, irb_in(builder, 1, UINT64_MAX, values, 1500)));
	irb_rule(builder, SYS_fcntl, IRB_ALLOW,
	         irb_when(builder, irb_in(builder, 1, UINT64_MAX, values, 1500)));
	irb_rule(builder, SYS_prctl, IRB_ALLOW,
	         irb_when(builder, irb_in(builder, 0, UINT64_MAX, values, 1500)));
	policy = irb_finish(builder);
	assert_int_equal(moat_filter_compile(&filter, policy, &error), -E2BIG);
	assert_null(filter);
	assert_int_equal(error.code, -E2BIG);
	assert_string_equal(error.file, "test.policy");
	assert_int_equal(error.line, 1);
	assert_non_null(strstr(error.message, "4096"));
	/* Chains compile from the highest number down: prctl alone fits, fcntl does not. */
	assert_non_null(strstr(error.message, "fcntl"));
	irb_free(policy);
}

static void test_value_wider_than_the_argument_is_a_located_error(void **state)
{
	struct irb *builder = irb_new(IRB_ALLOW);
	struct moat_comparison wide = irb_compare(0, MOAT_COMPARE_EQ, UINT64_C(0x100000002));
	struct moat_policy *policy;
	struct moat_error error = {0};
	moat_filter *filter = NULL;

	(void)state;
	wide.location = (struct moat_location){"wide.policy", 7, 23};
	irb_rule(builder, SYS_socket, IRB_ERRNO(EPERM), irb_when(builder, wide));
	policy = irb_finish(builder);
	assert_int_equal(moat_filter_compile(&filter, policy, &error), -EINVAL);
	assert_null(filter);
	assert_string_equal(error.file, "wide.policy");
	assert_int_equal(error.line, 7);
	assert_int_equal(error.column, 23);
	assert_non_null(strstr(error.message, "0x100000002"));
	assert_non_null(strstr(error.message, "32-bit"));
	irb_free(policy);
}

static void test_errno_out_of_range_is_an_error(void **state)
{
	struct irb *builder = irb_new(IRB_ERRNO(4096));
	struct moat_policy *policy = irb_finish(builder);
	struct moat_error error = {0};
	moat_filter *filter = NULL;

	(void)state;
	assert_int_equal(moat_filter_compile(&filter, policy, &error), -EINVAL);
	assert_non_null(strstr(error.message, "4096"));
	irb_free(policy);
}

static void test_every_action(void **state)
{
	static const struct moat_action actions[] = {
	        IRB_ALLOW, IRB_KILL,   IRB_KILL_THREAD, IRB_TRAP,
	        IRB_LOG,   IRB_NOTIFY, IRB_ERRNO(0),    IRB_ERRNO(4095),
	};
	struct irb *builder = irb_new(IRB_ERRNO(EPERM));
	struct moat_policy *policy;
	moat_filter *filter;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		irb_rule(builder, (int)(10 * i), actions[i], NULL);
	policy = irb_finish(builder);
	filter = compile(policy);
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		assert_action(eval(filter, (int)(10 * i), NULL), actions[i]);
	assert_int_equal(filter->wants_listener, 1);
	moat_filter_free(filter);
	irb_free(policy);
}

static void test_policy_without_syscalls_section(void **state)
{
	struct moat_policy *policy = calloc(1, sizeof(*policy));
	moat_filter *filter = NULL;
	char *listing = NULL;

	(void)state;
	assert_int_equal(moat_filter_compile(&filter, policy, NULL), 0);
	assert_int_equal(moat_filter_length(filter), 0);
	assert_int_equal(filter->wants_listener, 0);
	assert_action(eval(filter, SYS_ptrace, NULL), IRB_ALLOW);
	assert_int_equal(moat_filter_listing(filter, &listing), 0);
	assert_non_null(strstr(listing, "no [syscalls] section"));
	free(listing);
	moat_filter_free(filter);
	free(policy);
}

/* The filter keeps nothing of the policy: it works after the policy is gone. */
static void test_filter_outlives_policy(void **state)
{
	struct irb *builder = irb_new(IRB_KILL);
	char *file = strdup("gone.policy");
	struct moat_policy *policy;
	moat_filter *filter;
	char *listing = NULL;
	uint64_t args[6] = {0};

	(void)state;
	irb_rule_at(builder, SYS_openat, IRB_ALLOW,
	            irb_when(builder, irb_compare(2, MOAT_COMPARE_EQ, 0)),
	            (struct moat_location){file, 3, 1});
	policy = irb_finish(builder);
	filter = compile(policy);
	irb_free(policy);
	free(file);
	assert_action(eval(filter, SYS_openat, args), IRB_ALLOW);
	assert_int_equal(moat_filter_listing(filter, &listing), 0);
	assert_non_null(strstr(listing, "rule at gone.policy:3:1"));
	free(listing);
	moat_filter_free(filter);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_architecture_check_comes_first),
	        cmocka_unit_test(test_x32_numbers_are_refused),
	        cmocka_unit_test(test_first_match_order),
	        cmocka_unit_test(test_disjunction_of_conjunctions),
	        cmocka_unit_test(test_32_bit_arguments_ignore_the_upper_half),
	        cmocka_unit_test(test_16_bit_arguments),
	        cmocka_unit_test(test_constant_outcomes_load_no_argument),
	        cmocka_unit_test(test_search_is_logarithmic),
	        cmocka_unit_test(test_adjacent_numbers_merge_into_ranges),
	        cmocka_unit_test(test_largest_search_fits),
	        cmocka_unit_test(test_jumps_beyond_255_instructions),
	        cmocka_unit_test(test_too_many_instructions_is_a_located_error),
	        cmocka_unit_test(test_value_wider_than_the_argument_is_a_located_error),
	        cmocka_unit_test(test_errno_out_of_range_is_an_error),
	        cmocka_unit_test(test_every_action),
	        cmocka_unit_test(test_policy_without_syscalls_section),
	        cmocka_unit_test(test_filter_outlives_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
