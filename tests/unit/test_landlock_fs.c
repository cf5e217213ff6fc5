// SPDX-License-Identifier: MIT
/*
 * Landlock filesystem rules, enforced: every attack runs in a forked child
 * under the plan, and again without it (the positive control), as root and
 * as uid 65534.
 *
 * The sandbox may write in tree.allowed, execute from /usr and read /etc;
 * tree.outside holds the files it must not reach.
 */
#include "test_landlock.h"

static struct moat_landlock_features kernel;
static struct ll_tree tree;
static char inside_file[PATH_MAX];  /* allowed/inside.txt */
static char program_copy[PATH_MAX]; /* allowed/true: a program the sandbox may not run */
static char other_secret[PATH_MAX]; /* outside/other.txt */

static void copy_file(const char *from, const char *to, mode_t mode)
{
	char buffer[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	ssize_t length;

	assert_true(in >= 0 && out >= 0);
	while ((length = read(in, buffer, sizeof(buffer))) > 0)
		assert_int_equal(write(out, buffer, (size_t)length), length);
	assert_int_equal(length, 0);
	assert_int_equal(fchmod(out, mode), 0);
	close(in);
	close(out);
	ll_give_away(to);
}

static int setup(void **state)
{
	(void)state;
	if (moat_landlock_probe(&kernel) < 0)
		return -1;
	ll_tree_create(&tree);
	ll_path(inside_file, "%s/inside.txt", tree.allowed);
	ll_path(program_copy, "%s/true", tree.allowed);
	ll_path(other_secret, "%s/other.txt", tree.outside);
	ll_write_file(inside_file, "inside\n", 0644);
	ll_write_file(other_secret, "other\n", 0644);
	copy_file("/usr/bin/true", program_copy, 0755);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ll_tree_remove(&tree);
	return 0;
}

/* write ALLOWED, exec /usr, read /etc: the shape of a typical policy. */
static struct moat_landlock_plan *sandbox_plan(void)
{
	static struct moat_path_rule rules[3];
	struct moat_policy policy;

	rules[0] = ll_rule(MOAT_FS_WRITE, tree.allowed, 2);
	rules[1] = ll_rule(MOAT_FS_EXEC, "/usr", 3);
	rules[2] = ll_rule(MOAT_FS_READ, "/etc", 4);
	ll_policy_init(&policy, MOAT_COMPAT_BEST_EFFORT);
	ll_policy_filesystem(&policy, rules, 3);
	return ll_plan(&policy, &kernel);
}

/* As `user`: without the plan `action` must succeed, with it fail with `denial`. */
static void expect_denied_as(enum ll_user user, const struct moat_landlock_plan *plan,
                             ll_action *action, void *context, int denial)
{
	int control = ll_run(NULL, user, action, context);
	int sandboxed = ll_run(plan, user, action, context);

	printf("  %s: without the plan %d, with it %d (want 0, %d)\n", ll_user_name(user), control,
	       sandboxed, denial);
	assert_int_equal(control, 0);
	assert_int_equal(sandboxed, denial);
}

static void expect_denied(const struct moat_landlock_plan *plan, ll_action *action, void *context,
                          int denial)
{
	for (enum ll_user user = LL_SELF; user <= ll_last_user(); user++)
		expect_denied_as(user, plan, action, context, denial);
}

static void expect_allowed(const struct moat_landlock_plan *plan, ll_action *action, void *context)
{
	for (enum ll_user user = LL_SELF; user <= ll_last_user(); user++)
		assert_int_equal(ll_run(plan, user, action, context), 0);
}

static int create_and_remove(void *path)
{
	int result = ll_open_close(path, O_WRONLY | O_CREAT | O_EXCL);

	if (result == 0 && unlink(path) < 0)
		return LL_CHILD_UNEXPECTED;
	return result;
}

static int list_directory(void *path)
{
	return ll_open_close(path, O_RDONLY | O_DIRECTORY);
}

static void test_read_outside(void **state)
{
	struct moat_landlock_plan *plan;

	(void)state;
	ll_require_abi(&kernel, 1, "filesystem rules");
	plan = sandbox_plan();
	expect_denied(plan, ll_read, tree.secret, EACCES);
	expect_denied(plan, list_directory, tree.outside, EACCES);
	expect_allowed(plan, ll_read, inside_file);
	expect_allowed(plan, list_directory, tree.allowed);
	expect_allowed(plan, ll_read, "/etc/passwd");
	moat_landlock_plan_free(plan);
}

static void test_write_outside(void **state)
{
	struct moat_landlock_plan *plan;
	char created[PATH_MAX];
	char created_inside[PATH_MAX];

	(void)state;
	ll_require_abi(&kernel, 1, "filesystem rules");
	ll_path(created, "%s/created", tree.outside);
	ll_path(created_inside, "%s/created", tree.allowed);
	plan = sandbox_plan();
	expect_denied(plan, ll_write, tree.secret, EACCES);
	expect_denied(plan, create_and_remove, created, EACCES);
	/* Only root may write there at all: Landlock stops even root. */
	if (geteuid() == 0)
		expect_denied_as(LL_SELF, plan, ll_write, "/etc/passwd", EACCES);
	expect_allowed(plan, ll_write, inside_file);
	expect_allowed(plan, create_and_remove, created_inside);
	moat_landlock_plan_free(plan);
}

struct link_pair {
	const char *target; /* what the new name points to */
	const char *name;   /* the new name, in the writable directory */
};

/* Creates a symlink in the writable directory and reads through it. */
static int symlink_and_read(void *context)
{
	const struct link_pair *pair = context;
	int result;

	if (symlink(pair->target, pair->name) < 0)
		return LL_CHILD_UNEXPECTED;
	result = ll_read((void *)pair->name);
	unlink(pair->name);
	return result;
}

static void test_symlink_escape(void **state)
{
	struct moat_landlock_plan *plan;
	char planted[PATH_MAX];
	char created[PATH_MAX];
	struct link_pair pair = {.target = tree.secret, .name = created};

	(void)state;
	ll_require_abi(&kernel, 1, "filesystem rules");
	ll_path(planted, "%s/planted-link", tree.allowed);
	ll_path(created, "%s/created-link", tree.allowed);
	assert_int_equal(symlink(tree.secret, planted), 0);
	ll_give_away(planted);
	plan = sandbox_plan();
	/* A link planted before the sandbox started, and one made inside it. */
	expect_denied(plan, ll_read, planted, EACCES);
	expect_denied(plan, symlink_and_read, &pair, EACCES);
	moat_landlock_plan_free(plan);
	assert_int_equal(unlink(planted), 0);
}

/* Hard-links a file from outside into the writable directory. */
static int hard_link(void *context)
{
	const struct link_pair *pair = context;
	int result = ll_result(link(pair->target, pair->name));

	if (result == 0)
		unlink(pair->name);
	return result;
}

static int move_in_and_back(void *context)
{
	const struct link_pair *pair = context;
	int result = ll_result(rename(pair->target, pair->name));

	if (result == 0 && rename(pair->name, pair->target) < 0)
		return LL_CHILD_UNEXPECTED;
	return result;
}

/*
 * A hard link or a rename would give the outside file a name in the writable
 * directory, where the path rules would then allow writing it. Landlock
 * refuses both: the source directory grants neither remove-file nor refer.
 */
static void test_hard_link_escape(void **state)
{
	struct moat_landlock_plan *plan;
	char name[PATH_MAX];
	struct link_pair pair = {.target = tree.secret, .name = name};

	(void)state;
	ll_require_abi(&kernel, 1, "filesystem rules");
	ll_path(name, "%s/hard-link", tree.allowed);
	plan = sandbox_plan();
	expect_denied(plan, hard_link, &pair, EXDEV);
	expect_denied(plan, move_in_and_back, &pair, EACCES);
	moat_landlock_plan_free(plan);
}

static int truncate_file(void *path)
{
	return ll_result(truncate(path, 0));
}

static int open_truncating(void *path)
{
	return ll_open_close(path, O_WRONLY | O_TRUNC);
}

static void test_truncate_outside(void **state)
{
	struct moat_landlock_plan *plan;

	(void)state;
	ll_require_abi(&kernel, 3, "the truncate right");
	plan = sandbox_plan();
	expect_denied(plan, truncate_file, tree.secret, EACCES);
	expect_denied(plan, open_truncating, tree.secret, EACCES);
	expect_allowed(plan, truncate_file, inside_file);
	moat_landlock_plan_free(plan);
	ll_write_file(tree.secret, "secret\n", 0644);
}

static int run_program(void *path)
{
	char *const argv[] = {path, NULL};
	char *const envp[] = {NULL};

	execve(path, argv, envp);
	return errno;
}

/* The writable directory does not grant execute: a dropped binary cannot run. */
static void test_exec(void **state)
{
	struct moat_landlock_plan *plan;

	(void)state;
	ll_require_abi(&kernel, 1, "filesystem rules");
	plan = sandbox_plan();
	expect_denied(plan, run_program, program_copy, EACCES);
	expect_allowed(plan, run_program, "/usr/bin/true");
	moat_landlock_plan_free(plan);
}

/*
 * A rule on a file keeps only the rights Landlock accepts on files (the
 * kernel rejects the whole ruleset otherwise); its siblings stay denied.
 */
static void test_rule_on_a_file(void **state)
{
	struct moat_path_rule rules[] = {ll_rule(MOAT_FS_WRITE | MOAT_FS_EXECUTE, tree.secret, 2)};
	struct moat_landlock_plan *plan;
	struct moat_policy policy;

	(void)state;
	ll_require_abi(&kernel, 1, "filesystem rules");
	ll_policy_init(&policy, MOAT_COMPAT_BEST_EFFORT);
	ll_policy_filesystem(&policy, rules, 1);
	plan = ll_plan(&policy, &kernel);
	expect_allowed(plan, ll_read, tree.secret);
	expect_allowed(plan, ll_write, tree.secret);
	expect_denied(plan, ll_read, other_secret, EACCES);
	moat_landlock_plan_free(plan);
}

/* An optional path that is absent is skipped; the rest of the plan holds. */
static void test_optional_path_skipped(void **state)
{
	struct moat_path_rule rules[] = {
	        ll_rule(MOAT_FS_READ, "/nonexistent/moat-test", 2),
	        ll_rule(MOAT_FS_READ, tree.allowed, 3),
	};
	struct moat_landlock_plan *plan;
	struct moat_policy policy;

	(void)state;
	ll_require_abi(&kernel, 1, "filesystem rules");
	rules[0].optional = true;
	ll_policy_init(&policy, MOAT_COMPAT_BEST_EFFORT);
	ll_policy_filesystem(&policy, rules, 2);
	plan = ll_plan(&policy, &kernel);
	expect_allowed(plan, ll_read, inside_file);
	expect_denied(plan, ll_read, tree.secret, EACCES);
	expect_denied(plan, ll_write, inside_file, EACCES);
	moat_landlock_plan_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_read_outside),
	        cmocka_unit_test(test_write_outside),
	        cmocka_unit_test(test_symlink_escape),
	        cmocka_unit_test(test_hard_link_escape),
	        cmocka_unit_test(test_truncate_outside),
	        cmocka_unit_test(test_exec),
	        cmocka_unit_test(test_rule_on_a_file),
	        cmocka_unit_test(test_optional_path_skipped),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
