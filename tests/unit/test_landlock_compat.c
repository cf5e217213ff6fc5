// SPDX-License-Identifier: MIT
/*
 * compat strict and best-effort, enforced: plans built for a faked older
 * kernel refuse (strict) or drop what that kernel lacks (best-effort), and
 * once applied behave as that kernel would: what it cannot restrict stays
 * possible, what it can is denied. Each case is compared with the plan for
 * the real kernel, which restricts it.
 */
#include "test_landlock.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

static struct moat_landlock_features kernel;
static struct ll_tree tree;
static char first_dir[PATH_MAX];  /* allowed/a */
static char second_dir[PATH_MAX]; /* allowed/b */
static char moved_from[PATH_MAX]; /* allowed/a/file */
static char moved_to[PATH_MAX];   /* allowed/b/file */

static int setup(void **state)
{
	(void)state;
	if (moat_landlock_probe(&kernel) < 0)
		return -1;
	ll_tree_create(&tree);
	ll_path(first_dir, "%s/a", tree.allowed);
	ll_path(second_dir, "%s/b", tree.allowed);
	ll_path(moved_from, "%s/file", first_dir);
	ll_path(moved_to, "%s/file", second_dir);
	ll_make_dir(first_dir);
	ll_make_dir(second_dir);
	ll_write_file(moved_from, "moved\n", 0644);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ll_tree_remove(&tree);
	return 0;
}

static struct moat_path_rule rules[1];

/* write ALLOWED, plus whatever `network` says. */
static void sandbox_policy(struct moat_policy *policy, enum moat_compat compat)
{
	rules[0] = ll_rule(MOAT_FS_WRITE, tree.allowed, 2);
	ll_policy_init(policy, compat);
	ll_policy_filesystem(policy, rules, 1);
}

/* Strict refuses the policy for ABI `abi`, naming `feature`; best-effort builds. */
static struct moat_landlock_plan *faked_plan(const struct moat_policy *policy, int abi,
                                             const char *feature)
{
	struct moat_landlock_features features;
	struct moat_landlock_plan *plan = NULL;
	struct moat_policy strict = *policy;
	struct moat_error error;

	moat_landlock_features_for_abi(&features, abi);
	strict.compat = MOAT_COMPAT_STRICT;
	assert_int_equal(moat_landlock_plan_build(&plan, &strict, &features, &error), -EOPNOTSUPP);
	assert_null(plan);
	printf("  strict, ABI %d: %s\n", abi, error.message);
	assert_non_null(strstr(error.message, feature));
	plan = ll_plan(policy, &features);
	for (size_t i = 0; i < moat_landlock_plan_dropped_count(plan); i++)
		printf("  best-effort, ABI %d dropped: %s\n", abi,
		       moat_landlock_plan_dropped(plan, i));
	assert_true(moat_landlock_plan_dropped_count(plan) > 0);
	return plan;
}

static int rename_across(void *unused)
{
	int result;

	(void)unused;
	result = ll_result(rename(moved_from, moved_to));
	if (result == 0 && rename(moved_to, moved_from) < 0)
		return LL_CHILD_UNEXPECTED;
	return result;
}

static int truncate_secret(void *unused)
{
	(void)unused;
	return ll_result(truncate(tree.secret, 0));
}

/*
 * ABI 1: no refer, no truncate. `write` only implies them, so strict builds
 * the plan. Reading outside stays denied; Landlock alone lets truncating
 * outside work (ABI 1 cannot restrict it: closures.c has seccomp close it,
 * proven by tests/integration/landlock_abi.sh); moving a file between two
 * writable directories fails with EXDEV, as on a real ABI-1 kernel, where
 * reparenting is always denied. Naming refer or truncate is refused.
 */
static void test_abi1_filesystem(void **state)
{
	struct moat_landlock_features features;
	struct moat_landlock_plan *faked;
	struct moat_landlock_plan *real;
	struct moat_policy policy;
	struct moat_error error;

	(void)state;
	ll_require_abi(&kernel, 3, "comparing ABI 1 with a kernel that has refer and truncate");
	sandbox_policy(&policy, MOAT_COMPAT_STRICT);
	moat_landlock_features_for_abi(&features, 1);
	faked = ll_plan(&policy, &features);
	assert_int_equal(moat_landlock_plan_dropped_count(faked), 0);
	real = ll_plan(&policy, &kernel);
	for (enum ll_user user = LL_SELF; user <= ll_last_user(); user++) {
		assert_int_equal(ll_run(faked, user, ll_read, tree.secret), EACCES);
		assert_int_equal(ll_run(faked, user, truncate_secret, NULL), 0);
		assert_int_equal(ll_run(real, user, truncate_secret, NULL), EACCES);
		assert_int_equal(ll_run(faked, user, rename_across, NULL), EXDEV);
		assert_int_equal(ll_run(real, user, rename_across, NULL), 0);
	}
	moat_landlock_plan_free(faked);
	moat_landlock_plan_free(real);
	ll_write_file(tree.secret, "secret\n", 0644);

	rules[0] = ll_named_rule(MOAT_FS_WRITE, tree.allowed, 2);
	assert_int_equal(moat_landlock_plan_build(&faked, &policy, &features, &error), -EOPNOTSUPP);
	assert_non_null(strstr(error.message, "[filesystem] refer needs Landlock ABI 2"));
	assert_non_null(strstr(error.message, "[filesystem] truncate needs Landlock ABI 3"));
}

/* ABI 3: no network rules. The filesystem is restricted, TCP connect is not. */
static void test_abi3_network(void **state)
{
	static const uint16_t listed_port = 1;
	struct moat_landlock_plan *faked;
	struct moat_landlock_plan *real;
	struct moat_policy policy;
	uint16_t port;
	int listener;

	(void)state;
	ll_require_abi(&kernel, 4, "comparing ABI 3 with a kernel that has TCP rules");
	listener = ll_start_listener(&port);

	sandbox_policy(&policy, MOAT_COMPAT_BEST_EFFORT);
	policy.network.present = true;
	policy.network.connect_tcp =
	        (struct moat_port_list){.present = true, .ports = &listed_port, .count = 1};
	faked = faked_plan(&policy, 3, "[network] connect tcp needs Landlock ABI 4");
	real = ll_plan(&policy, &kernel);
	for (enum ll_user user = LL_SELF; user <= ll_last_user(); user++) {
		assert_int_equal(ll_run(faked, user, ll_read, tree.secret), EACCES);
		assert_int_equal(ll_run(faked, user, ll_tcp_connect, &port), 0);
		assert_int_equal(ll_run(real, user, ll_tcp_connect, &port), EACCES);
	}
	ll_drain(listener);
	close(listener);
	moat_landlock_plan_free(faked);
	moat_landlock_plan_free(real);
}

static int signal_parent(void *unused)
{
	(void)unused;
	/* The test process ignores SIGURG by default: a harmless signal to send. */
	return ll_result(kill(getppid(), SIGURG));
}

/* ABI 5: no scopes. Signalling outside works; with ABI 6 it does not. */
static void test_abi5_scopes(void **state)
{
	struct moat_landlock_plan *faked;
	struct moat_landlock_plan *real;
	struct moat_policy policy;

	(void)state;
	ll_require_abi(&kernel, 6, "comparing ABI 5 with a kernel that has scopes");
	sandbox_policy(&policy, MOAT_COMPAT_BEST_EFFORT);
	policy.network.present = true;
	policy.network.scopes = MOAT_SCOPE_SIGNAL;
	faked = faked_plan(&policy, 5, "[network] scope signal needs Landlock ABI 6");
	real = ll_plan(&policy, &kernel);
	/* As the test's own user: uid 65534 may not signal the test process at all. */
	assert_int_equal(ll_run(faked, LL_SELF, signal_parent, NULL), 0);
	assert_int_equal(ll_run(real, LL_SELF, signal_parent, NULL), EPERM);
	moat_landlock_plan_free(faked);
	moat_landlock_plan_free(real);
}

/* No Landlock at all: best-effort runs unrestricted and says so. */
static void test_no_landlock(void **state)
{
	struct moat_landlock_plan *faked;
	struct moat_policy policy;

	(void)state;
	sandbox_policy(&policy, MOAT_COMPAT_BEST_EFFORT);
	faked = faked_plan(&policy, 0, "[filesystem] needs Landlock ABI 1");
	assert_false(moat_landlock_plan_enforces(faked));
	for (enum ll_user user = LL_SELF; user <= ll_last_user(); user++)
		assert_int_equal(ll_run(faked, user, ll_read, tree.secret), 0);
	moat_landlock_plan_free(faked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_abi1_filesystem),
	        cmocka_unit_test(test_abi3_network),
	        cmocka_unit_test(test_abi5_scopes),
	        cmocka_unit_test(test_no_landlock),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
