// SPDX-License-Identifier: MIT
/*
 * moat_spawn_function(): the host's function runs in a sandboxed copy of
 * the caller. It returns its exit status; it shares no memory with the
 * caller; it runs under the policy's filter and Landlock rules (each with
 * a positive control: the same function under a policy without the rule
 * does what was refused); it needs no execve; a filter kill comes back
 * with the call and the statement. As root and as uid 65534.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy_support.h"

#define NOBODY 65534

static int shared_value = 1;

static moat_policy *load_system(const char *extra)
{
	struct test_diagnostics diagnostics;
	char text[4096];
	moat_policy *policy;

	snprintf(text, sizeof(text), "moat 1\ninclude \"%s/policies/system.policy\"\n%s",
	         getenv("MOAT_SOURCE_DIR"), extra);
	policy = test_load(text, &diagnostics);
	if (!policy)
		fail_msg("policy refused:\n%s", diagnostics.text);
	return policy;
}

/*
 * One supervisor for the process, as a host would keep: a second one made
 * after the first has made the process undumpable could not let an
 * unprivileged sandbox write its uid map.
 */
static moat_supervisor *supervisor;

/* Runs `function` under `policy` with kill reports; the result of the wait. */
static int run_function(moat_policy *policy, moat_child_fn *function, void *context,
                        struct moat_exit *result)
{
	struct moat_sandbox_options options = {.version = MOAT_SANDBOX_OPTIONS_VERSION,
	                                       .report = MOAT_REPORT_KILLS};
	struct moat_error error;
	moat_child *child;
	int rc;

	if (!supervisor && moat_supervisor_new(&supervisor, NULL, &error) < 0)
		return error.code;
	options.supervisor = supervisor;
	rc = moat_spawn_function(&child, policy, function, context, &options, &error);
	if (rc < 0) {
		print_error("moat_spawn_function: %s\n", error.message);
		return rc;
	}
	/* One thread: the wait serves the supervisor's kill reports. */
	rc = moat_child_wait_timeout(child, 20000, MOAT_WAIT_KILL, result);
	moat_child_free(child);
	return rc;
}

static int return_seven(void *context)
{
	(void)context;
	return 7;
}

/* 0 when it saw the caller's value and its own change stays its own. */
static int change_memory(void *context)
{
	int *seen = context;

	if (*seen != 42 || shared_value != 2)
		return 1;
	*seen = 99;
	shared_value = 3;
	return 0;
}

static int open_socket(void *context)
{
	(void)context;
	return socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 1;
}

/* 0 when it could create a file in the directory `context`, else the errno. */
static int create_file(void *context)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/made-by-function", (const char *)context);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static void returns_its_status_and_shares_no_memory(void **state)
{
	moat_policy *policy = load_system("");
	struct moat_exit result;
	int seen = 42;

	(void)state;
	assert_int_equal(run_function(policy, return_seven, NULL, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_EXITED);
	assert_int_equal(result.code, 7);
	shared_value = 2;
	assert_int_equal(run_function(policy, change_memory, &seen, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_EXITED);
	assert_int_equal(result.code, 0);
	assert_int_equal(seen, 42);
	assert_int_equal(shared_value, 2);
	moat_policy_free(policy);
}

static void the_filter_kills_and_says_why(void **state)
{
	moat_policy *policy = load_system("");
	moat_policy *control = load_system("[syscalls]\nallow socket\n");
	struct moat_exit result;

	(void)state;
	assert_int_equal(run_function(policy, open_socket, NULL, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_FILTER_KILLED);
	assert_int_equal(result.call.syscall, SYS_socket);
	assert_int_equal(result.call.args[0], AF_INET);
	assert_true(result.call.statement[0] != '\0');
	/* Positive control: where the policy allows socket, the function opens one. */
	assert_int_equal(run_function(control, open_socket, NULL, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_EXITED);
	assert_int_equal(result.code, 0);
	moat_policy_free(policy);
	moat_policy_free(control);
}

static void landlock_confines_the_function(void **state)
{
	char directory[] = "/tmp/moat-function-XXXXXX", extra[600], path[600];
	moat_policy *policy = load_system(""), *control;
	struct moat_exit result;

	(void)state;
	assert_non_null(mkdtemp(directory));
	assert_int_equal(chmod(directory, 0777), 0);
	snprintf(extra, sizeof(extra), "[filesystem]\nwrite %s\n", directory);
	control = load_system(extra);
	assert_int_equal(run_function(policy, create_file, directory, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_EXITED);
	assert_int_equal(result.code, EACCES);
	/* Positive control: with the directory granted, the same function creates the file. */
	assert_int_equal(run_function(control, create_file, directory, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_EXITED);
	assert_int_equal(result.code, 0);
	snprintf(path, sizeof(path), "%s/made-by-function", directory);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(directory), 0);
	moat_policy_free(policy);
	moat_policy_free(control);
}

static void needs_no_execve(void **state)
{
	moat_policy *policy = load_system("[syscalls]\nkill execve execveat\n");
	char *argv[] = {"/bin/true", NULL};
	struct moat_error error;
	struct moat_exit result;
	moat_child *child;

	(void)state;
	assert_int_equal(run_function(policy, return_seven, NULL, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_EXITED);
	assert_int_equal(result.code, 7);
	/* Control: moat_spawn() refuses the same policy, which cannot start a program. */
	assert_int_equal(moat_spawn(&child, policy, argv[0], argv, NULL, &error), -EPERM);
	moat_policy_free(policy);
	/* What the process calls itself around the function is checked the same way. */
	policy = load_system("[syscalls]\nkill close\n");
	assert_int_equal(moat_spawn_function(&child, policy, return_seven, NULL, NULL, &error),
	                 -EPERM);
	assert_non_null(strstr(error.message, "close"));
	moat_policy_free(policy);
}

static void bad_arguments(void **state)
{
	moat_policy *policy = load_system("");
	struct moat_error error;
	moat_child *child;

	(void)state;
	assert_int_equal(moat_spawn_function(&child, policy, NULL, NULL, NULL, &error), -EINVAL);
	assert_int_equal(moat_spawn_function(NULL, policy, return_seven, NULL, NULL, &error),
	                 -EINVAL);
	assert_int_equal(moat_spawn_function(&child, NULL, return_seven, NULL, NULL, &error),
	                 -EINVAL);
	moat_policy_free(policy);
}

/* As uid 65534 in a forked child: the same function, confined the same way. */
static void unprivileged(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	if (getuid() != 0)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		moat_policy *policy = load_system("");
		struct moat_exit result;

		/* The parent's supervisor is not this process's to serve. */
		supervisor = NULL;
		if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
		    setresuid(NOBODY, NOBODY, NOBODY) < 0 || prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
			_exit(2);
		if (run_function(policy, return_seven, NULL, &result) != 0 ||
		    result.kind != MOAT_EXIT_EXITED || result.code != 7)
			_exit(3);
		if (run_function(policy, open_socket, NULL, &result) != 0 ||
		    result.kind != MOAT_EXIT_FILTER_KILLED || result.call.syscall != SYS_socket) {
			fprintf(stderr, "as uid %d: socket: kind %d, code %d, call %d\n", NOBODY,
			        result.kind, result.code, result.call.syscall);
			_exit(4);
		}
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(returns_its_status_and_shares_no_memory),
	        cmocka_unit_test(the_filter_kills_and_says_why),
	        cmocka_unit_test(landlock_confines_the_function),
	        cmocka_unit_test(needs_no_execve),
	        cmocka_unit_test(bad_arguments),
	        cmocka_unit_test(unprivileged),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	moat_supervisor_free(supervisor);
	return failed;
}
