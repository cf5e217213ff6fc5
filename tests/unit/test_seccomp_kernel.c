// SPDX-License-Identifier: MIT
/*
 * moat's filters in the kernel, each in a forked child:
 *  - seeded random policies: every call returns, traps or dies exactly as
 *    moat_filter_eval() predicted (the interpreter against the kernel);
 *  - attacks, each with a positive control showing it works without the
 *    rule: a foreign ABI (int 0x80, x32 numbers), the upper 32 bits of an
 *    int argument, a stacked allow-all filter, a second listener;
 *  - installation: TSYNC covers every thread and names one it cannot sync,
 *    kill-thread and kill-process, the listener fd.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_signals.h"
#include "filter_child.h"
#include "ir_builder.h"
#include "ir_random.h"
#include "moat.h"
#include "seccomp/filter.h"
#include "sanitizer.h"
#include "seccomp/abi.h"
#include "seccomp/install.h"
#include "syscalls/syscalls.h"

#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))
#define POLICIES          200
#define CALLS_PER_POLICY  5
/* Errno actions of the random policies use numbers no real call returns. */
#define FIRST_TEST_ERRNO  1000

/* Calls that are harmless whatever their arguments, with 16-, 32- and 64-bit arguments. */
static const int test_syscalls[] = {
        SYS_getppid, SYS_umask,      SYS_getpriority,
        SYS_getpgid, SYS_getsid,     SYS_sched_getscheduler,
        SYS_dup,     SYS_ioprio_get, SYS_munlock,
};

static moat_filter *compile(struct moat_policy *policy)
{
	struct moat_error error = {0};
	moat_filter *filter = NULL;

	if (moat_filter_compile(&filter, policy, &error) < 0)
		fail_msg("compile: %s", error.message);
	return filter;
}

static struct moat_action random_test_action(struct ir_random *random)
{
	switch (ir_random_below(random, 8)) {
	case 0:
	case 1:
		return IRB_ALLOW;
	case 2:
		return IRB_LOG;
	case 3:
		return IRB_TRAP;
	case 4:
		return IRB_KILL;
	case 5:
		return IRB_KILL_THREAD;
	case 6:
		return IRB_NOTIFY;
	default:
		return IRB_ERRNO(FIRST_TEST_ERRNO + (int)ir_random_below(random, 20));
	}
}

static struct moat_policy *random_test_policy(struct ir_random *random)
{
	struct irb *builder = irb_new(random_test_action(random));

	/* What the child needs to report and exit. */
	irb_rule(builder, SYS_write, IRB_ALLOW, NULL);
	irb_rule(builder, SYS_exit_group, IRB_ALLOW, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(test_syscalls); i++) {
		size_t rules = ir_random_below(random, 4);

		for (size_t r = 0; r < rules; r++)
			irb_rule(builder, test_syscalls[i], random_test_action(random),
			         ir_random_condition(random, builder, test_syscalls[i]));
		if (ir_random_below(random, 2))
			irb_rule(builder, test_syscalls[i], random_test_action(random), NULL);
	}
	return irb_finish(builder);
}

static bool outcome_matches(const struct moat_action *action, int number,
                            const struct filter_child_outcome *outcome)
{
	switch (action->kind) {
	case MOAT_ACTION_ALLOW:
	case MOAT_ACTION_LOG:
		return outcome->kind == FILTER_CHILD_RETURNED &&
		       (outcome->value != -1 ||
		        (outcome->error < FIRST_TEST_ERRNO && outcome->error != ENOSYS));
	case MOAT_ACTION_ERRNO:
		return outcome->kind == FILTER_CHILD_RETURNED && outcome->value == -1 &&
		       outcome->error == action->errno_value;
	case MOAT_ACTION_NOTIFY: /* no listener: the kernel fails the call */
		return outcome->kind == FILTER_CHILD_RETURNED && outcome->value == -1 &&
		       outcome->error == ENOSYS;
	case MOAT_ACTION_TRAP:
		return outcome->kind == FILTER_CHILD_TRAPPED && outcome->trapped_syscall == number;
	case MOAT_ACTION_KILL_PROCESS:
	case MOAT_ACTION_KILL_THREAD:
		return outcome->kind == FILTER_CHILD_KILLED && outcome->signal == SIGSYS;
	}
	return false;
}

static void test_kernel_does_what_eval_predicts(void **state)
{
	struct ir_random random;
	size_t seen[MOAT_ACTION_ALLOW + 1] = {0};

	(void)state;
#ifdef BUILT_WITH_ASAN
	/* The sanitizer's runtime makes calls of its own (sigaltstack, leak checks) in the
	 * child, which these random policies may kill: nothing would be learnt here. */
	fprintf(stderr, "skipped: built with AddressSanitizer\n");
	skip();
#endif
	ir_random_seed(&random, UINT64_C(0x6b65726e656c)); /* "kernel" */
	for (int i = 0; i < POLICIES; i++) {
		struct moat_policy *policy = random_test_policy(&random);
		moat_filter *filter = compile(policy);

		for (int call = 0; call < CALLS_PER_POLICY; call++) {
			int number =
			        test_syscalls[ir_random_below(&random, ARRAY_SIZE(test_syscalls))];
			struct filter_child_outcome outcome;
			struct moat_action predicted;
			uint64_t args[6];

			for (unsigned arg = 0; arg < 6; arg++)
				args[arg] = ir_random_argument(&random, policy, number, arg);
			assert_int_equal(moat_filter_eval(filter, number, args, &predicted), 0);
			assert_int_equal(filter_child_syscall(filter_child_install_filter, filter,
			                                      number, args, &outcome),
			                 0);
			if (!outcome_matches(&predicted, number, &outcome))
				fail_msg("policy %d, %s(%#lx, %#lx, %#lx): predicted %d/%d, kernel "
				         "%d value %ld errno %d signal %d",
				         i, moat_syscall_name(number), (unsigned long)args[0],
				         (unsigned long)args[1], (unsigned long)args[2],
				         predicted.kind, predicted.errno_value, outcome.kind,
				         outcome.value, outcome.error, outcome.signal);
			seen[predicted.kind]++;
		}
		moat_filter_free(filter);
		irb_free(policy);
	}
	for (size_t kind = 0; kind < ARRAY_SIZE(seen); kind++)
		assert_true(seen[kind] > 0);
}

/* ---- running a function in a child ------------------------------------- */

/* Runs `body` in a child with no core dumps; returns its wait status. */
static int in_child(int (*body)(void *), void *context)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit no_core = {0, 0};

		setrlimit(RLIMIT_CORE, &no_core);
		child_default_signals();
		_exit(body(context));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void assert_exited(int status, int code)
{
	if (!WIFEXITED(status))
		fail_msg("child killed by signal %d, expected exit %d", WTERMSIG(status), code);
	assert_int_equal(WEXITSTATUS(status), code);
}

static void assert_killed_by_sigsys(int status)
{
	if (!WIFSIGNALED(status))
		fail_msg("child exited with %d, expected SIGSYS", WEXITSTATUS(status));
	assert_int_equal(WTERMSIG(status), SIGSYS);
}

/* A filter allowing everything but what `rules` adds. */
static moat_filter *allow_all_but(void (*rules)(struct irb *), struct moat_policy **policy)
{
	struct irb *builder = irb_new(IRB_ALLOW);

	if (rules)
		rules(builder);
	*policy = irb_finish(builder);
	return compile(*policy);
}

static int install(moat_filter *filter)
{
	return moat_seccomp_install(filter, 0, NULL, NULL) == 0 ? 0 : 100;
}

/* ---- a foreign ABI ----------------------------------------------------- */

static long int80_getpid(void)
{
	long result = 20; /* __NR_getpid on i386 */

	__asm__ volatile("int $0x80" : "+a"(result) : : "memory", "cc", "r8", "r9", "r10", "r11");
	return result;
}

static int int80_child(void *filter)
{
	if (filter && install(filter))
		return 100;
	return int80_getpid() == getpid() ? 0 : 1;
}

/*
 * Even a policy allowing everything kills an i386 call. A kernel without
 * IA32 emulation (ia32_emulation=0, or not built in) faults on `int $0x80`
 * before any syscall entry: the attack is not reachable there, so the test
 * asserts that it still cannot happen and reports the kill check skipped.
 */
static void test_int80_is_killed(void **state)
{
	struct moat_policy *policy;
	moat_filter *filter = allow_all_but(NULL, &policy);
	int control, filtered;

	(void)state;
	/* Positive control: without the filter, does the i386 call reach the kernel? */
	control = in_child(int80_child, NULL);
	filtered = in_child(int80_child, filter);
	moat_filter_free(filter);
	irb_free(policy);
	if (!WIFSIGNALED(control)) {
		assert_killed_by_sigsys(filtered);
		return;
	}
	if (!WIFSIGNALED(filtered))
		fail_msg("int $0x80 under the filter exited with %d, expected a signal",
		         WEXITSTATUS(filtered));
	printf("SKIP: int $0x80 faults here without a filter (signal %d: no IA32 emulation); "
	       "under the filter it died too (signal %d), so the seccomp kill is not shown\n",
	       WTERMSIG(control), WTERMSIG(filtered));
	skip();
}

#define X32_SYSCALL_BIT 0x40000000L

static int x32_child(void *filter)
{
	long result;

	if (filter && install(filter))
		return 100;
	result = syscall(X32_SYSCALL_BIT | SYS_getpid);
	return result == getpid() || (result == -1 && errno == ENOSYS) ? 0 : 1;
}

static void test_x32_call_is_killed(void **state)
{
	struct moat_policy *policy;
	moat_filter *filter = allow_all_but(NULL, &policy);

	(void)state;
	/* Control: the call reaches the kernel (which runs it, or lacks x32). */
	assert_exited(in_child(x32_child, NULL), 0);
	assert_killed_by_sigsys(in_child(x32_child, filter));
	moat_filter_free(filter);
	irb_free(policy);
}

/* ---- the upper half of an int argument ---------------------------------- */

#define UPPER_HALF UINT64_C(0x100000000)

static void deny_unix_sockets(struct irb *builder)
{
	irb_rule(builder, SYS_socket, IRB_ERRNO(EPERM),
	         irb_when(builder, irb_compare(0, MOAT_COMPARE_EQ, AF_UNIX)));
}

/* What a filter comparing all 64 bits of the domain would do. */
static struct sock_filter naive_filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 4),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]) + 4),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
};

static void test_upper_half_cannot_dodge_a_deny_rule(void **state)
{
	uint64_t args[6] = {UPPER_HALF | AF_UNIX, SOCK_STREAM, 0};
	struct sock_fprog naive = {ARRAY_SIZE(naive_filter), naive_filter};
	struct filter_child_outcome outcome;
	struct moat_policy *policy;
	moat_filter *filter = allow_all_but(deny_unix_sockets, &policy);

	(void)state;
	/* Control: the kernel reads only the low half: this creates a unix socket... */
	assert_int_equal(filter_child_syscall(filter_child_install_program, &naive, SYS_socket,
	                                      args, &outcome),
	                 0);
	assert_int_equal(outcome.kind, FILTER_CHILD_RETURNED);
	assert_true(outcome.value >= 0);
	/* ...which the naive filter denies when the upper half is clear. */
	args[0] = AF_UNIX;
	assert_int_equal(filter_child_syscall(filter_child_install_program, &naive, SYS_socket,
	                                      args, &outcome),
	                 0);
	assert_int_equal(outcome.error, EPERM);
	/* moat's filter denies it either way. */
	for (int i = 0; i < 3; i++) {
		static const uint64_t uppers[] = {0, UPPER_HALF, UINT64_C(0xffffffff00000000)};

		args[0] = uppers[i] | AF_UNIX;
		assert_int_equal(filter_child_syscall(filter_child_install_filter, filter,
		                                      SYS_socket, args, &outcome),
		                 0);
		assert_int_equal(outcome.kind, FILTER_CHILD_RETURNED);
		assert_int_equal(outcome.value, -1);
		assert_int_equal(outcome.error, EPERM);
	}
	moat_filter_free(filter);
	irb_free(policy);
}

/* ---- stacking ------------------------------------------------------------ */

#define DENIED_ERRNO 1234

static void deny_getppid(struct irb *builder)
{
	irb_rule(builder, SYS_getppid, IRB_ERRNO(DENIED_ERRNO), NULL);
}

static struct sock_filter allow_everything[] = {
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

static int install_allow_all(unsigned flags)
{
	struct sock_fprog program = {1, allow_everything};

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &program);
}

static int stacking_child(void *filter)
{
	if (filter && install(filter))
		return 100;
	if (install_allow_all(0) < 0)
		return 101;
	if (syscall(SYS_getppid) == -1 && errno == DENIED_ERRNO)
		return 2; /* still denied */
	return syscall(SYS_getppid) == getppid() ? 3 : 4;
}

static void test_stacked_allow_all_filter_loosens_nothing(void **state)
{
	struct moat_policy *policy;
	moat_filter *filter = allow_all_but(deny_getppid, &policy);

	(void)state;
	/* Control: the allow-all filter alone lets getppid through. */
	assert_exited(in_child(stacking_child, NULL), 3);
	assert_exited(in_child(stacking_child, filter), 2);
	moat_filter_free(filter);
	irb_free(policy);
}

/* ---- the listener --------------------------------------------------------- */

static void notify_getppid(struct irb *builder)
{
	irb_rule(builder, SYS_getppid, IRB_NOTIFY, NULL);
}

static int listener_child(void *filter)
{
	int listener = -1, second;

	if (filter) {
		if (moat_seccomp_install(filter, MOAT_SECCOMP_LISTENER, &listener, NULL) < 0)
			return 100;
		if (listener < 0 || fcntl(listener, F_GETFD) != FD_CLOEXEC)
			return 101;
	}
	/* The sandboxed program tries to take the supervisor's place. */
	second = install_allow_all(SECCOMP_FILTER_FLAG_NEW_LISTENER);
	if (second >= 0)
		return 2;
	if (errno != EBUSY)
		return 102;
	close(listener);
	/* No listener left: the notified call fails instead of running. */
	return syscall(SYS_getppid) == -1 && errno == ENOSYS ? 3 : 103;
}

static void test_listener_is_the_only_one(void **state)
{
	struct moat_policy *policy;
	moat_filter *filter = allow_all_but(notify_getppid, &policy);

	(void)state;
	assert_int_equal(filter->wants_listener, 1);
	/* Control: without moat's filter a program can get a listener of its own. */
	assert_exited(in_child(listener_child, NULL), 2);
	assert_exited(in_child(listener_child, filter), 3);
	moat_filter_free(filter);
	irb_free(policy);
}

/* ---- threads ---------------------------------------------------------------- */

struct thread_test {
	moat_filter *filter;
	unsigned flags;
	int go[2]; /* the main thread writes a byte when the thread may go on */
	long result;
	int error;
	pid_t tid;
	bool own_filter; /* the thread installs a filter of its own first */
	int ready[2];
};

static void *thread_body(void *argument)
{
	struct thread_test *t = argument;
	char byte = 0;

	t->tid = gettid();
	if (t->own_filter && install_allow_all(0) < 0)
		t->error = -1;
	if (write(t->ready[1], &byte, 1) != 1 || read(t->go[0], &byte, 1) != 1)
		return NULL;
	t->result = syscall(SYS_getppid);
	t->error = t->result == -1 ? errno : 0;
	return NULL;
}

static int thread_child(void *argument)
{
	struct thread_test *t = argument;
	struct moat_error error = {0};
	pthread_t thread;
	char byte = 0;
	int rc, listener = -1;
	pid_t parent = getppid(); /* before the filter, which denies getppid */

	if (pipe(t->go) < 0 || pipe(t->ready) < 0 ||
	    pthread_create(&thread, NULL, thread_body, t) != 0 || read(t->ready[0], &byte, 1) != 1)
		return 100;
	rc = moat_seccomp_install(t->filter, t->flags, &listener, &error);
	if (t->own_filter) {
		char tid[32];

		/* TSYNC cannot sync a thread that has a filter the caller lacks. */
		snprintf(tid, sizeof(tid), "%d", t->tid);
		if (rc != -ESRCH)
			return 101;
		if (!(t->flags & MOAT_SECCOMP_LISTENER) && !strstr(error.message, tid))
			return 102;
		return 4;
	}
	if (rc < 0 || write(t->go[1], &byte, 1) != 1 || pthread_join(thread, NULL) != 0)
		return 103;
	if (t->result == -1 && t->error == DENIED_ERRNO)
		return 2; /* the thread is filtered */
	return t->result == parent ? 3 : 104;
}

static void test_tsync_covers_every_thread(void **state)
{
	struct moat_policy *policy;
	struct thread_test t = {.filter = allow_all_but(deny_getppid, &policy)};

	(void)state;
	/* Control: without TSYNC a thread started earlier is not filtered. */
	assert_exited(in_child(thread_child, &t), 3);
	t.flags = MOAT_SECCOMP_TSYNC;
	assert_exited(in_child(thread_child, &t), 2);
	t.flags = MOAT_SECCOMP_TSYNC | MOAT_SECCOMP_LISTENER;
	assert_exited(in_child(thread_child, &t), 2);
	moat_filter_free(t.filter);
	irb_free(policy);
}

static void test_tsync_names_a_thread_it_cannot_sync(void **state)
{
	struct moat_policy *policy;
	struct thread_test t = {.filter = allow_all_but(deny_getppid, &policy), .own_filter = true};

	(void)state;
	t.flags = MOAT_SECCOMP_TSYNC;
	assert_exited(in_child(thread_child, &t), 4);
	t.flags = MOAT_SECCOMP_TSYNC | MOAT_SECCOMP_LISTENER;
	assert_exited(in_child(thread_child, &t), 4);
	moat_filter_free(t.filter);
	irb_free(policy);
}

static void kill_thread_getppid(struct irb *builder)
{
	irb_rule(builder, SYS_getppid, IRB_KILL_THREAD, NULL);
}

static void kill_getppid(struct irb *builder)
{
	irb_rule(builder, SYS_getppid, IRB_KILL, NULL);
}

static void *call_getppid(void *survived)
{
	syscall(SYS_getppid);
	*(int *)survived = 1;
	return NULL;
}

static int kill_child(void *filter)
{
	pthread_t thread;
	int survived = 0;

	if (install(filter) || pthread_create(&thread, NULL, call_getppid, &survived) != 0 ||
	    pthread_join(thread, NULL) != 0)
		return 100;
	return survived ? 3 : 2; /* 2: the thread died in the call, the process lives on */
}

static void test_kill_thread_and_kill_process(void **state)
{
	struct moat_policy *thread_policy, *process_policy;
	moat_filter *thread_filter = allow_all_but(kill_thread_getppid, &thread_policy);
	moat_filter *process_filter = allow_all_but(kill_getppid, &process_policy);

	(void)state;
	assert_exited(in_child(kill_child, thread_filter), 2);
	assert_killed_by_sigsys(in_child(kill_child, process_filter));
	moat_filter_free(thread_filter);
	moat_filter_free(process_filter);
	irb_free(thread_policy);
	irb_free(process_policy);
}

/* seccomp/abi.h's constants are the kernel's (uapi values, spelled two ways where they can be). */
_Static_assert(SECCOMP_IOCTL_NOTIF_SET_FLAGS == _IOW('!', 4, __u64), "NOTIF_SET_FLAGS");
_Static_assert(SECCOMP_RET_USER_NOTIF == 0x7fc00000U, "RET_USER_NOTIF");
_Static_assert(SECCOMP_FILTER_FLAG_NEW_LISTENER == 8 && SECCOMP_FILTER_FLAG_TSYNC_ESRCH == 16 &&
                       SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV == 32,
               "filter flags");

/* The running kernel answers SECCOMP_GET_NOTIF_SIZES, as abi.h numbers it. */
static void test_abi_constants_reach_the_kernel(void **state)
{
	struct seccomp_notif_sizes sizes = {0};

	(void)state;
	assert_int_equal(syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes), 0);
	assert_true(sizes.seccomp_notif >= sizeof(struct seccomp_notif));
	/* The control: a number the kernel does not know is refused. */
	assert_int_equal(syscall(SYS_seccomp, 99, 0, &sizes), -1);
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_abi_constants_reach_the_kernel),
	        cmocka_unit_test(test_kernel_does_what_eval_predicts),
	        cmocka_unit_test(test_int80_is_killed),
	        cmocka_unit_test(test_x32_call_is_killed),
	        cmocka_unit_test(test_upper_half_cannot_dodge_a_deny_rule),
	        cmocka_unit_test(test_stacked_allow_all_filter_loosens_nothing),
	        cmocka_unit_test(test_listener_is_the_only_one),
	        cmocka_unit_test(test_tsync_covers_every_thread),
	        cmocka_unit_test(test_tsync_names_a_thread_it_cannot_sync),
	        cmocka_unit_test(test_kill_thread_and_kill_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
