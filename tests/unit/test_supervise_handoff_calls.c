// SPDX-License-Identifier: MIT
/*
 * The hand-off calls at run time: under a policy that sends every syscall
 * to the supervisor except those of moat_syscall_handoff_calls(), moat_spawn() of
 * a program that does not exist comes back promptly with -ENOENT. If moat's
 * child made any call outside the list between the notify part of its
 * filter and the report of the failed exec, that call would wait for a
 * supervisor that is not dispatching yet, and moat_spawn() would never
 * return. The positive control sends `write` (the report) to the
 * supervisor behind the resolver's back and shows exactly that hang.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy/ir.h"
#include "policy_support.h"
#include "syscalls/syscalls.h"

#define MISSING_PROGRAM "/nonexistent/moat-handoff-test"

/* The outcome of a spawn in a separate process, which the test may have to kill. */
enum spawn_outcome {
	SPAWN_REFUSED_ENOENT,
	SPAWN_OTHER,
	SPAWN_HUNG,
};

/* `default notify`, with each hand-off call allowed (the resolver's table, read here). */
static moat_policy *notify_all_but_handoff(void)
{
	char text[512] = "moat 1\n[syscalls]\ndefault notify\nallow";
	struct test_diagnostics diagnostics;
	size_t handoff_count;
	const struct moat_handoff_call *handoff = moat_syscall_handoff_calls(&handoff_count);
	const char *name;
	moat_policy *policy;

	for (size_t i = 0; i < handoff_count && (name = moat_syscall_name(handoff[i].number));
	     i++) {
		strcat(text, " ");
		strcat(text, name);
	}
	strcat(text, "\n");
	policy = test_load(text, &diagnostics);
	if (!policy)
		fail_msg("refused:\n%s\n%s", text, diagnostics.text);
	return policy;
}

/* In a child process: a supervisor that never dispatches, and a spawn of a missing program. */
static void spawn_missing(const moat_policy *policy)
{
	char *argv[] = {MISSING_PROGRAM, NULL};
	struct moat_sandbox_options options = MOAT_SANDBOX_OPTIONS_INIT;
	struct moat_error error;
	moat_supervisor *supervisor;
	moat_child *child;
	int result;

	if (moat_supervisor_new(&supervisor, NULL, &error) < 0)
		_exit(2);
	options.supervisor = supervisor;
	result = moat_spawn(&child, policy, MISSING_PROGRAM, argv, &options, &error);
	_exit(result == -ENOENT && !strcmp(error.step, "exec") ? 0 : 1);
}

static enum spawn_outcome spawn_within(const moat_policy *policy, int milliseconds)
{
	pid_t pid = fork();
	struct pollfd done = {.events = POLLIN};
	int status;

	assert_true(pid >= 0);
	if (pid == 0)
		spawn_missing(policy);
	done.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	assert_true(done.fd >= 0);
	if (poll(&done, 1, milliseconds) == 0) {
		/* The sandbox dies with it (die-with-parent). */
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		close(done.fd);
		return SPAWN_HUNG;
	}
	close(done.fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? SPAWN_REFUSED_ENOENT : SPAWN_OTHER;
}

static void a_failed_exec_is_reported_under_notify(void **state)
{
	moat_policy *policy = notify_all_but_handoff();

	(void)state;
	assert_int_equal(spawn_within(policy, 10000), SPAWN_REFUSED_ENOENT);
	moat_policy_free(policy);
}

/* Positive control: with `write` sent to the supervisor, the report never arrives. */
static void a_notified_report_hangs_the_spawn(void **state)
{
	moat_policy *policy = notify_all_but_handoff();
	const struct moat_syscall_rules *write_rules =
	        moat_policy_find_syscall(policy, moat_syscall_number("write"));

	(void)state;
	assert_non_null(write_rules);
	assert_non_null(write_rules->unconditional);
	((struct moat_syscall_rule *)write_rules->unconditional)->action.kind = MOAT_ACTION_NOTIFY;
	assert_int_equal(spawn_within(policy, 1500), SPAWN_HUNG);
	moat_policy_free(policy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(a_failed_exec_is_reported_under_notify),
	        cmocka_unit_test(a_notified_report_hangs_the_spawn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
