// SPDX-License-Identifier: MIT
/*
 * The userspace BPF interpreter: every instruction seccomp accepts, checked
 * against the kernel. Each program below is installed in a forked child; the
 * kernel must accept exactly the programs moat_bpf_check() accepts, and for
 * programs that compute a value from the call (returned as an errno of
 * getppid) the child must see the value the interpreter computed. Where no
 * filter can be installed (qemu-user), the comparisons with the kernel say
 * so and skip; the interpreter's own checks still run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>

#include "filter_child.h"
#include "seccomp/filter.h"
#include "seccomp/interpreter.h"

#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))
#define NR                offsetof(struct seccomp_data, nr)
#define ARCH              offsetof(struct seccomp_data, arch)
#define ARG_LOW(n)        (offsetof(struct seccomp_data, args) + 8 * (n))
#define ARG_HIGH(n)       (ARG_LOW(n) + 4)

/*
 * Programs that leave every syscall but getppid alone, and make getppid
 * fail with errno (A & 0xfff) for the A their body computes.
 */
#define PROLOGUE                                                                                   \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR),                                                    \
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 1, 0),                            \
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define EPILOGUE                                                                                   \
	BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xfff), BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 0x50000),   \
	        BPF_STMT(BPF_RET | BPF_A, 0)

struct program {
	const char *name;
	struct sock_filter code[24];
	size_t length; /* 0: up to the first all-zero instruction after the first */
	int valid;
};

static const struct program programs[] = {
        {"alu with constants",
         {PROLOGUE, BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LOW(0)),
          BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 3), BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 5),
          BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, 1), BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 2),
          BPF_STMT(BPF_ALU | BPF_XOR | BPF_K, 0x55), BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 2),
          BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 1), EPILOGUE},
         0,
         1},
        {"alu with x",
         {PROLOGUE, BPF_STMT(BPF_LDX | BPF_W | BPF_IMM, 7),
          BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LOW(1)), BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
          BPF_STMT(BPF_ALU | BPF_MUL | BPF_X, 0), BPF_STMT(BPF_ALU | BPF_SUB | BPF_X, 0),
          BPF_STMT(BPF_ALU | BPF_OR | BPF_X, 0), BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
          BPF_STMT(BPF_ALU | BPF_LSH | BPF_X, 0), BPF_STMT(BPF_ALU | BPF_RSH | BPF_X, 0),
          BPF_STMT(BPF_ALU | BPF_AND | BPF_X, 0), BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
          BPF_STMT(BPF_ALU | BPF_NEG, 0), EPILOGUE},
         0,
         1},
        {"shift by x wraps at 32",
         {PROLOGUE, BPF_STMT(BPF_LDX | BPF_W | BPF_IMM, 52),
          BPF_STMT(BPF_LD | BPF_W | BPF_IMM, 0xabc00000), BPF_STMT(BPF_ALU | BPF_RSH | BPF_X, 0),
          BPF_STMT(BPF_LDX | BPF_W | BPF_IMM, 35), BPF_STMT(BPF_ALU | BPF_LSH | BPF_X, 0),
          BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 3), EPILOGUE},
         0,
         1},
        {"division by a zero x returns 0 (kill thread)",
         {PROLOGUE, BPF_STMT(BPF_LDX | BPF_W | BPF_IMM, 0), BPF_STMT(BPF_LD | BPF_W | BPF_IMM, 5),
          BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0), EPILOGUE},
         0,
         1},
        {"scratch memory, tax, txa, len",
         {PROLOGUE, BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_HIGH(2)), BPF_STMT(BPF_ST, 3),
          BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), BPF_STMT(BPF_MISC | BPF_TAX, 0),
          BPF_STMT(BPF_STX, 15), BPF_STMT(BPF_LD | BPF_MEM, 3), BPF_STMT(BPF_LDX | BPF_MEM, 15),
          BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0), BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0),
          BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0), BPF_STMT(BPF_MISC | BPF_TXA, 0),
          BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1), EPILOGUE},
         0,
         1},
        {"jumps with k and x",
         {PROLOGUE, BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LOW(0)),
          BPF_STMT(BPF_LDX | BPF_W | BPF_IMM, 10), BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 2),
          BPF_STMT(BPF_LD | BPF_W | BPF_IMM, 100), BPF_JUMP(BPF_JMP | BPF_JA, 6, 0, 0),
          BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 2), BPF_STMT(BPF_LD | BPF_W | BPF_IMM, 201),
          BPF_JUMP(BPF_JMP | BPF_JA, 3, 0, 0), BPF_JUMP(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 1),
          BPF_STMT(BPF_LD | BPF_W | BPF_IMM, 300), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 1, 0),
          EPILOGUE},
         0,
         1},
        {"jset with x",
         {PROLOGUE, BPF_STMT(BPF_LDX | BPF_W | BPF_IMM, 6),
          BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LOW(0)),
          BPF_JUMP(BPF_JMP | BPF_JSET | BPF_X, 0, 1, 0), BPF_STMT(BPF_LD | BPF_W | BPF_IMM, 400),
          EPILOGUE},
         0,
         1},
        {"arch and nr",
         {PROLOGUE, BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARCH),
          BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 9), EPILOGUE},
         0,
         1},
        /* Programs the kernel refuses. */
        {"empty", {{0}}, 0, 0},
        {"misaligned load",
         {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2), BPF_STMT(BPF_RET | BPF_A, 0)},
         2,
         0},
        {"load beyond seccomp_data",
         {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), BPF_STMT(BPF_RET | BPF_A, 0)},
         2,
         0},
        {"byte load", {BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), BPF_STMT(BPF_RET | BPF_A, 0)}, 2, 0},
        {"indirect load",
         {BPF_STMT(BPF_LD | BPF_W | BPF_IND, 0), BPF_STMT(BPF_RET | BPF_A, 0)},
         2,
         0},
        {"modulo (not in seccomp's list)",
         {BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 3), BPF_STMT(BPF_RET | BPF_A, 0)},
         2,
         0},
        {"division by a zero constant",
         {BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), BPF_STMT(BPF_RET | BPF_A, 0)},
         2,
         0},
        {"shift by 32",
         {BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32), BPF_STMT(BPF_RET | BPF_A, 0)},
         2,
         0},
        {"memory read before write",
         {BPF_STMT(BPF_LD | BPF_MEM, 1), BPF_STMT(BPF_RET | BPF_A, 0)},
         2,
         0},
        {"memory written on one path only",
         {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
          BPF_STMT(BPF_ST, 2), BPF_STMT(BPF_LD | BPF_MEM, 2), BPF_STMT(BPF_RET | BPF_A, 0)},
         5,
         0},
        {"memory slot 16", {BPF_STMT(BPF_ST, 16), BPF_STMT(BPF_RET | BPF_A, 0)}, 2, 0},
        {"jump past the end",
         {BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), BPF_STMT(BPF_RET | BPF_A, 0)},
         2,
         0},
        {"ja past the end",
         {BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0), BPF_STMT(BPF_RET | BPF_A, 0)},
         2,
         0},
        {"no ret at the end", {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR)}, 1, 0},
};

static size_t program_length(const struct program *program)
{
	size_t length = program->length;

	if (length || !program->valid)
		return length;
	length = 1;
	while (length < ARRAY_SIZE(program->code) &&
	       (program->code[length].code || program->code[length].k))
		length++;
	return length;
}

/*
 * 0 when a forked child can install a seccomp filter (one that allows
 * everything), else the errno that refused it. qemu-user refuses (ENOSYS):
 * it cannot apply a filter for the emulated architecture to itself.
 */
static int filters_refused(void)
{
	static struct sock_filter allow[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
	struct sock_fprog fprog = {ARRAY_SIZE(allow), allow};
	struct filter_child_outcome outcome;
	uint64_t args[6] = {0};

	assert_int_equal(filter_child_syscall(filter_child_install_program, &fprog, SYS_getpid,
	                                      args, &outcome),
	                 0);
	if (outcome.kind == FILTER_CHILD_REFUSED)
		return outcome.error;
	assert_int_equal(outcome.kind, FILTER_CHILD_RETURNED);
	return 0;
}

static void skip_without_filters(int refused)
{
	print_message("SKIP: no seccomp filter can be installed here (%s; qemu-user?): "
	              "nothing compared with the kernel\n",
	              strerror(refused));
	skip();
}

static void test_check_agrees_with_the_kernel(void **state)
{
	int refused = filters_refused();

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(programs); i++) {
		const struct program *p = &programs[i];
		struct sock_fprog fprog = {(unsigned short)program_length(p),
		                           (struct sock_filter *)p->code};
		struct filter_child_outcome outcome;
		uint64_t args[6] = {0};
		int checked = moat_bpf_check(p->code, program_length(p));

		if ((checked == 0) != p->valid)
			fail_msg("%s: moat_bpf_check() says %d", p->name, checked);
		if (refused)
			continue; /* what the kernel says cannot be asked here */
		assert_int_equal(filter_child_syscall(filter_child_install_program, &fprog,
		                                      SYS_getpid, args, &outcome),
		                 0);
		if ((outcome.kind != FILTER_CHILD_REFUSED) != p->valid)
			fail_msg("%s: the kernel %s it", p->name,
			         outcome.kind == FILTER_CHILD_REFUSED ? "refused" : "accepted");
		if (!p->valid)
			assert_int_equal(outcome.error, EINVAL);
	}
	if (refused)
		skip_without_filters(refused);
}

static void test_too_long_programs_are_refused(void **state)
{
	static struct sock_filter code[4097];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(code); i++)
		code[i] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	assert_int_equal(moat_bpf_check(code, 4096), 0);
	assert_int_equal(moat_bpf_check(code, 4097), -EINVAL);
}

/* What the interpreter predicts getppid returns under `p` for these arguments. */
static int predicted_errno(const struct program *p, const uint64_t args[6], uint32_t *value)
{
	struct seccomp_data data = {.nr = SYS_getppid, .arch = AUDIT_ARCH_X86_64};

	memcpy(data.args, args, sizeof(data.args));
	assert_int_equal(moat_bpf_run(p->code, program_length(p), &data, value, NULL), 0);
	return (int)(*value & SECCOMP_RET_DATA);
}

static void test_interpreter_computes_what_the_kernel_computes(void **state)
{
	static const uint64_t samples[][3] = {
	        {0, 0, 0},
	        {1, 2, 3},
	        {9, 10, UINT64_C(0x1234500000000)},
	        {10, 11, UINT64_C(0xffffffff00000000)},
	        {0x7fffffff, 0xffffffff, 1},
	        {UINT64_C(0x500000007), 0x80000000, UINT64_C(0x7fffffff00000000)},
	        {6, 2, 0},
	        {11, 0x40, 0},
	};

	int refused = filters_refused();

	(void)state;
	if (refused)
		skip_without_filters(refused);
	for (size_t i = 0; i < ARRAY_SIZE(programs); i++) {
		const struct program *p = &programs[i];
		struct sock_fprog fprog = {(unsigned short)program_length(p),
		                           (struct sock_filter *)p->code};

		if (!p->valid)
			continue;
		for (size_t s = 0; s < ARRAY_SIZE(samples); s++) {
			uint64_t args[6] = {samples[s][0], samples[s][1], samples[s][2]};
			struct filter_child_outcome outcome;
			uint32_t value;
			int expected = predicted_errno(p, args, &value);

			assert_int_equal(filter_child_syscall(filter_child_install_program, &fprog,
			                                      SYS_getppid, args, &outcome),
			                 0);
			if (value == 0) {
				/* SECCOMP_RET_KILL_THREAD: the only thread dies */
				assert_int_equal(outcome.kind, FILTER_CHILD_KILLED);
				assert_int_equal(outcome.signal, SIGSYS);
				continue;
			}
			/* errno 0 makes the call return 0 */
			if (outcome.kind != FILTER_CHILD_RETURNED ||
			    outcome.value != (expected ? -1 : 0) || outcome.error != expected)
				fail_msg("%s, sample %zu: kernel %d/%ld/%d, interpreter errno %d",
				         p->name, s, outcome.kind, outcome.value, outcome.error,
				         expected);
		}
	}
}

static void test_counts_executed_instructions(void **state)
{
	const struct program *p = &programs[0];
	struct seccomp_data data = {.nr = SYS_getpid, .arch = AUDIT_ARCH_X86_64};
	uint32_t value;
	size_t executed;

	(void)state;
	assert_int_equal(moat_bpf_run(p->code, program_length(p), &data, &value, &executed), 0);
	assert_int_equal(value, SECCOMP_RET_ALLOW);
	assert_int_equal(executed, 3);
	data.nr = SYS_getppid;
	assert_int_equal(moat_bpf_run(p->code, program_length(p), &data, &value, &executed), 0);
	assert_int_equal(executed, program_length(p) - 1);
}

/*
 * A program the interpreter refuses (a jump past the end) makes
 * moat_filter_eval and moat_filter_run say -EINVAL and store nothing; the
 * control, the same filter with the jump in range, is evaluated.
 */
static void test_eval_reports_a_refused_program(void **state)
{
	struct sock_filter code[] = {
	        BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
	};
	struct moat_filter filter = {.present = true,
	                             .program = {.instructions = code, .length = 2}};
	struct moat_action action = {.kind = MOAT_ACTION_TRAP};
	struct seccomp_data data = {.nr = SYS_getppid, .arch = AUDIT_ARCH_X86_64};
	uint32_t value = 7;

	(void)state;
	assert_int_equal(moat_filter_eval(&filter, SYS_getppid, NULL, &action), -EINVAL);
	assert_int_equal(action.kind, MOAT_ACTION_TRAP);
	assert_int_equal(moat_filter_run(&filter, &data, &value), -EINVAL);
	assert_int_equal(value, 7);
	code[0].k = 0;
	assert_int_equal(moat_filter_eval(&filter, SYS_getppid, NULL, &action), 0);
	assert_int_equal(action.kind, MOAT_ACTION_ERRNO);
	assert_int_equal(action.errno_value, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_check_agrees_with_the_kernel),
	        cmocka_unit_test(test_too_long_programs_are_refused),
	        cmocka_unit_test(test_interpreter_computes_what_the_kernel_computes),
	        cmocka_unit_test(test_counts_executed_instructions),
	        cmocka_unit_test(test_eval_reports_a_refused_program),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
