/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the tests of lib/process/: policies built by hand in the
 * IR's shape, plans built from them, and children that run a step (or, for
 * the positive control, skip it) as root or as uid 65534 and report what
 * happened through their exit status.
 *
 * A child never calls cmocka: it returns a code (usually 0 or the errno of
 * the action it tried) and the parent asserts on it. Codes from 120 up mean
 * the child itself broke.
 */
#ifndef MOAT_TEST_PROCESS_H
#define MOAT_TEST_PROCESS_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "child_signals.h"
#include "policy/ir.h"
#include "process/process.h"

#define PT_NOBODY 65534

/* Exit codes of a child that could not run its action. */
enum {
	PT_CHILD_DROP_FAILED = 120,
	PT_CHILD_APPLY_FAILED = 121,
	PT_CHILD_BROKEN = 122,
};

enum pt_user {
	PT_ROOT,
	PT_NOBODY_USER,
};

typedef int pt_action(void *context);

/* A test run as root and as uid 65534: the state is the user, as a pointer. */
#define pt_test_as_both(function)                                                                  \
	cmocka_unit_test_prestate(function, (void *)(uintptr_t)PT_ROOT),                           \
	        cmocka_unit_test_prestate(function, (void *)(uintptr_t)PT_NOBODY_USER)

/* The user from a prestate; skips a root variant when the suite is not root. */
static inline enum pt_user pt_user_of(void **state)
{
	enum pt_user user = (enum pt_user)(uintptr_t)*state;

	if (geteuid() != 0) {
		if (user == PT_ROOT) {
			print_message("SKIP: not root: the root variant cannot run\n");
			skip();
		}
		/* Already unprivileged: the nobody variant runs as the caller. */
	}
	return user;
}

/* Becomes uid/gid 65534 with no supplementary groups; 0 or -1. */
static inline int pt_become(enum pt_user user)
{
	if (user == PT_ROOT || geteuid() != 0)
		return 0;
	if (setgroups(0, NULL) < 0 || setresgid(PT_NOBODY, PT_NOBODY, PT_NOBODY) < 0 ||
	    setresuid(PT_NOBODY, PT_NOBODY, PT_NOBODY) < 0)
		return -1;
	return 0;
}

/* Forks a child that becomes `user` and exits with what `action` returns. */
static inline pid_t pt_start(enum pt_user user, pt_action *action, void *context)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		child_default_signals();
		alarm(10); /* a hung child must not hang the suite */
		if (pt_become(user) < 0)
			_exit(PT_CHILD_DROP_FAILED);
		_exit(action(context));
	}
	return pid;
}

static inline int pt_wait(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static inline int pt_run(enum pt_user user, pt_action *action, void *context)
{
	return pt_wait(pt_start(user, action, context));
}

static inline int pt_unshare_user(void *context)
{
	(void)context;
	return unshare(CLONE_NEWUSER) == 0 ? 0 : 1;
}

/* Skips when the kernel or its configuration refuses uid 65534 a user namespace. */
static inline void pt_skip_without_user_namespaces(void)
{
	int status = pt_run(PT_NOBODY_USER, pt_unshare_user, NULL);

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("SKIP: uid 65534 cannot create a user namespace here (unprivileged user "
		       "namespaces are off: user.max_user_namespaces, a distribution sysctl or an "
		       "LSM)\n");
		skip();
	}
}

static inline void pt_assert_exit(int status, int code)
{
	if (WIFSIGNALED(status))
		fail_msg("the child was killed by signal %d, expected exit %d", WTERMSIG(status),
		         code);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), code);
}

static inline void pt_assert_signal(int status, int signal)
{
	if (WIFEXITED(status))
		fail_msg("the child exited with %d, expected signal %d", WEXITSTATUS(status),
		         signal);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), signal);
}

/* A policy with nothing but the [process] defaults the front end fills in. */
static inline void pt_policy_init(struct moat_policy *policy)
{
	memset(policy, 0, sizeof(*policy));
	policy->process.environment = MOAT_ENVIRONMENT_INHERIT;
	policy->process.new_session = true;
	policy->process.close_fds = true;
	policy->process.die_with_parent = true;
}

static inline struct moat_process_plan *pt_plan(const struct moat_policy *policy,
                                                const char *const *environment)
{
	struct moat_process_plan *plan = NULL;
	struct moat_error error = {0};
	int result = moat_process_plan_build(&plan, policy, environment, &error);

	if (result != 0)
		fail_msg("moat_process_plan_build: %d %s", result, error.message);
	assert_non_null(plan);
	return plan;
}

/*
 * The path of a helper from tests/programs/, next to the test programs; when
 * it is missing, the test is skipped with the reason.
 */
static inline bool pt_program(char *path, size_t size, const char *name)
{
	char self[PATH_MAX];
	ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	assert_true(length > 0);
	self[length] = '\0';
	slash = strrchr(self, '/');
	assert_non_null(slash);
	*slash = '\0';
	assert_true((size_t)snprintf(path, size, "%s/programs/%s", self, name) < size);
	if (access(path, X_OK) == 0)
		return true;
	print_message("SKIP: %s is missing: build tests/programs first\n", path);
	skip();
	return false;
}

/* Reads what a child wrote to `fd` until end of file; NUL-terminated. */
static inline void pt_read_all(int fd, char *buffer, size_t size)
{
	size_t used = 0;
	ssize_t length;

	while (used + 1 < size && (length = read(fd, buffer + used, size - 1 - used)) > 0)
		used += (size_t)length;
	buffer[used] = '\0';
}

/*
 * Runs `action` as `user` with the write end of a pipe in *write_end (a field
 * of `context`), collects what the child writes into `output`, and returns
 * its wait status.
 */
static inline int pt_run_reading(enum pt_user user, pt_action *action, void *context,
                                 int *write_end, char *output, size_t size)
{
	int pipe_fds[2];
	pid_t pid;

	assert_int_equal(pipe2(pipe_fds, O_CLOEXEC), 0);
	*write_end = pipe_fds[1];
	pid = pt_start(user, action, context);
	close(pipe_fds[1]);
	pt_read_all(pipe_fds[0], output, size);
	close(pipe_fds[0]);
	return pt_wait(pid);
}

/*
 * A field of /proc/self/status read as hexadecimal ("CapEff"), or
 * UINT64_MAX when it is missing.
 */
static inline uint64_t pt_status_hex(const char *field)
{
	char line[256];
	size_t length = strlen(field);
	uint64_t value = UINT64_MAX;
	FILE *status = fopen("/proc/self/status", "re");

	if (!status)
		return UINT64_MAX;
	while (fgets(line, sizeof(line), status))
		if (strncmp(line, field, length) == 0 && line[length] == ':')
			value = strtoull(line + length + 1, NULL, 16);
	fclose(status);
	return value;
}

#endif /* MOAT_TEST_PROCESS_H */
