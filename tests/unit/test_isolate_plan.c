// SPDX-License-Identifier: MIT
/*
 * The isolation plan, built in the parent: which namespaces clone3 gets
 * (the user namespace added for an unprivileged caller), the uid/gid maps,
 * and the mount tree's entries with what is refused before anything
 * happens, at the statement that asks for it. The choices that depend on
 * the caller run as root and as uid 65534.
 */
#include "test_isolate.h"

#include <linux/sched.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define ALL_BUT_TIME                                                                               \
	(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | \
	 CLONE_NEWCGROUP)

/* Child exit codes: which check failed. */
enum {
	CHECK_BUILD = 1,
	CHECK_FLAGS,
	CHECK_INIT,
	CHECK_USER_ADDED,
	CHECK_UID_MAP,
	CHECK_GID_MAP,
	CHECK_REFUSED,
};

static struct moat_isolate_plan *build(const moat_policy *policy, struct moat_error *error)
{
	struct moat_isolate_plan *plan = NULL;
	int result = moat_isolate_plan_build(&plan, policy, error);

	if (result != 0)
		fail_msg("moat_isolate_plan_build: %d %s", result, error->message);
	return plan;
}

/* The plan must be refused with `code` at `line` of test.policy, saying `fragment`. */
static void assert_refused(const char *text, int code, unsigned line, const char *fragment)
{
	moat_policy *policy = it_load(text);
	struct moat_isolate_plan *plan = NULL;
	struct moat_error error = {0};

	assert_int_equal(moat_isolate_plan_build(&plan, policy, &error), code);
	assert_null(plan);
	assert_int_equal(error.code, code);
	assert_int_equal(error.line, line);
	if (line)
		assert_string_equal(error.file, "test.policy");
	if (!strstr(error.message, fragment))
		fail_msg("'%s' lacks '%s'", error.message, fragment);
	moat_policy_free(policy);
}

/* ---- namespaces -------------------------------------------------------- */

static void test_no_namespaces(void **state)
{
	moat_policy *policy = it_load("moat 1\n[process]\nenv clear\n");
	struct moat_error error = {0};
	struct moat_isolate_plan *plan = build(policy, &error);

	(void)state;
	assert_int_equal(moat_isolate_clone_flags(plan), 0);
	assert_false(moat_isolate_has_init(plan));
	assert_false(moat_isolate_has_new_root(plan));
	assert_int_equal(moat_isolate_plan_dropped_count(plan), 0);
	moat_isolate_plan_free(plan);
	moat_policy_free(policy);
}

static int build_in_child(void *context)
{
	const moat_policy *policy = context;
	struct moat_isolate_plan *plan = NULL;
	struct moat_error error;

	return moat_isolate_plan_build(&plan, policy, &error) == 0 ? 0 : CHECK_BUILD;
}

static int check_unshare_all(void *context)
{
	struct moat_isolate_plan *plan = NULL;
	struct moat_error error;
	uint64_t time = access("/proc/self/ns/time", F_OK) == 0 ? CLONE_NEWTIME : 0;

	if (moat_isolate_plan_build(&plan, context, &error) < 0)
		return CHECK_BUILD;
	if (moat_isolate_clone_flags(plan) != (ALL_BUT_TIME | time))
		return CHECK_FLAGS;
	if (!moat_isolate_has_init(plan))
		return CHECK_INIT;
	/* Asked for explicitly: never "added". */
	return plan->user_added ? CHECK_USER_ADDED : 0;
}

static void test_unshare_all(void **state)
{
	enum pt_user user = it_user_of(state);
	moat_policy *policy = it_load("moat 1\n[namespaces]\nunshare all\n");

	pt_assert_exit(it_run(user, check_unshare_all, policy), 0);
	moat_policy_free(policy);
}

/* The user namespace comes with any other one for a caller without CAP_SYS_ADMIN. */
static int check_user_added(void *context)
{
	struct moat_isolate_plan *plan = NULL;
	struct moat_error error;
	bool privileged = geteuid() == 0;
	uint64_t expected = CLONE_NEWNET | (privileged ? 0 : CLONE_NEWUSER);

	if (moat_isolate_plan_build(&plan, context, &error) < 0)
		return CHECK_BUILD;
	if (moat_isolate_clone_flags(plan) != expected)
		return CHECK_FLAGS;
	if (moat_isolate_has_init(plan))
		return CHECK_INIT;
	return plan->user_added == !privileged ? 0 : CHECK_USER_ADDED;
}

static void test_user_added_when_unprivileged(void **state)
{
	enum pt_user user = it_user_of(state);
	moat_policy *policy = it_load("moat 1\n[namespaces]\nunshare net\n");

	pt_assert_exit(it_run(user, check_user_added, policy), 0);
	moat_policy_free(policy);
}

/*
 * die-with-parent (the default) gives moat_spawn()'s sandbox a PID namespace
 * (with a user namespace for an unprivileged caller), which only the
 * namespaces added for it can be taken back from.
 */
struct bind_case {
	const moat_policy *implicit;  /* no [namespaces] */
	const moat_policy *with_net;  /* unshare net */
	const moat_policy *with_pid;  /* unshare pid */
	const moat_policy *opted_out; /* die-with-parent no */
};

static uint64_t bound_flags(const moat_policy *policy, bool *taken_back)
{
	struct moat_isolate_plan *plan = NULL;
	struct moat_error error;
	const char *dropped = "";
	uint64_t flags;

	if (moat_isolate_plan_build(&plan, policy, &error) < 0 ||
	    moat_isolate_plan_bind_to_parent(plan, policy, &dropped, &error) < 0 || dropped)
		return UINT64_MAX;
	flags = moat_isolate_clone_flags(plan);
	*taken_back = moat_isolate_plan_unbind_from_parent(plan) &&
	              moat_isolate_clone_flags(plan) == 0 && !moat_isolate_has_init(plan) &&
	              !moat_isolate_plan_unbind_from_parent(plan);
	moat_isolate_plan_free(plan);
	return flags;
}

static int check_bound(void *context)
{
	const struct bind_case *test = context;
	uint64_t user = geteuid() == 0 ? 0 : CLONE_NEWUSER;
	bool taken_back;

	if (bound_flags(test->implicit, &taken_back) != (CLONE_NEWPID | user) || !taken_back)
		return CHECK_FLAGS;
	if (bound_flags(test->with_net, &taken_back) != (CLONE_NEWNET | CLONE_NEWPID | user) ||
	    taken_back)
		return CHECK_INIT;
	if (bound_flags(test->with_pid, &taken_back) != (CLONE_NEWPID | user) || taken_back)
		return CHECK_USER_ADDED;
	if (bound_flags(test->opted_out, &taken_back) != 0 || taken_back)
		return CHECK_REFUSED;
	return 0;
}

static void test_bound_to_parent(void **state)
{
	enum pt_user user = it_user_of(state);
	struct bind_case test = {
	        it_load("moat 1\n"),
	        it_load("moat 1\n[namespaces]\nunshare net\n"),
	        it_load("moat 1\n[namespaces]\nunshare pid\n"),
	        it_load("moat 1\n[process]\ndie-with-parent no\n"),
	};

	pt_assert_exit(it_run(user, check_bound, &test), 0);
	moat_policy_free((moat_policy *)test.implicit);
	moat_policy_free((moat_policy *)test.with_net);
	moat_policy_free((moat_policy *)test.with_pid);
	moat_policy_free((moat_policy *)test.opted_out);
}

struct maps_case {
	const moat_policy *policy;
	bool root_inside;
};

static int check_maps(void *context)
{
	const struct maps_case *test = context;
	struct moat_isolate_plan *plan = NULL;
	struct moat_error error;
	char uid_map[32], gid_map[32];
	unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();

	if (moat_isolate_plan_build(&plan, test->policy, &error) < 0)
		return CHECK_BUILD;
	snprintf(uid_map, sizeof(uid_map), "%u %u 1\n", test->root_inside ? 0 : uid, uid);
	snprintf(gid_map, sizeof(gid_map), "%u %u 1\n", test->root_inside ? 0 : gid, gid);
	if (strcmp(plan->uid_map, uid_map))
		return CHECK_UID_MAP;
	return strcmp(plan->gid_map, gid_map) ? CHECK_GID_MAP : 0;
}

/* One line each, from the caller's own ids: by default the same ids inside. */
static void test_maps(void **state)
{
	enum pt_user user = it_user_of(state);
	struct maps_case test = {it_load("moat 1\n[namespaces]\nunshare user\n"), false};

	pt_assert_exit(it_run(user, check_maps, &test), 0);
	moat_policy_free((moat_policy *)test.policy);
	test = (struct maps_case){it_load("moat 1\n[namespaces]\nunshare user\nuid 0\ngid 0\n"),
	                          true};
	pt_assert_exit(it_run(user, check_maps, &test), 0);
	moat_policy_free((moat_policy *)test.policy);
}

/* ---- the mount tree ---------------------------------------------------- */

static void test_mount_tree(void **state)
{
	moat_policy *policy = it_load("moat 1\n[namespaces]\nunshare mount pid\n[mounts]\n"
	                              "bind /usr\nbind /usr/bin /tools rw\ntmpfs /tmp size=64K "
	                              "mode=1777\ntmpfs /run\nproc /proc\ndev /dev\n"
	                              "symlink usr/lib /lib\nbind /\n");
	struct moat_error error = {0};
	struct moat_isolate_plan *plan = build(policy, &error);
	const struct moat_isolate_mount *mounts = plan->mounts;

	(void)state;
	assert_true(moat_isolate_has_new_root(plan));
	assert_string_equal(plan->staging, "/tmp");
	assert_string_equal(plan->staging_new_root, "/tmp" MOAT_ISOLATE_NEW_ROOT);
	assert_string_equal(plan->staging_old_root, "/tmp" MOAT_ISOLATE_OLD_ROOT);
	assert_int_equal(plan->mount_count, 8);
	assert_string_equal(mounts[0].source, MOAT_ISOLATE_OLD_ROOT "/usr");
	assert_string_equal(mounts[0].target, MOAT_ISOLATE_NEW_ROOT "/usr");
	assert_true(mounts[0].directory);
	assert_true(mounts[0].entry->read_only);
	assert_false(mounts[1].entry->read_only);
	assert_string_equal(mounts[2].options, "size=65536,mode=01777");
	assert_null(mounts[3].options);
	assert_string_equal(mounts[5].target, MOAT_ISOLATE_NEW_ROOT "/dev");
	assert_string_equal(mounts[5].options, "mode=1777,size=67108864");
	assert_string_equal(mounts[6].source, "usr/lib");
	assert_string_equal(mounts[6].target, MOAT_ISOLATE_NEW_ROOT "/lib");
	/* The whole host root, bound on the new root itself. */
	assert_string_equal(mounts[7].source, MOAT_ISOLATE_OLD_ROOT "/");
	assert_string_equal(mounts[7].target, MOAT_ISOLATE_NEW_ROOT);
	/* The location comes along for the child's messages. */
	assert_int_equal(mounts[2].entry->location.line, 7);
	moat_isolate_plan_free(plan);
	moat_policy_free(policy);
}

/* Sources are canonical on the host: an absolute symlink must not resolve in the new tree. */
static void test_sources_are_canonical(void **state)
{
	char directory[] = "/tmp/moat-isolate-XXXXXX", link[64], file[64], real[PATH_MAX];
	char text[512], expected[PATH_MAX + 16];
	moat_policy *policy;
	struct moat_error error = {0};
	struct moat_isolate_plan *plan;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(directory));
	assert_non_null(realpath(directory, real));
	snprintf(link, sizeof(link), "%s/link", directory);
	snprintf(file, sizeof(file), "%s/file", directory);
	assert_int_equal(symlink(real, link), 0);
	fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	close(fd);
	snprintf(text, sizeof(text),
	         "moat 1\n[namespaces]\nunshare mount\n[mounts]\nbind %s /data\nbind %s /file\n",
	         link, file);
	policy = it_load(text);
	plan = build(policy, &error);
	snprintf(expected, sizeof(expected), MOAT_ISOLATE_OLD_ROOT "%s", real);
	assert_string_equal(plan->mounts[0].source, expected);
	assert_true(plan->mounts[0].directory);
	assert_false(plan->mounts[1].directory);
	moat_isolate_plan_free(plan);
	moat_policy_free(policy);
	unlink(link);
	unlink(file);
	rmdir(directory);
}

/* A source that disappeared since the policy was loaded: refused, or skipped with `?`. */
static void test_absent_sources(void **state)
{
	char first[] = "/tmp/moat-isolate-XXXXXX", second[] = "/tmp/moat-isolate-XXXXXX";
	char text[512];
	moat_policy *policy;
	struct moat_error error = {0};
	struct moat_isolate_plan *plan = NULL;

	(void)state;
	assert_non_null(mkdtemp(first));
	assert_non_null(mkdtemp(second));
	snprintf(text, sizeof(text),
	         "moat 1\n[namespaces]\nunshare mount\n[mounts]\nbind ?%s /a\nbind /usr\n"
	         "bind %s /b\n",
	         first, second);
	policy = it_load(text);
	rmdir(first);
	rmdir(second);
	assert_int_equal(moat_isolate_plan_build(&plan, policy, &error), -ENOENT);
	assert_null(plan);
	assert_int_equal(error.line, 7);
	assert_non_null(strstr(error.message, second));
	moat_policy_free(policy);

	snprintf(text, sizeof(text), "moat 1\n[namespaces]\nunshare mount\n[mounts]\nbind ?%s /a\n",
	         first);
	policy = it_load(text);
	plan = build(policy, &error);
	assert_int_equal(plan->mount_count, 0);
	moat_isolate_plan_free(plan);
	moat_policy_free(policy);
}

static void test_refused_destinations(void **state)
{
	(void)state;
	assert_refused("moat 1\n[namespaces]\nunshare mount\n[mounts]\nbind /usr\n"
	               "bind /usr /a/../b\n",
	               -EINVAL, 6, "'..' is not allowed");
	assert_refused("moat 1\n[namespaces]\nunshare mount\n[mounts]\nsymlink usr/lib /lib\n"
	               "bind /usr\ntmpfs /lib/cache\n",
	               -EINVAL, 7, "below the symlink /lib made at line 5");
	assert_refused("moat 1\n[namespaces]\nunshare net\n[mounts]\n", -EINVAL, 0,
	               "[mounts] needs `unshare mount`");
}

/* A user namespace may mount procfs only for a PID namespace it owns. */
static int check_proc_without_pid(void *context)
{
	struct moat_isolate_plan *plan = NULL;
	struct moat_error error;
	int result = moat_isolate_plan_build(&plan, context, &error);

	if (geteuid() == 0)
		return result == 0 ? 0 : CHECK_BUILD;
	return result == -EINVAL && error.line == 5 && strstr(error.message, "unshare pid")
	               ? 0
	               : CHECK_REFUSED;
}

static void test_proc_needs_pid_namespace(void **state)
{
	enum pt_user user = it_user_of(state);
	moat_policy *policy =
	        it_load("moat 1\n[namespaces]\nunshare mount\n[mounts]\nproc /proc\n");

	pt_assert_exit(it_run(user, check_proc_without_pid, policy), 0);
	moat_policy_free(policy);
	/* With the user namespace asked for, root is refused too. */
	if (geteuid() == 0)
		assert_refused("moat 1\n[namespaces]\nunshare user mount\n[mounts]\nproc /proc\n",
		               -EINVAL, 5, "needs `unshare pid`");
	policy = it_load("moat 1\n[namespaces]\nunshare mount pid\n[mounts]\nproc /proc\n");
	pt_assert_exit(it_run(user, build_in_child, policy), 0);
	moat_policy_free(policy);
}

static void test_clone_failures_explained(void **state)
{
	moat_policy *policy = it_load("moat 1\n[namespaces]\nunshare user net\n");
	struct moat_error error = {0};
	struct moat_isolate_plan *plan = build(policy, &error);

	(void)state;
	assert_int_equal(moat_isolate_clone_failed(plan, -EPERM, &error), -EPERM);
	assert_non_null(strstr(error.message, "kernel.unprivileged_userns_clone"));
	assert_int_equal(moat_isolate_clone_failed(plan, -ENOSPC, &error), -ENOSPC);
	assert_non_null(strstr(error.message, "max_*_namespaces"));
	moat_isolate_plan_free(plan);
	moat_policy_free(policy);

	/* Refused namespaces that only die-with-parent asked for are named as such. */
	policy = it_load("moat 1\n");
	plan = build(policy, &error);
	assert_int_equal(
	        moat_isolate_plan_bind_to_parent(plan, policy, &(const char *){NULL}, &error), 0);
	assert_int_equal(moat_isolate_clone_failed(plan, -EPERM, &error), -EPERM);
	assert_non_null(strstr(error.message, "die-with-parent"));
	moat_isolate_plan_free(plan);
	moat_policy_free(policy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_no_namespaces),
	        pt_test_as_both(test_unshare_all),
	        pt_test_as_both(test_user_added_when_unprivileged),
	        pt_test_as_both(test_bound_to_parent),
	        pt_test_as_both(test_maps),
	        cmocka_unit_test(test_mount_tree),
	        cmocka_unit_test(test_sources_are_canonical),
	        cmocka_unit_test(test_absent_sources),
	        cmocka_unit_test(test_refused_destinations),
	        pt_test_as_both(test_proc_needs_pid_namespace),
	        cmocka_unit_test(test_clone_failures_explained),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
