// SPDX-License-Identifier: MIT
#include "filter_child.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp/install.h"

/* The pipe the child reports on; set in the child only, before the filter. */
static int report_fd = -1;

/*
 * Raw syscalls, not write() and _exit(): under a sanitizer those wrappers
 * make calls of their own, which the filter under test may kill.
 */
static void report(const struct filter_child_outcome *outcome)
{
	long written = syscall(SYS_write, report_fd, outcome, sizeof(*outcome));

	syscall(SYS_exit_group, written == (long)sizeof(*outcome) ? 0 : 1);
	_exit(1);
}

static void on_sigsys(int signal, siginfo_t *info, void *context)
{
	struct filter_child_outcome outcome = {
	        .kind = FILTER_CHILD_TRAPPED,
	        .trapped_syscall = info->si_syscall,
	        .error = info->si_errno,
	};

	(void)signal;
	(void)context;
	report(&outcome);
}

int filter_child_install_program(void *program)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, program) < 0)
		return -errno;
	return 0;
}

int filter_child_install_filter(void *filter)
{
	return moat_seccomp_install(filter, 0, NULL, NULL);
}

static void run_child(filter_child_install_fn *install, void *context, long number,
                      const uint64_t args[6])
{
	struct sigaction action = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};
	struct rlimit no_core = {0, 0};
	struct filter_child_outcome outcome = {.kind = FILTER_CHILD_REFUSED};
	int rc;

	setrlimit(RLIMIT_CORE, &no_core);
	sigaction(SIGSYS, &action, NULL);
	rc = install(context);
	if (rc < 0) {
		outcome.error = -rc;
		report(&outcome);
	}
	outcome.value = syscall(number, args[0], args[1], args[2], args[3], args[4], args[5]);
	outcome.error = outcome.value == -1 ? errno : 0;
	outcome.kind = FILTER_CHILD_RETURNED;
	report(&outcome);
}

int filter_child_syscall(filter_child_install_fn *install, void *context, long number,
                         const uint64_t args[6], struct filter_child_outcome *outcome)
{
	int fds[2], status;
	ssize_t got;
	pid_t pid;

	memset(outcome, 0, sizeof(*outcome));
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (pid == 0) {
		close(fds[0]);
		report_fd = fds[1];
		run_child(install, context, number, args);
	}
	close(fds[1]);
	got = read(fds[0], outcome, sizeof(*outcome));
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (got != (ssize_t)sizeof(*outcome)) {
		memset(outcome, 0, sizeof(*outcome));
		outcome->kind = FILTER_CHILD_KILLED;
		outcome->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	return 0;
}
