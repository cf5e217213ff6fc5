// SPDX-License-Identifier: MIT
/*
 * moat_process_plan_build(): the environment it computes for each `env`
 * mode, and what it refuses before anything is applied.
 */
#include "test_process.h"

#include <sys/resource.h>

static const char *const caller[] = {
        "PATH=/bin", "HOME=/root", "SECRET=x", "PATH=/second", "NOEQUALS", NULL,
};

static void assert_environment(const struct moat_process_plan *plan, const char *const *expected)
{
	const char *const *actual = moat_process_plan_environment(plan);
	size_t i;

	for (i = 0; expected[i]; i++) {
		if (!actual[i])
			fail_msg("the environment ends before '%s'", expected[i]);
		assert_string_equal(actual[i], expected[i]);
	}
	if (actual[i])
		fail_msg("unexpected '%s' at the end of the environment", actual[i]);
}

static struct moat_process_plan *environment_plan(enum moat_environment_mode mode,
                                                  const char *const *keep, size_t keep_count,
                                                  const char *const *set, size_t set_count,
                                                  const char *const *environment)
{
	struct moat_policy policy;

	pt_policy_init(&policy);
	policy.process.environment = mode;
	policy.process.environment_keep = keep;
	policy.process.environment_keep_count = keep_count;
	policy.process.environment_set = set;
	policy.process.environment_set_count = set_count;
	return pt_plan(&policy, environment);
}

static void test_environment_inherit(void **state)
{
	static const char *const set[] = {"HOME=/tmp", "NEW=1", "PATH=/only"};
	struct moat_process_plan *plan;

	(void)state;
	plan = environment_plan(MOAT_ENVIRONMENT_INHERIT, NULL, 0, NULL, 0, caller);
	assert_environment(plan, caller);
	moat_process_plan_free(plan);

	/* `set` replaces in place, every duplicate of the name goes, new names go last. */
	plan = environment_plan(MOAT_ENVIRONMENT_INHERIT, NULL, 0, set, 3, caller);
	assert_environment(plan, (const char *const[]){"PATH=/only", "HOME=/tmp", "SECRET=x",
	                                               "NOEQUALS", "NEW=1", NULL});
	moat_process_plan_free(plan);

	/* No caller environment: nothing to inherit. */
	plan = environment_plan(MOAT_ENVIRONMENT_INHERIT, NULL, 0, NULL, 0, NULL);
	assert_environment(plan, (const char *const[]){NULL});
	moat_process_plan_free(plan);
}

static void test_environment_clear(void **state)
{
	static const char *const set[] = {"A=1", "B=2", "A=3"};
	struct moat_process_plan *plan;

	(void)state;
	plan = environment_plan(MOAT_ENVIRONMENT_CLEAR, NULL, 0, NULL, 0, caller);
	assert_environment(plan, (const char *const[]){NULL});
	moat_process_plan_free(plan);

	/* A later `set` of the same name wins. */
	plan = environment_plan(MOAT_ENVIRONMENT_CLEAR, NULL, 0, set, 3, caller);
	assert_environment(plan, (const char *const[]){"A=3", "B=2", NULL});
	moat_process_plan_free(plan);
}

static void test_environment_keep(void **state)
{
	static const char *const keep[] = {"HOME", "PATH", "MISSING", "NOEQUALS"};
	static const char *const set[] = {"PATH=/usr/bin", "LANG=C"};
	struct moat_process_plan *plan;

	(void)state;
	/* The caller's order; only the first of a duplicated name (what getenv() sees). */
	plan = environment_plan(MOAT_ENVIRONMENT_KEEP, keep, 4, NULL, 0, caller);
	assert_environment(plan,
	                   (const char *const[]){"PATH=/bin", "HOME=/root", "NOEQUALS", NULL});
	moat_process_plan_free(plan);

	plan = environment_plan(MOAT_ENVIRONMENT_KEEP, keep, 2, set, 2, caller);
	assert_environment(plan,
	                   (const char *const[]){"PATH=/usr/bin", "HOME=/root", "LANG=C", NULL});
	moat_process_plan_free(plan);
}

/* The plan holds copies: the caller may change or free its environment. */
static void test_environment_copied(void **state)
{
	char entry[] = "NAME=before";
	const char *environment[] = {entry, NULL};
	struct moat_process_plan *plan;

	(void)state;
	plan = environment_plan(MOAT_ENVIRONMENT_INHERIT, NULL, 0, NULL, 0, environment);
	memcpy(entry, "NAME=after!", sizeof(entry));
	environment[0] = NULL;
	assert_environment(plan, (const char *const[]){"NAME=before", NULL});
	moat_process_plan_free(plan);
}

static void assert_refused(const struct moat_policy *policy, int code, const char *message)
{
	struct moat_process_plan *plan = (void *)1;
	struct moat_error error = {0};

	assert_int_equal(moat_process_plan_build(&plan, policy, caller, &error), code);
	assert_null(plan);
	assert_int_equal(error.code, code);
	if (!strstr(error.message, message))
		fail_msg("'%s' does not say '%s'", error.message, message);
}

static void test_environment_refused(void **state)
{
	static const char *const bad_keep[] = {"A=B"};
	static const char *const no_equals[] = {"NAME"};
	static const char *const no_name[] = {"=value"};
	struct moat_policy policy;

	(void)state;
	pt_policy_init(&policy);
	policy.process.environment = MOAT_ENVIRONMENT_KEEP;
	policy.process.environment_keep = bad_keep;
	policy.process.environment_keep_count = 1;
	assert_refused(&policy, -EINVAL, "'A=B' is not a variable name");

	pt_policy_init(&policy);
	policy.process.environment_set = no_equals;
	policy.process.environment_set_count = 1;
	assert_refused(&policy, -EINVAL, "'NAME' is not NAME=VALUE");
	policy.process.environment_set = no_name;
	assert_refused(&policy, -EINVAL, "'=value' is not NAME=VALUE");
}

static void test_limit_soft_above_hard(void **state)
{
	struct moat_policy policy;
	struct moat_process_plan *plan = NULL;
	struct moat_error error = {0};
	struct moat_location location = {"limits.policy", 4, 1};

	(void)state;
	pt_policy_init(&policy);
	policy.limits.present = true;
	policy.limits.limits[MOAT_LIMIT_NOFILE] = (struct moat_limit){true, 64, 32, location};
	assert_int_equal(moat_process_plan_build(&plan, &policy, NULL, &error), -EINVAL);
	assert_null(plan);
	assert_string_equal(error.file, "limits.policy");
	assert_int_equal(error.line, 4);
	assert_int_equal(error.column, 1);
	assert_non_null(strstr(error.message, "nofile: the soft limit is above the hard limit"));

	/* Lowering, and unlimited under an unlimited hard limit, are fine. */
	policy.limits.limits[MOAT_LIMIT_NOFILE].soft = 16;
	policy.limits.limits[MOAT_LIMIT_FSIZE] =
	        (struct moat_limit){true, MOAT_LIMIT_UNLIMITED, MOAT_LIMIT_UNLIMITED, location};
	plan = pt_plan(&policy, NULL);
	moat_process_plan_free(plan);
}

/*
 * Raising a hard limit needs CAP_SYS_RESOURCE; without it the plan says so,
 * at the statement, before anything is applied. The child returns 0 when
 * the plan was refused that way.
 */
static int build_raised_limit(void *context)
{
	struct moat_policy *policy = context;
	struct moat_process_plan *plan = NULL;
	struct moat_error error = {0};
	struct rlimit current;
	int result;

	if (getrlimit(RLIMIT_NOFILE, &current) < 0 || current.rlim_max == RLIM_INFINITY)
		return PT_CHILD_BROKEN;
	policy->limits.limits[MOAT_LIMIT_NOFILE].soft = current.rlim_max + 1;
	policy->limits.limits[MOAT_LIMIT_NOFILE].hard = current.rlim_max + 1;
	result = moat_process_plan_build(&plan, policy, NULL, &error);
	if (result == -EPERM && !plan && error.line == 7 &&
	    strstr(error.message, "CAP_SYS_RESOURCE"))
		return 0;
	return PT_CHILD_BROKEN + 1;
}

static void test_limit_raise_refused(void **state)
{
	struct moat_policy policy;

	(void)state;
	pt_policy_init(&policy);
	policy.limits.present = true;
	policy.limits.limits[MOAT_LIMIT_NOFILE].present = true;
	policy.limits.limits[MOAT_LIMIT_NOFILE].location =
	        (struct moat_location){"limits.policy", 7, 1};
	pt_assert_exit(pt_run(PT_NOBODY_USER, build_raised_limit, &policy), 0);
}

static void test_cwd_must_be_absolute(void **state)
{
	struct moat_policy policy;
	struct moat_process_plan *plan;

	(void)state;
	pt_policy_init(&policy);
	policy.process.cwd = "tmp/work";
	assert_refused(&policy, -EINVAL, "cwd: 'tmp/work' is not an absolute path");
	policy.process.cwd = "/tmp/work"; /* resolved in the sandbox, not checked here */
	plan = pt_plan(&policy, NULL);
	moat_process_plan_free(plan);
}

static unsigned read_cap_last_cap(void)
{
	FILE *file = fopen("/proc/sys/kernel/cap_last_cap", "re");
	unsigned last = 0;

	assert_non_null(file);
	assert_int_equal(fscanf(file, "%u", &last), 1);
	fclose(file);
	return last;
}

static void test_unknown_capability(void **state)
{
	unsigned last = read_cap_last_cap();
	struct moat_policy policy;
	struct moat_process_plan *plan;
	char message[128];

	(void)state;
	pt_policy_init(&policy);
	policy.process.capabilities_keep = UINT64_C(1) << last;
	plan = pt_plan(&policy, NULL);
	moat_process_plan_free(plan);

	if (last == 63) {
		print_message("SKIP: the kernel knows 64 capabilities: none is unknown\n");
		skip();
	}
	policy.process.capabilities_keep = UINT64_C(1) << (last + 1);
	snprintf(message, sizeof(message), "capabilities keep: capability %u (", last + 1);
	assert_refused(&policy, -EINVAL, message);
	assert_refused(&policy, -EINVAL, "is unknown to the running kernel");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_environment_inherit),
	        cmocka_unit_test(test_environment_clear),
	        cmocka_unit_test(test_environment_keep),
	        cmocka_unit_test(test_environment_copied),
	        cmocka_unit_test(test_environment_refused),
	        cmocka_unit_test(test_limit_soft_above_hard),
	        cmocka_unit_test(test_limit_raise_refused),
	        cmocka_unit_test(test_cwd_must_be_absolute),
	        cmocka_unit_test(test_unknown_capability),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
