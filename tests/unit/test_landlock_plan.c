// SPDX-License-Identifier: MIT
/*
 * Landlock plans without enforcement: the ABI probe and its feature table,
 * compat strict and best-effort against faked older kernels, path errors,
 * and the plan's descriptors.
 */
#include "test_landlock.h"

#include <dirent.h>
#include <sys/syscall.h>

#include "landlock/abi.h"

static struct moat_landlock_features kernel;

static int probe_kernel(void **state)
{
	(void)state;
	return moat_landlock_probe(&kernel);
}

static void test_probe_matches_kernel(void **state)
{
	struct moat_landlock_features table;
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	(void)state;
	assert_int_equal(kernel.abi, abi < 0 ? 0 : abi);
	moat_landlock_features_for_abi(&table, kernel.abi);
	assert_true(kernel.fs == table.fs);
	assert_true(kernel.net == table.net);
	assert_true(kernel.scopes == table.scopes);
	assert_int_equal(kernel.restrict_flags, table.restrict_flags);
}

static void test_features_per_abi(void **state)
{
	struct moat_landlock_features features;

	(void)state;
	moat_landlock_features_for_abi(&features, 0);
	assert_true(features.fs == 0 && features.net == 0 && features.scopes == 0);
	moat_landlock_features_for_abi(&features, 1);
	assert_true(features.fs == 0x1fff);
	moat_landlock_features_for_abi(&features, 2);
	assert_true(features.fs == (0x1fff | LANDLOCK_ACCESS_FS_REFER));
	moat_landlock_features_for_abi(&features, 3);
	assert_true(features.fs & LANDLOCK_ACCESS_FS_TRUNCATE);
	assert_true(features.net == 0);
	moat_landlock_features_for_abi(&features, 4);
	assert_true(features.net ==
	            (LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP));
	assert_false(features.fs & LANDLOCK_ACCESS_FS_IOCTL_DEV);
	moat_landlock_features_for_abi(&features, 5);
	assert_true(features.fs & LANDLOCK_ACCESS_FS_IOCTL_DEV);
	assert_true(features.scopes == 0);
	moat_landlock_features_for_abi(&features, 6);
	assert_true(features.scopes == (MOAT_SCOPE_ABSTRACT_UNIX | MOAT_SCOPE_SIGNAL));
	assert_int_equal(features.restrict_flags, 0);
	moat_landlock_features_for_abi(&features, 7);
	assert_true(features.restrict_flags & LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON);
	assert_false(features.restrict_flags & LANDLOCK_RESTRICT_SELF_TSYNC);
	moat_landlock_features_for_abi(&features, 8);
	assert_true(features.restrict_flags & LANDLOCK_RESTRICT_SELF_TSYNC);
	assert_false(features.fs & LANDLOCK_ACCESS_FS_RESOLVE_UNIX);
	moat_landlock_features_for_abi(&features, 9);
	assert_true(features.fs & LANDLOCK_ACCESS_FS_RESOLVE_UNIX);
	moat_landlock_features_for_abi(&features, 42);
	assert_true(features.fs == ((LANDLOCK_ACCESS_FS_RESOLVE_UNIX << 1) - 1));
}

static void test_right_names(void **state)
{
	(void)state;
	assert_string_equal(moat_landlock_fs_right_name(MOAT_FS_EXECUTE), "execute");
	assert_string_equal(moat_landlock_fs_right_name(MOAT_FS_MAKE_SYM), "make-sym");
	assert_string_equal(moat_landlock_fs_right_name(MOAT_FS_IOCTL_DEV), "ioctl-dev");
	assert_null(moat_landlock_fs_right_name(MOAT_FS_READ));
	assert_int_equal(moat_landlock_fs_right_abi(MOAT_FS_READ_DIR), 1);
	assert_int_equal(moat_landlock_fs_right_abi(MOAT_FS_REFER), 2);
	assert_int_equal(moat_landlock_fs_right_abi(MOAT_FS_TRUNCATE), 3);
	assert_int_equal(moat_landlock_fs_right_abi(MOAT_FS_IOCTL_DEV), 5);
	assert_int_equal(moat_landlock_fs_right_abi(LANDLOCK_ACCESS_FS_RESOLVE_UNIX), 9);
}

static int apply_unprepared(void *plan)
{
	struct moat_error error;
	int code = moat_landlock_apply(plan, 0, &error);

	if (code == -EPERM && strstr(error.message, "no_new_privs"))
		return 0;
	return code == 0 ? LL_CHILD_UNEXPECTED : -code;
}

/* No section, no work: the plan applies as a no-op, even without no_new_privs. */
static void test_empty_policy_is_a_no_op(void **state)
{
	struct moat_landlock_plan *plan;
	struct moat_policy policy;
	struct moat_error error;
	pid_t pid;
	int status;

	(void)state;
	ll_policy_init(&policy, MOAT_COMPAT_STRICT);
	plan = ll_plan(&policy, &kernel);
	assert_false(moat_landlock_plan_enforces(plan));
	assert_int_equal(moat_landlock_plan_dropped_count(plan), 0);
	assert_null(moat_landlock_plan_dropped(plan, 0));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(moat_landlock_apply(plan, 0, &error) == 0 ? 0 : 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	moat_landlock_plan_free(plan);
	moat_landlock_plan_free(NULL);
}

/* Without no_new_privs apply refuses, before anything is restricted. */
static void test_apply_needs_no_new_privs(void **state)
{
	struct moat_path_rule rules[] = {ll_rule(MOAT_FS_READ, "/usr", 2)};
	struct moat_landlock_plan *plan;
	struct moat_policy policy;
	pid_t pid;
	int status;

	(void)state;
	ll_require_abi(&kernel, 1, "applying a filesystem plan");
	ll_policy_init(&policy, MOAT_COMPAT_BEST_EFFORT);
	ll_policy_filesystem(&policy, rules, 1);
	plan = ll_plan(&policy, &kernel);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(apply_unprepared(plan));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	moat_landlock_plan_free(plan);
}

static void test_apply_rejects_unknown_flags(void **state)
{
	struct moat_path_rule rules[] = {ll_rule(MOAT_FS_READ, "/usr", 2)};
	struct moat_landlock_plan *plan;
	struct moat_policy policy;
	struct moat_error error;

	(void)state;
	ll_policy_init(&policy, MOAT_COMPAT_BEST_EFFORT);
	ll_policy_filesystem(&policy, rules, 1);
	plan = ll_plan(&policy, &kernel);
	assert_int_equal(moat_landlock_apply(plan, 1U << 7, &error), -EINVAL);
	assert_int_equal(error.code, -EINVAL);
	moat_landlock_plan_free(plan);
}

static void test_missing_path_is_located(void **state)
{
	struct moat_path_rule rules[] = {
	        ll_rule(MOAT_FS_READ, "/usr", 2),
	        ll_rule(MOAT_FS_READ, "/nonexistent/moat-test", 3),
	};
	struct moat_landlock_features features;
	struct moat_landlock_plan *plan = (void *)&rules; /* must be reset to NULL */
	struct moat_policy policy;
	struct moat_error error = {0};

	(void)state;
	rules[1].location.column = 7;
	ll_policy_init(&policy, MOAT_COMPAT_STRICT);
	ll_policy_filesystem(&policy, rules, 2);
	moat_landlock_features_for_abi(&features, 7);
	assert_int_equal(moat_landlock_plan_build(&plan, &policy, &features, &error), -ENOENT);
	assert_null(plan);
	assert_int_equal(error.code, -ENOENT);
	assert_string_equal(error.file, "test.policy");
	assert_int_equal(error.line, 3);
	assert_int_equal(error.column, 7);
	assert_non_null(strstr(error.message, "/nonexistent/moat-test"));
	assert_non_null(strstr(error.message, "does not exist"));

	/* A typo is a policy error even when the kernel enforces nothing. */
	policy.compat = MOAT_COMPAT_BEST_EFFORT;
	moat_landlock_features_for_abi(&features, 0);
	assert_int_equal(moat_landlock_plan_build(&plan, &policy, &features, &error), -ENOENT);
	assert_int_equal(error.line, 3);
}

static size_t count_open_fds(void)
{
	DIR *directory = opendir("/proc/self/fd");
	size_t count = 0;

	assert_non_null(directory);
	while (readdir(directory))
		count++;
	closedir(directory);
	return count;
}

/* `?` skips an absent path; every path is held close-on-exec, then closed. */
static void test_optional_path_and_descriptors(void **state)
{
	struct moat_path_rule rules[] = {
	        ll_rule(MOAT_FS_READ, "/nonexistent/moat-test", 2),
	        ll_rule(MOAT_FS_READ, "/usr", 3),
	        ll_rule(MOAT_FS_EXEC, "/etc/hostname", 4),
	};
	struct moat_landlock_features features;
	struct moat_landlock_plan *plan;
	struct moat_policy policy;
	size_t before = count_open_fds();
	size_t with_plan;
	int checked = 0;
	DIR *directory;
	struct dirent *entry;

	(void)state;
	rules[0].optional = true;
	ll_policy_init(&policy, MOAT_COMPAT_STRICT);
	ll_policy_filesystem(&policy, rules, 3);
	moat_landlock_features_for_abi(&features, 7);
	plan = ll_plan(&policy, &features);
	assert_true(moat_landlock_plan_enforces(plan));
	with_plan = count_open_fds();
	assert_int_equal(with_plan, before + 2);
	directory = opendir("/proc/self/fd");
	assert_non_null(directory);
	while ((entry = readdir(directory))) {
		char link[PATH_MAX] = "";
		char path[PATH_MAX];
		int fd = atoi(entry->d_name);

		ll_path(path, "/proc/self/fd/%d", fd);
		if (readlink(path, link, sizeof(link) - 1) < 0)
			continue;
		if (strcmp(link, "/usr") == 0 || strcmp(link, "/etc/hostname") == 0) {
			assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
			assert_true(fcntl(fd, F_GETFL) & O_PATH);
			checked++;
		}
	}
	closedir(directory);
	assert_int_equal(checked, 2);
	moat_landlock_plan_free(plan);
	assert_int_equal(count_open_fds(), before);
}

/* A path rule without a section being present is not looked at. */
static void test_absent_section_is_not_applied(void **state)
{
	struct moat_path_rule rules[] = {ll_rule(MOAT_FS_READ, "/nonexistent/moat-test", 2)};
	struct moat_landlock_plan *plan;
	struct moat_policy policy;

	(void)state;
	ll_policy_init(&policy, MOAT_COMPAT_STRICT);
	policy.filesystem.rules = rules;
	policy.filesystem.count = 1;
	policy.network.scopes = MOAT_SCOPE_SIGNAL;
	plan = ll_plan(&policy, &kernel);
	assert_false(moat_landlock_plan_enforces(plan));
	moat_landlock_plan_free(plan);
}

static int build_faked(struct moat_policy *policy, int abi, struct moat_landlock_plan **plan,
                       struct moat_error *error)
{
	struct moat_landlock_features features;

	moat_landlock_features_for_abi(&features, abi);
	memset(error, 0, sizeof(*error));
	return moat_landlock_plan_build(plan, policy, &features, error);
}

/* ABI 1 lacks refer, truncate and ioctl-dev; strict names each, at the rule. */
static void test_strict_refuses_filesystem_rights(void **state)
{
	struct moat_path_rule rules[] = {
	        ll_rule(MOAT_FS_READ, "/usr", 2),
	        ll_named_rule(MOAT_FS_WRITE | MOAT_FS_IOCTL_DEV, "/tmp", 3),
	};
	struct moat_landlock_plan *plan;
	struct moat_policy policy;
	struct moat_error error;

	(void)state;
	ll_policy_init(&policy, MOAT_COMPAT_STRICT);
	ll_policy_filesystem(&policy, rules, 2);
	assert_int_equal(build_faked(&policy, 1, &plan, &error), -EOPNOTSUPP);
	assert_null(plan);
	assert_non_null(strstr(error.message, "[filesystem] refer needs Landlock ABI 2"));
	assert_non_null(strstr(error.message, "[filesystem] truncate needs Landlock ABI 3"));
	assert_non_null(strstr(error.message, "[filesystem] ioctl-dev needs Landlock ABI 5"));
	assert_non_null(strstr(error.message, "the kernel has ABI 1"));
	assert_non_null(strstr(error.message, "compat best-effort"));
	assert_int_equal(error.line, 3); /* the rule that names them */

	/* The same rights implied by the `write` shorthand degrade instead (closures.c). */
	rules[1] = ll_rule(MOAT_FS_WRITE, "/tmp", 3);
	assert_int_equal(build_faked(&policy, 1, &plan, &error), 0);
	assert_int_equal(moat_landlock_plan_dropped_count(plan), 0);
	assert_true(moat_landlock_plan_enforces(plan));
	moat_landlock_plan_free(plan);

	/* ABI 5 has every right of the language. */
	rules[1] = ll_named_rule(MOAT_FS_WRITE | MOAT_FS_IOCTL_DEV, "/tmp", 3);
	assert_int_equal(build_faked(&policy, 5, &plan, &error), 0);
	assert_int_equal(moat_landlock_plan_dropped_count(plan), 0);
	moat_landlock_plan_free(plan);
}

/* `ioctl-dev?`: strict gives it up where the kernel lacks it, and refuses the named right. */
static void test_strict_gives_up_optional_rights(void **state)
{
	struct moat_path_rule rules[] = {
	        ll_named_rule(MOAT_FS_READ_FILE | MOAT_FS_WRITE_FILE | MOAT_FS_IOCTL_DEV,
	                      "/dev/tty", 2),
	};
	struct moat_landlock_plan *plan;
	struct moat_policy policy;
	struct moat_error error;

	(void)state;
	ll_policy_init(&policy, MOAT_COMPAT_STRICT);
	ll_policy_filesystem(&policy, rules, 1);
	/* The control: named, the right makes strict refuse below ABI 5. */
	assert_int_equal(build_faked(&policy, 4, &plan, &error), -EOPNOTSUPP);
	assert_non_null(strstr(error.message, "[filesystem] ioctl-dev needs Landlock ABI 5"));
	rules[0].named &= ~(uint64_t)MOAT_FS_IOCTL_DEV;
	rules[0].optional_rights = MOAT_FS_IOCTL_DEV;
	for (int abi = 1; abi <= 7; abi++) {
		assert_int_equal(build_faked(&policy, abi, &plan, &error), 0);
		assert_int_equal(moat_landlock_plan_dropped_count(plan), 0);
		assert_true(moat_landlock_plan_enforces(plan));
		moat_landlock_plan_free(plan);
	}
	/* Optional truncate and refer too, on the ABIs before theirs. */
	rules[0].access |= MOAT_FS_TRUNCATE | MOAT_FS_REFER;
	rules[0].optional_rights |= MOAT_FS_TRUNCATE | MOAT_FS_REFER;
	assert_int_equal(build_faked(&policy, 1, &plan, &error), 0);
	moat_landlock_plan_free(plan);
}

static void test_strict_refuses_without_landlock(void **state)
{
	struct moat_path_rule rules[] = {ll_rule(MOAT_FS_READ, "/usr", 2)};
	struct moat_landlock_features features;
	struct moat_landlock_plan *plan;
	struct moat_policy policy;
	struct moat_error error;

	(void)state;
	ll_policy_init(&policy, MOAT_COMPAT_STRICT);
	ll_policy_filesystem(&policy, rules, 1);
	assert_int_equal(build_faked(&policy, 0, &plan, &error), -EOPNOTSUPP);
	assert_non_null(strstr(error.message, "[filesystem] needs Landlock ABI 1"));
	assert_non_null(strstr(error.message, "the kernel has no Landlock"));
	moat_landlock_features_for_abi(&features, 0);
	features.disabled = true;
	assert_int_equal(moat_landlock_plan_build(&plan, &policy, &features, &error), -EOPNOTSUPP);
	assert_non_null(strstr(error.message, "Landlock is disabled on this kernel"));
}

static void test_strict_refuses_network(void **state)
{
	static const uint16_t ports[] = {443};
	struct moat_landlock_plan *plan;
	struct moat_policy policy;
	struct moat_error error;

	(void)state;
	ll_policy_init(&policy, MOAT_COMPAT_STRICT);
	policy.network.present = true;
	policy.network.connect_tcp =
	        (struct moat_port_list){.present = true, .ports = ports, .count = 1};
	policy.network.connect_tcp.location = ll_at(5);
	policy.network.bind_tcp = (struct moat_port_list){.present = true, .location = ll_at(6)};
	policy.network.scopes = MOAT_SCOPE_SIGNAL | MOAT_SCOPE_ABSTRACT_UNIX;
	policy.network.scope_location = ll_at(7);

	assert_int_equal(build_faked(&policy, 3, &plan, &error), -EOPNOTSUPP);
	assert_non_null(strstr(error.message, "[network] connect tcp needs Landlock ABI 4"));
	assert_non_null(strstr(error.message, "[network] bind tcp needs Landlock ABI 4"));
	assert_non_null(strstr(error.message, "[network] scope signal needs Landlock ABI 6"));
	assert_int_equal(error.line, 5);

	assert_int_equal(build_faked(&policy, 5, &plan, &error), -EOPNOTSUPP);
	assert_null(strstr(error.message, "tcp"));
	assert_non_null(
	        strstr(error.message, "[network] scope abstract-unix needs Landlock ABI 6"));
	assert_non_null(strstr(error.message, "the kernel has ABI 5"));
	assert_int_equal(error.line, 7);

	assert_int_equal(build_faked(&policy, 6, &plan, &error), 0);
	assert_true(moat_landlock_plan_enforces(plan));
	moat_landlock_plan_free(plan);
}

static bool has_line(const struct moat_landlock_plan *plan, const char *line)
{
	for (size_t i = 0; i < moat_landlock_plan_dropped_count(plan); i++)
		if (strcmp(moat_landlock_plan_dropped(plan, i), line) == 0)
			return true;
	return false;
}

static void test_best_effort_reports_drops(void **state)
{
	static const uint16_t ports[] = {443, 80};
	struct moat_path_rule rules[] = {
	        ll_named_rule(MOAT_FS_WRITE | MOAT_FS_IOCTL_DEV, "/tmp", 2)};
	struct moat_landlock_plan *plan;
	struct moat_policy policy;
	struct moat_error error;

	(void)state;
	ll_policy_init(&policy, MOAT_COMPAT_BEST_EFFORT);
	ll_policy_filesystem(&policy, rules, 1);
	policy.network.present = true;
	policy.network.connect_tcp =
	        (struct moat_port_list){.present = true, .ports = ports, .count = 2};
	policy.network.scopes = MOAT_SCOPE_SIGNAL;

	assert_int_equal(build_faked(&policy, 3, &plan, &error), 0);
	assert_int_equal(moat_landlock_plan_dropped_count(plan), 3);
	assert_true(has_line(plan, "[filesystem] ioctl-dev: needs Landlock ABI 5, the kernel has "
	                           "ABI 3; ioctl on device files is not restricted"));
	assert_true(has_line(plan, "[network] connect tcp: needs Landlock ABI 4, the kernel has "
	                           "ABI 3; TCP connect is not restricted"));
	assert_true(has_line(plan, "[network] scope signal: needs Landlock ABI 6, the kernel has "
	                           "ABI 3; processes outside the sandbox can be signalled"));
	assert_true(moat_landlock_plan_enforces(plan));
	moat_landlock_plan_free(plan);

	assert_int_equal(build_faked(&policy, 1, &plan, &error), 0);
	assert_int_equal(moat_landlock_plan_dropped_count(plan), 5);
	assert_true(has_line(plan,
	                     "[filesystem] refer: needs Landlock ABI 2, the kernel has ABI 1; "
	                     "renaming and linking across directories stays denied "
	                     "everywhere"));
	assert_true(has_line(plan, "[filesystem] truncate: needs Landlock ABI 3, the kernel has "
	                           "ABI 1; truncating files is not restricted"));
	moat_landlock_plan_free(plan);

	assert_int_equal(build_faked(&policy, 0, &plan, &error), 0);
	assert_false(moat_landlock_plan_enforces(plan));
	assert_true(has_line(plan, "[filesystem]: needs Landlock ABI 1, the kernel has no "
	                           "Landlock; filesystem access is not restricted"));
	assert_int_equal(moat_landlock_plan_dropped_count(plan), 3);
	moat_landlock_plan_free(plan);

	assert_int_equal(build_faked(&policy, 6, &plan, &error), 0);
	assert_int_equal(moat_landlock_plan_dropped_count(plan), 0);
	moat_landlock_plan_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_probe_matches_kernel),
	        cmocka_unit_test(test_features_per_abi),
	        cmocka_unit_test(test_right_names),
	        cmocka_unit_test(test_empty_policy_is_a_no_op),
	        cmocka_unit_test(test_apply_needs_no_new_privs),
	        cmocka_unit_test(test_apply_rejects_unknown_flags),
	        cmocka_unit_test(test_missing_path_is_located),
	        cmocka_unit_test(test_optional_path_and_descriptors),
	        cmocka_unit_test(test_absent_section_is_not_applied),
	        cmocka_unit_test(test_strict_refuses_filesystem_rights),
	        cmocka_unit_test(test_strict_gives_up_optional_rights),
	        cmocka_unit_test(test_strict_refuses_without_landlock),
	        cmocka_unit_test(test_strict_refuses_network),
	        cmocka_unit_test(test_best_effort_reports_drops),
	};

	return cmocka_run_group_tests(tests, probe_kernel, NULL);
}
