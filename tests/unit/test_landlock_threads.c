// SPDX-License-Identifier: MIT
/*
 * Landlock and threads. Below ABI 8 landlock_restrict_self() binds only the
 * calling thread, so moat_enter's MOAT_LANDLOCK_ALL_THREADS refuses while
 * other threads exist; with ABI 8 (LANDLOCK_RESTRICT_SELF_TSYNC) the kernel
 * restricts every thread. Each case runs in a forked child that starts its
 * own second thread.
 */
#include "test_landlock.h"

#include <pthread.h>

static struct moat_landlock_features kernel;
static struct ll_tree tree;

static int setup(void **state)
{
	(void)state;
	if (moat_landlock_probe(&kernel) < 0)
		return -1;
	ll_tree_create(&tree);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ll_tree_remove(&tree);
	return 0;
}

/* A second thread: waits for the word, then reads the file outside. */
struct helper {
	pthread_t thread;
	int go[2];
	int result;
};

static void *helper_main(void *context)
{
	struct helper *helper = context;
	char byte;

	if (read(helper->go[0], &byte, 1) != 1)
		helper->result = LL_CHILD_UNEXPECTED;
	else
		helper->result = ll_read(tree.secret);
	return NULL;
}

static int helper_start(struct helper *helper)
{
	if (pipe2(helper->go, O_CLOEXEC) < 0)
		return -1;
	return pthread_create(&helper->thread, NULL, helper_main, helper) == 0 ? 0 : -1;
}

/* Lets the helper read, waits for it, and returns what its read gave. */
static int helper_finish(struct helper *helper)
{
	if (write(helper->go[1], "x", 1) != 1 || pthread_join(helper->thread, NULL) != 0)
		return LL_CHILD_UNEXPECTED;
	return helper->result;
}

static struct moat_landlock_plan *plan_for_abi(int abi)
{
	static struct moat_path_rule rules[1];
	struct moat_landlock_features features;
	struct moat_policy policy;

	rules[0] = ll_rule(MOAT_FS_READ, tree.allowed, 2);
	ll_policy_init(&policy, MOAT_COMPAT_BEST_EFFORT);
	ll_policy_filesystem(&policy, rules, 1);
	moat_landlock_features_for_abi(&features, abi);
	return ll_plan(&policy, &features);
}

struct apply_case {
	const struct moat_landlock_plan *plan;
	unsigned flags;
	bool second_thread;
	int expected;        /* what apply must return */
	const char *message; /* a part of the error message, when it fails */
};

/*
 * In the child: optionally start a second thread, apply, and check the
 * result. Exits 0 when apply returned what the case expects.
 */
static int apply_with_threads(void *context)
{
	const struct apply_case *test = context;
	struct moat_error error = {0};
	struct helper helper;
	int code;

	if (test->second_thread && helper_start(&helper) < 0)
		return LL_CHILD_UNEXPECTED;
	code = moat_landlock_apply(test->plan, test->flags, &error);
	if (code != test->expected) {
		fprintf(stderr, "apply returned %d (%s), want %d\n", code, error.message,
		        test->expected);
		return LL_CHILD_UNEXPECTED;
	}
	if (test->message && !strstr(error.message, test->message)) {
		fprintf(stderr, "message: %s\n", error.message);
		return LL_CHILD_UNEXPECTED;
	}
	if (test->second_thread && helper_finish(&helper) == LL_CHILD_UNEXPECTED)
		return LL_CHILD_UNEXPECTED;
	return 0;
}

static void test_count_threads(void **state)
{
	struct helper helper;

	(void)state;
	assert_int_equal(moat_landlock_count_threads(), 1);
	assert_int_equal(helper_start(&helper), 0);
	assert_int_equal(moat_landlock_count_threads(), 2);
	assert_int_equal(helper_finish(&helper), 0);
	assert_int_equal(moat_landlock_count_threads(), 1);
	close(helper.go[0]);
	close(helper.go[1]);
}

/*
 * Below ABI 8 a second thread cannot be restricted: ALL_THREADS refuses with
 * -EBUSY while one exists, and applies once the process is single-threaded
 * (the positive control). Without the flag (spawn: a fresh child) it applies.
 */
static void test_all_threads_refused_below_abi8(void **state)
{
	int abi = kernel.abi < 7 ? kernel.abi : 7;
	struct moat_landlock_plan *plan;
	char message[128];

	(void)state;
	ll_require_abi(&kernel, 1, "applying a filesystem plan");
	plan = plan_for_abi(abi);
	snprintf(message, sizeof(message),
	         "Landlock ABI %d binds only the calling thread; this process has 2 threads", abi);
	for (enum ll_user user = LL_SELF; user <= ll_last_user(); user++) {
		struct apply_case refused = {plan, MOAT_LANDLOCK_ALL_THREADS, true, -EBUSY,
		                             message};
		struct apply_case single = {plan, MOAT_LANDLOCK_ALL_THREADS, false, 0, NULL};
		struct apply_case calling_thread_only = {plan, 0, true, 0, NULL};

		assert_int_equal(ll_run(NULL, user, apply_with_threads, &refused), 0);
		assert_int_equal(ll_run(NULL, user, apply_with_threads, &single), 0);
		assert_int_equal(ll_run(NULL, user, apply_with_threads, &calling_thread_only), 0);
	}
	moat_landlock_plan_free(plan);
}

/* The other thread of a process that applied without TSYNC is not restricted. */
static int second_thread_after_apply(void *context)
{
	const struct moat_landlock_plan *plan = context;
	struct helper helper;

	if (helper_start(&helper) < 0 || moat_landlock_apply(plan, 0, NULL) < 0)
		return LL_CHILD_UNEXPECTED;
	if (ll_read(tree.secret) != EACCES)
		return LL_CHILD_UNEXPECTED;
	return helper_finish(&helper);
}

static int second_thread_after_tsync(void *context)
{
	const struct moat_landlock_plan *plan = context;
	struct helper helper;
	struct moat_error error;

	if (helper_start(&helper) < 0)
		return LL_CHILD_UNEXPECTED;
	if (moat_landlock_apply(plan, MOAT_LANDLOCK_ALL_THREADS, &error) < 0) {
		fprintf(stderr, "apply: %s\n", error.message);
		return LL_CHILD_UNEXPECTED;
	}
	return helper_finish(&helper);
}

/* Why the refusal matters: without TSYNC the second thread still reads. */
static void test_calling_thread_only(void **state)
{
	struct moat_landlock_plan *plan;

	(void)state;
	ll_require_abi(&kernel, 1, "filesystem rules");
	plan = plan_for_abi(kernel.abi < 8 ? kernel.abi : 7);
	for (enum ll_user user = LL_SELF; user <= ll_last_user(); user++)
		assert_int_equal(ll_run(NULL, user, second_thread_after_apply, plan), 0);
	moat_landlock_plan_free(plan);
}

/* With ABI 8, ALL_THREADS restricts the second thread too. */
static void test_all_threads_with_tsync(void **state)
{
	struct moat_landlock_plan *plan;

	(void)state;
	ll_require_abi(&kernel, 8, "LANDLOCK_RESTRICT_SELF_TSYNC");
	plan = plan_for_abi(kernel.abi);
	for (enum ll_user user = LL_SELF; user <= ll_last_user(); user++)
		assert_int_equal(ll_run(NULL, user, second_thread_after_tsync, plan), EACCES);
	moat_landlock_plan_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_count_threads),
	        cmocka_unit_test(test_all_threads_refused_below_abi8),
	        cmocka_unit_test(test_calling_thread_only),
	        cmocka_unit_test(test_all_threads_with_tsync),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
