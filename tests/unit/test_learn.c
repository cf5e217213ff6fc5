// SPDX-License-Identifier: MIT
/*
 * Learning's writer: the collapsing rule from observed paths to grants, the
 * simplification of grants, and observations -> IR -> text, read back by
 * the policy loader and asked through the decision functions (a learned
 * rule allows what was seen and nothing next to it). Each broad-directory
 * case has its contrast: the same use one level deeper collapses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "learn/learn.h"
#include "moat.h"
#include "policy/ir.h"
#include "syscalls/syscalls.h"

static const struct moat_learn_path_facts file = {.exists = true};
static const struct moat_learn_path_facts directory = {.exists = true, .directory = true};
static const struct moat_learn_path_facts device = {.exists = true, .device = true};
static const struct moat_learn_path_facts absent = {0};

static void expect_grant(const char *path, unsigned access,
                         const struct moat_learn_path_facts *facts, unsigned kinds,
                         const char *granted)
{
	char grant[PATH_MAX] = "";

	assert_int_equal(moat_learn_collapse_one(path, access, facts, "/home/user", grant), kinds);
	if (kinds)
		assert_string_equal(grant, granted);
}

static void reads_collapse_to_the_directory_unless_broad(void **state)
{
	(void)state;
	expect_grant("/usr/lib/x86_64-linux-gnu/libc.so.6", MOAT_LEARN_READ, &file,
	             MOAT_LEARN_GRANT_READ, "/usr/lib/x86_64-linux-gnu");
	expect_grant("/srv/app/config/app.ini", MOAT_LEARN_READ, &file, MOAT_LEARN_GRANT_READ,
	             "/srv/app/config");
	/* Broad directories: the file alone. */
	expect_grant("/etc/hostname", MOAT_LEARN_READ, &file, MOAT_LEARN_GRANT_READ,
	             "/etc/hostname");
	expect_grant("/home/user/.bashrc", MOAT_LEARN_READ, &file, MOAT_LEARN_GRANT_READ,
	             "/home/user/.bashrc");
	expect_grant("/home/user/project/a.c", MOAT_LEARN_READ, &file, MOAT_LEARN_GRANT_READ,
	             "/home/user/project");
	/* A read that found nothing needs no grant: Landlock answers ENOENT too. */
	expect_grant("/srv/app/missing", MOAT_LEARN_READ, &absent, 0, NULL);
}

static void writes_never_cover_broad_directories_unless_made_there(void **state)
{
	(void)state;
	expect_grant("/etc/app.conf", MOAT_LEARN_WRITE, &file, MOAT_LEARN_GRANT_WRITE,
	             "/etc/app.conf");
	expect_grant("/home/user/notes.txt", MOAT_LEARN_WRITE | MOAT_LEARN_READ, &file,
	             MOAT_LEARN_GRANT_WRITE, "/home/user/notes.txt");
	expect_grant("/srv/app/data/db", MOAT_LEARN_WRITE, &file, MOAT_LEARN_GRANT_WRITE,
	             "/srv/app/data");
	/* Made or removed there: the program wrote in that directory itself. */
	expect_grant("/home/user/new.txt", MOAT_LEARN_CREATE | MOAT_LEARN_WRITE, &absent,
	             MOAT_LEARN_GRANT_WRITE, "/home/user");
	expect_grant("/tmp/scratch", MOAT_LEARN_REMOVE, &absent, MOAT_LEARN_GRANT_WRITE, "/tmp");
	expect_grant("/out", MOAT_LEARN_CREATE, &absent, MOAT_LEARN_GRANT_WRITE, "/");
}

static void directories_executables_and_devices(void **state)
{
	(void)state;
	expect_grant("/usr/bin", MOAT_LEARN_READ, &directory, MOAT_LEARN_GRANT_LIST, "/usr/bin");
	expect_grant("/srv/app", MOAT_LEARN_READ, &directory, MOAT_LEARN_GRANT_READ, "/srv/app");
	expect_grant("/usr/bin/ls", MOAT_LEARN_EXEC, &file, MOAT_LEARN_GRANT_EXEC, "/usr/bin/ls");
	expect_grant("/srv/app/bin/tool", MOAT_LEARN_EXEC, &file, MOAT_LEARN_GRANT_EXEC,
	             "/srv/app/bin/tool");
	expect_grant("/dev/null", MOAT_LEARN_WRITE, &device,
	             MOAT_LEARN_GRANT_WRITE | MOAT_LEARN_GRANT_IOCTL, "/dev/null");
	assert_true(moat_learn_is_broad("/home/user", "/home/user"));
	assert_false(moat_learn_is_broad("/home/user/project", "/home/user"));
}

static void simplify_drops_what_an_ancestor_gives(void **state)
{
	struct moat_learn_grant grants[] = {
	        {strdup("/srv"), MOAT_LEARN_GRANT_WRITE},
	        {strdup("/srv/a"), MOAT_LEARN_GRANT_READ},
	        {strdup("/srv/b"), MOAT_LEARN_GRANT_EXEC},
	        {strdup("/usr/lib/x"), MOAT_LEARN_GRANT_READ},
	        {strdup("/usr/lib/x/y"), MOAT_LEARN_GRANT_READ | MOAT_LEARN_GRANT_LIST},
	        {strdup("/usr/lib/xy"), MOAT_LEARN_GRANT_READ},
	        {strdup("/usr/local/bin/tool"), MOAT_LEARN_GRANT_EXEC | MOAT_LEARN_GRANT_READ},
	};
	size_t count = moat_learn_simplify(grants, sizeof(grants) / sizeof(grants[0]));

	(void)state;
	assert_int_equal(count, 5);
	assert_string_equal(grants[0].path, "/srv");
	assert_string_equal(grants[1].path, "/srv/b"); /* write does not give execute */
	assert_int_equal(grants[1].kinds, MOAT_LEARN_GRANT_EXEC);
	assert_string_equal(grants[2].path, "/usr/lib/x");
	assert_string_equal(grants[3].path, "/usr/lib/xy"); /* a prefix is not a parent */
	assert_string_equal(grants[4].path, "/usr/local/bin/tool");
	assert_int_equal(grants[4].kinds, MOAT_LEARN_GRANT_EXEC);
	for (size_t i = 0; i < count; i++)
		free(grants[i].path);
}

/* ---- the writer ------------------------------------------------------------ */

static char *write_text(const struct moat_learn_observations *observations, const char *base_text,
                        const char *base_name)
{
	struct moat_learn_write_options options = {0};
	moat_policy *base = NULL;
	struct moat_error error = {0};
	char *text = NULL;
	size_t size = 0;
	FILE *stream = open_memstream(&text, &size);

	if (base_text) {
		assert_int_equal(moat_policy_load_string(&base, base_name, base_text,
		                                         strlen(base_text), NULL, &error),
		                 0);
		options.includes = &base_name;
		options.include_count = 1;
		options.base = base;
	}
	assert_int_equal(moat_learn_write(observations, &options, stream, &error), 0);
	fclose(stream);
	moat_policy_free(base);
	return text;
}

static moat_policy *load_text(const char *text)
{
	moat_policy *policy = NULL;
	struct moat_error error = {0};

	if (moat_policy_load_string(&policy, "learned.policy", text, strlen(text), NULL, &error))
		fail_msg("the learned policy does not load: %s\n%s", error.message, text);
	return policy;
}

static bool syscall_allowed(const moat_policy *policy, const char *name, uint64_t arg0,
                            uint64_t arg1)
{
	uint64_t args[6] = {arg0, arg1, 0, 0, 0, 0};
	struct moat_decision decision;
	moat_filter *filter = NULL;
	struct moat_error error;

	assert_int_equal(moat_filter_compile(&filter, policy, &error), 0);
	moat_decide_syscall(filter, moat_syscall_number(name), args, &decision);
	moat_filter_free(filter);
	return decision.allowed;
}

static void observe_some(struct moat_learn_observations *observations, char *scratch)
{
	uint64_t socket_args[6] = {AF_INET, SOCK_STREAM | SOCK_CLOEXEC};
	uint64_t ioctl_args[6] = {1, TCGETS};
	uint64_t none[6] = {0};
	char path[PATH_MAX];

	assert_int_equal(moat_learn_observations_init(observations, NULL), 0);
	moat_learn_add_syscall(observations, moat_syscall_number("read"), none);
	moat_learn_add_syscall(observations, moat_syscall_number("openat"), none);
	moat_learn_add_syscall(observations, moat_syscall_number("socket"), socket_args);
	moat_learn_add_syscall(observations, moat_syscall_number("ioctl"), ioctl_args);
	moat_learn_add_syscall(observations, moat_syscall_number("ptrace"), none);
	snprintf(path, sizeof(path), "%s/data.txt", scratch);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	moat_learn_add_path(observations, path, MOAT_LEARN_READ);
	moat_learn_add_port(observations, false, 8080);
}

static void written_policy_allows_what_was_seen_only(void **state)
{
	char scratch[] = "/tmp/moat-learn-XXXXXX", path[PATH_MAX];
	struct moat_learn_observations observations;
	struct moat_decision decision;
	moat_policy *policy;
	char *text;

	(void)state;
	assert_non_null(mkdtemp(scratch));
	observe_some(&observations, scratch);
	text = write_text(&observations, NULL, NULL);
	assert_non_null(strstr(text, "moat 1\n"));
	assert_non_null(strstr(text, "default kill\nkill @default-deny\n"));
	assert_non_null(strstr(text, "allow ptrace\n"));
	assert_non_null(
	        strstr(text, "allow socket if arg0 == AF_INET && arg1 & 0xf == SOCK_STREAM"));
	assert_non_null(strstr(text, "allow ioctl if arg1 in {TCGETS}"));
	assert_non_null(strstr(text, "connect tcp 8080\nbind tcp none\n"));
	policy = load_text(text);
	assert_true(syscall_allowed(policy, "socket", AF_INET, SOCK_STREAM));
	assert_false(syscall_allowed(policy, "socket", AF_INET, SOCK_DGRAM));
	assert_false(syscall_allowed(policy, "socket", AF_UNIX, SOCK_STREAM));
	assert_true(syscall_allowed(policy, "ioctl", 1, TCGETS));
	assert_false(syscall_allowed(policy, "ioctl", 1, TIOCSTI));
	assert_true(syscall_allowed(policy, "ptrace", 0, 0)); /* used, though default-deny */
	assert_false(syscall_allowed(policy, "write", 1, 0)); /* never seen */
	snprintf(path, sizeof(path), "%s/other.txt", scratch);
	moat_decide_path(policy, path, "read", &decision, NULL);
	assert_true(decision.allowed); /* the directory of what was read */
	moat_decide_path(policy, path, "write", &decision, NULL);
	assert_false(decision.allowed);
	moat_decide_path(policy, "/etc/passwd", "read", &decision, NULL);
	assert_false(decision.allowed);
	moat_decide_port(policy, MOAT_PORT_CONNECT, 8080, &decision, NULL);
	assert_true(decision.allowed);
	moat_decide_port(policy, MOAT_PORT_CONNECT, 8081, &decision, NULL);
	assert_false(decision.allowed);
	moat_decide_port(policy, MOAT_PORT_BIND, 8080, &decision, NULL);
	assert_false(decision.allowed);
	moat_policy_free(policy);
	free(text);
	moat_learn_observations_release(&observations);
	snprintf(path, sizeof(path), "%s/data.txt", scratch);
	unlink(path);
	rmdir(scratch);
}

static void a_base_leaves_out_what_it_allows(void **state)
{
	char scratch[] = "/tmp/moat-learn-XXXXXX", path[PATH_MAX], base_text[1024];
	struct moat_learn_observations observations;
	char *text;

	(void)state;
	assert_non_null(mkdtemp(scratch));
	observe_some(&observations, scratch);
	snprintf(base_text, sizeof(base_text),
	         "moat 1\n[syscalls]\nallow read openat\n"
	         "allow socket if arg0 == AF_INET\n[filesystem]\nread %s\n"
	         "[network]\nconnect tcp 8080\n",
	         scratch);
	text = write_text(&observations, base_text, "/base/app.policy");
	assert_non_null(strstr(text, "include \"/base/app.policy\"\n"));
	assert_null(strstr(text, "allow read"));
	assert_null(strstr(text, "openat"));
	assert_null(strstr(text, "socket"));
	assert_null(strstr(text, scratch));
	assert_null(strstr(text, "connect tcp"));
	/* Positive control: what the base lacks is still there. */
	assert_non_null(strstr(text, "allow ioctl if arg1 in {TCGETS}"));
	assert_non_null(strstr(text, "allow ptrace\n"));
	free(text);
	moat_learn_observations_release(&observations);
	snprintf(path, sizeof(path), "%s/data.txt", scratch);
	unlink(path);
	rmdir(scratch);
}

/*
 * A device is granted `ioctl-dev?`, optional: the learned policy keeps
 * running under compat strict below Landlock ABI 5, where the right is given
 * up (tests/integration/learn.sh runs it there, beside plain `ioctl-dev`).
 */
static void a_device_is_granted_the_optional_ioctl_right(void **state)
{
	struct moat_learn_observations observations;
	const struct moat_filesystem_section *filesystem;
	const struct moat_path_rule *rule = NULL;
	struct moat_decision decision;
	moat_policy *policy;
	char *text;

	(void)state;
	assert_int_equal(moat_learn_observations_init(&observations, NULL), 0);
	moat_learn_add_path(&observations, "/dev/null", MOAT_LEARN_WRITE);
	text = write_text(&observations, NULL, NULL);
	assert_non_null(strstr(text, "\nallow ioctl-dev? /dev/null\n"));
	assert_null(strstr(text, "ioctl-dev "));
	policy = load_text(text);
	filesystem = &((const struct moat_policy *)policy)->filesystem;
	for (size_t i = 0; i < filesystem->count; i++) {
		if (filesystem->rules[i].access & MOAT_FS_IOCTL_DEV)
			rule = &filesystem->rules[i];
	}
	assert_non_null(rule);
	assert_string_equal(rule->path, "/dev/null");
	assert_true(rule->optional_rights & MOAT_FS_IOCTL_DEV);
	assert_false(rule->named & MOAT_FS_IOCTL_DEV);
	assert_int_equal(moat_decide_path(policy, "/dev/null", "ioctl-dev", &decision, NULL), 0);
	assert_true(decision.allowed);
	moat_policy_free(policy);
	free(text);
	moat_learn_observations_release(&observations);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(reads_collapse_to_the_directory_unless_broad),
	        cmocka_unit_test(writes_never_cover_broad_directories_unless_made_there),
	        cmocka_unit_test(directories_executables_and_devices),
	        cmocka_unit_test(simplify_drops_what_an_ancestor_gives),
	        cmocka_unit_test(written_policy_allows_what_was_seen_only),
	        cmocka_unit_test(a_base_leaves_out_what_it_allows),
	        cmocka_unit_test(a_device_is_granted_the_optional_ioctl_right),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
