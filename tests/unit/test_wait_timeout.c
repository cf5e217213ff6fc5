// SPDX-License-Identifier: MIT
/*
 * moat_child_wait_timeout() and what struct moat_exit says ended a child:
 * a deadline that passes (the child runs on, or is killed with
 * MOAT_WAIT_KILL), a child that ends in time, a signal, the `cpu` limit's
 * SIGXCPU and its SIGKILL at the hard limit, and the `as` limit's inferred
 * failure. Positive controls: a SIGKILL from outside under the same `cpu`
 * limit, and an abort under the same `as` limit without allocating, are
 * plain signals, not limits.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy_support.h"
#include "sanitizer.h"

static moat_child *start(moat_policy *policy, moat_child_fn *function)
{
	struct moat_error error;
	moat_child *child;

	if (moat_spawn_function(&child, policy, function, NULL, NULL, &error) < 0)
		fail_msg("moat_spawn_function: %s", error.message);
	return child;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static int sleep_long(void *context)
{
	(void)context;
	sleep(30);
	return 0;
}

static int exit_three(void *context)
{
	(void)context;
	return 3;
}

static int raise_usr1(void *context)
{
	(void)context;
	raise(SIGUSR1);
	return 0;
}

static int spin(void *context)
{
	volatile unsigned long counter = 0;

	(void)context;
	for (;;)
		counter++;
	return 0;
}

static int spin_ignoring_sigxcpu(void *context)
{
	signal(SIGXCPU, SIG_IGN);
	return spin(context);
}

static int allocate_without_end(void *context)
{
	(void)context;
	for (;;) {
		char *block = malloc(1 << 20);

		if (!block)
			abort();
		memset(block, 1, 1 << 20);
		/* The block escapes, so no compiler can elide the allocation (clang would). */
		__asm__ volatile("" : : "r"(block) : "memory");
	}
	return 0;
}

static int abort_at_once(void *context)
{
	(void)context;
	abort();
}

static void deadline_passes(void **state)
{
	moat_policy *policy = test_load_system("");
	moat_child *child = start(policy, sleep_long);
	struct pollfd ended = {moat_child_pidfd(child), POLLIN, 0};
	struct moat_exit result;
	struct timespec started;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &started);
	assert_int_equal(moat_child_wait_timeout(child, 200, 0, &result), -ETIMEDOUT);
	assert_true(seconds_since(&started) >= 0.19);
	/* Without MOAT_WAIT_KILL the child runs on. */
	assert_int_equal(poll(&ended, 1, 0), 0);
	assert_int_equal(moat_child_wait_timeout(child, 100, MOAT_WAIT_KILL, &result), -ETIMEDOUT);
	assert_int_equal(result.kind, MOAT_EXIT_TIMEOUT);
	assert_true(WIFSIGNALED(result.status));
	assert_int_equal(WTERMSIG(result.status), SIGKILL);
	assert_true(seconds_since(&started) < 10);
	assert_int_equal(moat_child_wait_timeout(child, 100, 0, &result), -ECHILD);
	moat_child_free(child);
	moat_policy_free(policy);
}

static void ends_in_time(void **state)
{
	moat_policy *policy = test_load_system("");
	moat_child *child = start(policy, exit_three);
	struct moat_exit result;

	(void)state;
	assert_int_equal(moat_child_wait_timeout(child, 20000, MOAT_WAIT_KILL, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_EXITED);
	assert_int_equal(result.code, 3);
	moat_child_free(child);
	child = start(policy, raise_usr1);
	assert_int_equal(moat_child_wait_timeout(child, -1, 0, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_SIGNALLED);
	assert_int_equal(result.code, SIGUSR1);
	assert_null(result.limit);
	moat_child_free(child);
	moat_policy_free(policy);
}

static void cpu_limit(void **state)
{
	moat_policy *policy = test_load_system("[limits]\ncpu 1 2\n");
	moat_child *child = start(policy, spin);
	struct moat_exit result;

	(void)state;
	assert_int_equal(moat_child_wait_timeout(child, 30000, MOAT_WAIT_KILL, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_LIMIT);
	assert_string_equal(result.limit, "cpu");
	assert_int_equal(result.code, SIGXCPU);
	assert_true(result.cpu_time_us >= 500000);
	moat_child_free(child);

	/* SIGXCPU ignored: the kernel's SIGKILL at the hard limit, told by the CPU time. */
	child = start(policy, spin_ignoring_sigxcpu);
	assert_int_equal(moat_child_wait_timeout(child, 30000, MOAT_WAIT_KILL, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_LIMIT);
	assert_string_equal(result.limit, "cpu");
	assert_int_equal(result.code, SIGKILL);
	assert_true(result.cpu_time_us >= 1500000);
	moat_child_free(child);

	/* Positive control: a SIGKILL from outside, under the same limit, is a signal. */
	child = start(policy, sleep_long);
	assert_int_equal(moat_child_kill(child, SIGKILL), 0);
	assert_int_equal(moat_child_wait_timeout(child, 30000, 0, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_SIGNALLED);
	assert_int_equal(result.code, SIGKILL);
	moat_child_free(child);
	moat_policy_free(policy);
}

static void as_limit(void **state)
{
	moat_policy *policy = test_load_system("[limits]\nas 128M\n");
	moat_child *child = start(policy, allocate_without_end);
	struct moat_exit result;

	(void)state;
#ifdef BUILT_WITH_ASAN
	print_message("SKIP: AddressSanitizer's shadow memory needs more address space than an "
	              "`as` limit of 128M leaves, so the child dies in the sanitizer, not at the "
	              "limit\n");
	moat_child_free(child);
	moat_policy_free(policy);
	skip();
#endif
	assert_int_equal(moat_child_wait_timeout(child, 30000, MOAT_WAIT_KILL, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_LIMIT);
	assert_string_equal(result.limit, "as");
	assert_int_equal(result.code, SIGABRT);
	assert_true(result.max_rss_kb * 1024 >= 64 << 20);
	moat_child_free(child);

	/* Positive control: an abort that allocated nothing is the abort. */
	child = start(policy, abort_at_once);
	assert_int_equal(moat_child_wait_timeout(child, 30000, MOAT_WAIT_KILL, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_SIGNALLED);
	assert_int_equal(result.code, SIGABRT);
	assert_null(result.limit);
	moat_child_free(child);
	moat_policy_free(policy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(deadline_passes),
	        cmocka_unit_test(ends_in_time),
	        cmocka_unit_test(cpu_limit),
	        cmocka_unit_test(as_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
