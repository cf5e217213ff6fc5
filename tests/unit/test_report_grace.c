// SPDX-License-Identifier: MIT
/*
 * A killed call's grace period does not stall the supervisor. Sandbox A's
 * program makes a killed call while a tracer outside the sandbox holds it
 * in its SIGSYS delivery stop, so SIGSYS cannot end it. The same
 * supervisor still answers sandbox B's routed call while A's kill is
 * pending (A is alive when B has its answer), and A then ends by SIGKILL
 * once the grace period is over. Positive control: the tracer's report that
 * A was held in the SIGSYS stop, and A's end by SIGKILL instead of SIGSYS,
 * show the process could not die promptly; with the supervisor waiting out
 * the grace period itself (before this test), A was dead when B was
 * answered and the ordering assertion failed.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "moat.h"

/* Waits for SIGUSR1, then makes the call; B exits 3 when it was refused with EACCES. */
static char *const waiting_program[] = {
        "/usr/bin/python3", "-c",
        "import errno, os, signal, socket\n"
        "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})\n"
        "signal.sigwait({signal.SIGUSR1})\n"
        "try:\n"
        "    socket.socket(socket.AF_INET)\n"
        "except OSError as e:\n"
        "    os._exit(3 if e.errno == errno.EACCES else 4)\n"
        "os._exit(7)\n",
        NULL};

static const char killing_policy[] = "moat 1\n[syscalls]\ndefault allow\n"
                                     "kill socket if arg0 == AF_INET\nkill @default-deny\n";
static const char refusing_policy[] = "moat 1\n[syscalls]\ndefault allow\n"
                                      "errno EACCES socket if arg0 == AF_INET\n"
                                      "kill @default-deny\n";

static moat_child *spawn(moat_supervisor *supervisor, const char *text, unsigned report)
{
	struct moat_sandbox_options options = {.version = MOAT_SANDBOX_OPTIONS_VERSION,
	                                       .supervisor = supervisor,
	                                       .report = report};
	struct moat_error error;
	moat_policy *policy;
	moat_child *child;

	assert_int_equal(
	        moat_policy_load_string(&policy, "grace.policy", text, strlen(text), NULL, &error),
	        0);
	assert_int_equal(
	        moat_spawn(&child, policy, waiting_program[0], waiting_program, &options, &error),
	        0);
	moat_policy_free(policy);
	return child;
}

/*
 * Whether `pid` waits in rt_sigtimedwait (for SIGUSR1: no other program of
 * the sandbox makes that call).
 */
static bool waits(pid_t pid)
{
	char path[64];
	FILE *file;
	int call = -1;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	file = fopen(path, "re");
	if (!file)
		return false;
	if (fscanf(file, "%d", &call) != 1)
		call = -1;
	fclose(file);
	return call == SYS_rt_sigtimedwait;
}

/* The first child of `pid` (moat's init runs the program as its child), or 0. */
static pid_t first_child(pid_t pid)
{
	char path[64];
	FILE *file;
	int child = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	file = fopen(path, "re");
	if (!file)
		return 0;
	if (fscanf(file, "%d", &child) != 1)
		child = 0;
	fclose(file);
	return child;
}

/* The program's pid once it waits for SIGUSR1 (bounded: about 20 s). */
static pid_t waiting_pid(const moat_child *child)
{
	struct timespec pause = {0, 2000000};

	for (int i = 0; i < 10000; i++) {
		pid_t pid = moat_child_pid(child), program = first_child(pid);

		if (waits(pid))
			return pid;
		if (program > 0 && waits(program))
			return program;
		nanosleep(&pause, NULL);
	}
	fail_msg("the sandboxed program never waited for SIGUSR1");
	return -1;
}

/*
 * Outside every sandbox: traces `pid`, reports 's' once attached, 'y' when
 * it is held in its SIGSYS delivery stop (never resumed from it), and at
 * its end 'k' for SIGKILL, 'e' for anything else.
 */
static void tracer(pid_t pid, int report)
{
	char event = 's';
	int status;

	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0)
		_exit(2);
	if (write(report, &event, 1) != 1)
		_exit(2);
	while (waitpid(pid, &status, __WALL) == pid) {
		if (WIFSTOPPED(status) && WSTOPSIG(status) == SIGSYS) {
			event = 'y';
			if (write(report, &event, 1) != 1)
				_exit(2);
		} else if (WIFSTOPPED(status)) {
			ptrace(PTRACE_CONT, pid, NULL, (void *)(intptr_t)WSTOPSIG(status));
		} else {
			event = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? 'k' : 'e';
			_exit(write(report, &event, 1) == 1 ? 0 : 2);
		}
	}
	_exit(2);
}

static char next_event(int report)
{
	char event = 0;

	assert_int_equal(read(report, &event, 1), 1);
	return event;
}

static void pending_kill_does_not_stall_other_sandbox(void **state)
{
	struct moat_supervisor *supervisor;
	struct moat_error error;
	struct moat_exit result;
	moat_child *held, *other;
	pid_t held_pid, other_pid, tracing;
	int events[2], held_pidfd, status;
	struct pollfd ended;

	(void)state;
	assert_int_equal(moat_supervisor_new(&supervisor, NULL, &error), 0);
	assert_int_equal(moat_supervisor_start(supervisor, &error), 0);
	held = spawn(supervisor, killing_policy, MOAT_REPORT_KILLS);
	other = spawn(supervisor, refusing_policy, MOAT_REPORT_KILLS | MOAT_REPORT_ERRNO);
	held_pid = waiting_pid(held);
	other_pid = waiting_pid(other);
	held_pidfd = (int)syscall(SYS_pidfd_open, held_pid, 0);
	assert_true(held_pidfd >= 0);
	assert_int_equal(pipe(events), 0);
	tracing = fork();
	assert_true(tracing >= 0);
	if (tracing == 0)
		tracer(held_pid, events[1]);
	close(events[1]);
	if (next_event(events[0]) != 's') {
		print_message("cannot trace the sandboxed program here\n");
		kill(held_pid, SIGKILL);
		kill(other_pid, SIGKILL);
		waitpid(tracing, &status, 0);
		moat_child_free(held);
		moat_child_free(other);
		moat_supervisor_free(supervisor);
		skip();
	}

	/* A makes its killed call; the supervisor sends SIGSYS, which the tracer holds. */
	assert_int_equal(kill(held_pid, SIGUSR1), 0);
	assert_int_equal(next_event(events[0]), 'y');

	/* B's routed call is answered while A's kill is still pending. */
	assert_int_equal(kill(other_pid, SIGUSR1), 0);
	assert_int_equal(moat_child_wait_result(other, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_EXITED);
	assert_int_equal(result.code, 3);
	ended = (struct pollfd){held_pidfd, POLLIN, 0};
	assert_int_equal(poll(&ended, 1, 0), 0);

	/* After the grace period A ends by SIGKILL, and the kill is reported. */
	assert_int_equal(next_event(events[0]), 'k');
	assert_int_equal(waitpid(tracing, &status, 0), tracing);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(moat_child_wait_result(held, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_FILTER_KILLED);
	assert_int_equal(result.call.syscall, SYS_socket);
	assert_int_equal(result.call.args[0], AF_INET);
	close(held_pidfd);
	close(events[0]);
	moat_child_free(held);
	moat_child_free(other);
	moat_supervisor_free(supervisor);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(pending_kill_does_not_stall_other_sandbox),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
