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
 *
 * The arguments the table says the hand-off fixes (sendmsg's flags) are
 * those moat_handoff_child() passes: under the one filter of a policy that
 * allows each such call only with exactly the table's values, the listener
 * reaches the supervisor, as root and as uid 65534. The positive control
 * allows other values only, and the hand-off's sendmsg is refused.
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
#include <grp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy/ir.h"
#include "policy_support.h"
#include "seccomp/filter.h"
#include "seccomp/split.h"
#include "supervise/handoff.h"
#include "syscalls/syscalls.h"

#define MISSING_PROGRAM "/nonexistent/moat-handoff-test"
#define NOBODY          65534

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

/*
 * `default allow`, and each hand-off call with fixed arguments allowed only
 * when those are the table's values, each XORed with `changed`; refused
 * with EPERM otherwise.
 */
static moat_policy *only_fixed_values(uint64_t changed)
{
	char text[1024] = "moat 1\n[syscalls]\ndefault allow\n";
	size_t count, used = strlen(text);
	const struct moat_handoff_call *calls = moat_syscall_handoff_calls(&count);

	for (size_t i = 0; i < count; i++) {
		const char *name = moat_syscall_name(calls[i].number);
		const char *joint = "if";

		if (!calls[i].fixed)
			continue;
		used += (size_t)snprintf(text + used, sizeof(text) - used, "allow %s", name);
		for (unsigned arg = 0; arg < 6; arg++) {
			if (!(calls[i].fixed & (1U << arg)))
				continue;
			used += (size_t)snprintf(
			        text + used, sizeof(text) - used, " %s arg%u == %#llx", joint, arg,
			        (unsigned long long)(calls[i].args[arg] ^ changed));
			joint = "&&";
		}
		used += (size_t)snprintf(text + used, sizeof(text) - used, "\nerrno EPERM %s\n",
		                         name);
	}
	assert_true(used < sizeof(text));
	return test_load_or_fail(text);
}

/* In the child: optionally uid 65534, then the hand-off; exits with its errno (0: done). */
static void hand_off(const struct moat_handoff_plan *plan, int socket_fd, bool as_nobody)
{
	struct moat_error error;
	int result;

	if (as_nobody && (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	                  setresuid(NOBODY, NOBODY, NOBODY) < 0))
		_exit(100);
	result = moat_handoff_child(plan, socket_fd, &error);
	_exit(result < 0 && -result < 100 ? -result : result < 0 ? 101 : 0);
}

/*
 * The hand-off under the one filter of `policy`, as the planner would make
 * it: the child's exit status, and whether the listener arrived.
 */
static int hand_off_under_one_filter(const moat_policy *policy, bool as_nobody, bool *received)
{
	struct moat_handoff_plan plan = {0};
	struct moat_error error;
	int pair[2], pidfd, listener, status;
	pid_t pid;

	assert_int_equal(
	        moat_filter_compile_one(policy, MOAT_ROUTE_ERRNO, &plan.notify_part, &error), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pair[0]);
		hand_off(&plan, pair[1], as_nobody);
	}
	close(pair[1]);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	assert_true(pidfd >= 0);
	*received = moat_listener_receive(pair[0], pidfd, 10000, &listener, &error) == 0;
	if (*received)
		close(listener);
	close(pidfd);
	close(pair[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	moat_handoff_plan_release(&plan);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void the_handoff_passes_the_fixed_arguments(void **state)
{
	moat_policy *exact = only_fixed_values(0);
	moat_policy *other = only_fixed_values(MSG_DONTWAIT);
	bool received;

	(void)state;
	/* The planner chooses one filter for the exact values only. */
	assert_true(moat_filter_routed_fits_one(exact, MOAT_ROUTE_ERRNO));
	assert_false(moat_filter_routed_fits_one(other, MOAT_ROUTE_ERRNO));
	for (int nobody = 0; nobody <= (geteuid() == 0); nobody++) {
		assert_int_equal(hand_off_under_one_filter(exact, nobody, &received), 0);
		assert_true(received);
		/* Positive control: other values only, and sendmsg is refused. */
		assert_int_equal(hand_off_under_one_filter(other, nobody, &received), EPERM);
		assert_false(received);
	}
	moat_policy_free(exact);
	moat_policy_free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(a_failed_exec_is_reported_under_notify),
	        cmocka_unit_test(a_notified_report_hangs_the_spawn),
	        cmocka_unit_test(the_handoff_passes_the_fixed_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
