// SPDX-License-Identifier: MIT
/*
 * moat_spawn() with namespaces, through the library: the program's own
 * wait status behind the init of a PID namespace (a death by signal shows
 * as one), signals sent with moat_child_kill() passed on by init, what
 * init itself keeps (one descriptor, no capability), and a mount that
 * fails in the child reported at its statement. As root and as uid 65534.
 */
#include "test_isolate.h"

#include <dirent.h>

/* Child exit codes: which check failed. */
enum {
	CHECK_SPAWN = 1,
	CHECK_WAIT,
	CHECK_STATUS,
	CHECK_KILL,
	CHECK_ERROR,
};

struct spawn_case {
	const moat_policy *policy;
	char *const *argv;
	int signal;    /* sent with moat_child_kill() once the program runs; 0: none */
	int expected;  /* the wait status moat_child_wait() must report */
	int code;      /* for a spawn that must fail: its return value */
	unsigned line; /* and the line of test.policy its error names */
};

static int spawn_and_wait(void *context)
{
	const struct spawn_case *test = context;
	struct moat_error error = {0};
	moat_child *child = NULL;
	int result = moat_spawn(&child, test->policy, test->argv[0], test->argv, NULL, &error);
	int status = 0;

	if (test->code)
		return result == test->code && error.line == test->line &&
		                       !strcmp(error.file, "test.policy")
		               ? 0
		               : CHECK_ERROR;
	if (result < 0)
		return CHECK_SPAWN;
	if (test->signal && moat_child_kill(child, test->signal) < 0)
		return CHECK_KILL;
	if (moat_child_wait(child, &status) < 0)
		return CHECK_WAIT;
	moat_child_free(child);
	return status == test->expected ? 0 : CHECK_STATUS;
}

/* W_EXITCODE and W_STOPCODE's sibling: the status of a death by `signal`. */
static int killed_by(int signal)
{
	return signal & 0x7f;
}

static void test_program_status_through_init(void **state)
{
	enum pt_user user = it_user_of(state);
	moat_policy *policy = it_load("moat 1\n[namespaces]\nunshare pid\n");
	char *exit_three[] = {"/bin/sh", "-c", "exit 3", NULL};
	char *killed[] = {"/bin/sh", "-c", "kill -KILL $$", NULL};
	struct spawn_case test = {policy, exit_three, 0, 3 << 8, 0, 0};

	pt_assert_exit(it_run(user, spawn_and_wait, &test), 0);
	test = (struct spawn_case){policy, killed, 0, killed_by(SIGKILL), 0, 0};
	pt_assert_exit(it_run(user, spawn_and_wait, &test), 0);
	moat_policy_free(policy);
}

static void test_kill_passes_through_init(void **state)
{
	enum pt_user user = it_user_of(state);
	moat_policy *policy = it_load("moat 1\n[namespaces]\nunshare pid\n");
	char *sleeper[] = {"/bin/sleep", "30", NULL};
	struct spawn_case test = {policy, sleeper, SIGTERM, killed_by(SIGTERM), 0, 0};

	pt_assert_exit(it_run(user, spawn_and_wait, &test), 0);
	/* SIGKILL is the one signal that reaches init itself: it ends the whole namespace. */
	test.signal = SIGKILL;
	test.expected = killed_by(SIGKILL);
	pt_assert_exit(it_run(user, spawn_and_wait, &test), 0);
	moat_policy_free(policy);
}

static void test_failing_mount_is_located(void **state)
{
	enum pt_user user = it_user_of(state);
	moat_policy *policy = it_load("moat 1\n[namespaces]\nunshare mount pid\n[mounts]\n"
	                              "bind /usr\ntmpfs /usr/moat-no-such-directory\n");
	char *program[] = {"/usr/bin/true", NULL};
	struct spawn_case test = {policy, program, 0, 0, -EROFS, 6};

	pt_assert_exit(it_run(user, spawn_and_wait, &test), 0);
	moat_policy_free(policy);
}

static int spawn_undumpable(void *context)
{
	char *program[] = {"/usr/bin/true", NULL};
	struct moat_error error = {0};
	moat_child *child = NULL;
	int result;

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	result = moat_spawn(&child, context, program[0], program, NULL, &error);
	return result == -EPERM && strstr(error.message, "not dumpable") ? 0 : CHECK_ERROR;
}

/* Refused before clone3 with the reason, rather than failing inside on the uid map. */
static void test_undumpable_caller_is_refused(void **state)
{
	moat_policy *policy = it_load("moat 1\n[namespaces]\nunshare user\n");

	(void)state;
	if (geteuid() != 0) {
		print_message("SKIP: not root: cannot become uid 65534\n");
		skip();
	}
	pt_skip_without_user_namespaces();
	pt_assert_exit(pt_run(PT_NOBODY_USER, spawn_undumpable, policy), 0);
	/* Positive control: the same caller, dumpable again, gets its sandbox. */
	pt_assert_exit(
	        it_run(PT_NOBODY_USER, spawn_and_wait,
	               &(struct spawn_case){policy, (char *[]){"/usr/bin/true", NULL}, 0, 0, 0, 0}),
	        0);
	moat_policy_free(policy);
}

static size_t count_descriptors(pid_t pid)
{
	char path[64];
	DIR *directory;
	size_t count = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	directory = opendir(path);
	assert_non_null(directory);
	for (struct dirent *entry; (entry = readdir(directory));)
		count += entry->d_name[0] != '.';
	closedir(directory);
	return count;
}

static uint64_t status_hex(pid_t pid, const char *field)
{
	char path[64], line[256];
	uint64_t value = UINT64_MAX;
	FILE *status;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	status = fopen(path, "re");
	assert_non_null(status);
	while (fgets(line, sizeof(line), status))
		if (!strncmp(line, field, strlen(field)) && line[strlen(field)] == ':')
			value = strtoull(line + strlen(field) + 1, NULL, 16);
	fclose(status);
	return value;
}

/* Root only: reading init's /proc entries takes CAP_SYS_PTRACE, as it is undumpable. */
static void test_init_keeps_nothing(void **state)
{
	moat_policy *policy = it_load("moat 1\n[namespaces]\nunshare pid\n");
	char *sleeper[] = {"/bin/sleep", "30", NULL};
	struct moat_error error = {0};
	moat_child *child = NULL;
	int pipe_fds[2], status;

	(void)state;
	if (geteuid() != 0) {
		print_message("SKIP: not root: init's /proc entries cannot be read\n");
		skip();
	}
	/* A descriptor the caller left open by accident: init must not hold it either. */
	assert_int_equal(pipe(pipe_fds), 0);
	assert_int_equal(moat_spawn(&child, policy, sleeper[0], sleeper, NULL, &error), 0);
	/* The status pipe, its signalfd, and the pidfd of this process it dies with. */
	assert_int_equal(count_descriptors(moat_child_pid(child)), 3);
	assert_int_equal(status_hex(moat_child_pid(child), "CapEff"), 0);
	assert_int_equal(status_hex(moat_child_pid(child), "CapPrm"), 0);
	assert_int_equal(moat_child_kill(child, SIGTERM), 0);
	assert_int_equal(moat_child_wait(child, &status), 0);
	assert_int_equal(status, killed_by(SIGTERM));
	moat_child_free(child);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	moat_policy_free(policy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        pt_test_as_both(test_program_status_through_init),
	        pt_test_as_both(test_kill_passes_through_init),
	        pt_test_as_both(test_failing_mount_is_located),
	        cmocka_unit_test(test_init_keeps_nothing),
	        cmocka_unit_test(test_undumpable_caller_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
