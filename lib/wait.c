// SPDX-License-Identifier: MIT
/*
 * Waiting for a sandboxed child, with or without a deadline, and telling
 * what ended it (docs/man/moat_child_wait_result.3 says what can be told
 * and how). The wait status comes from the program itself, through its
 * init's status pipe when it has one; the resource usage from wait4(2),
 * which covers the child and every process it reaped (init reaps the
 * whole sandbox).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "egress/egress.h"
#include "isolate/isolate.h"
#include "supervise/report.h"

int moat_child_reap(moat_child *child, int *status, struct rusage *usage)
{
	if (child->reaped)
		return -ECHILD;
	while (wait4(child->pid, status, 0, usage) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	child->reaped = true;
	if (child->status_fd >= 0)
		moat_isolate_read_program_status(child->status_fd, status);
	moat_egress_release(child->egress); /* the cgroup lives until the sandbox ends */
	child->egress = NULL;
	return 0;
}

int moat_child_wait(moat_child *child, int *status)
{
	struct rusage usage;

	return moat_child_reap(child, status, &usage);
}

static uint64_t microseconds(const struct timeval *time)
{
	return (uint64_t)time->tv_sec * 1000000 + (uint64_t)time->tv_usec;
}

/*
 * The kernel sends SIGKILL when a process's CPU time reaches the hard
 * `cpu` limit (SIGXCPU at the soft one); a SIGKILL is that limit's only
 * when the sandbox used about that much CPU time. wait4(2)'s figure runs
 * below the kernel's own count that the limit is checked against (by 10 to
 * 25% here, measured at a 1 s and a 2 s limit), hence three quarters.
 */
static bool cpu_limit_killed(const moat_child *child, const struct moat_exit *result)
{
	return result->code == SIGKILL && child->cpu_hard &&
	       result->cpu_time_us * 4 >= child->cpu_hard * 3000000;
}

/*
 * RLIMIT_AS sends no signal: the kernel fails the allocation with ENOMEM
 * and the program decides. Told only when the program then died the way
 * an unchecked or aborting allocation dies (SIGSEGV, SIGBUS, SIGABRT) with
 * its peak resident memory at half the limit or more.
 */
static bool as_limit_likely(const moat_child *child, const struct moat_exit *result)
{
	bool allocation_death =
	        result->code == SIGSEGV || result->code == SIGBUS || result->code == SIGABRT;

	return allocation_death && child->as_soft &&
	       result->max_rss_kb * 1024 * 2 >= child->as_soft;
}

static void classify(struct moat_exit *result, const moat_child *child)
{
	int status = result->status;

	if (child->report)
		moat_report_kill(child->report, &result->call);
	if (WIFEXITED(status)) {
		result->kind = MOAT_EXIT_EXITED;
		result->code = WEXITSTATUS(status);
		return;
	}
	result->kind = MOAT_EXIT_SIGNALLED;
	result->code = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	if (result->call.count)
		result->kind = MOAT_EXIT_FILTER_KILLED;
	else if (result->code == SIGXCPU || cpu_limit_killed(child, result))
		result->limit = "cpu";
	else if (result->code == SIGXFSZ)
		result->limit = "fsize";
	else if (as_limit_likely(child, result))
		result->limit = "as";
	if (result->limit)
		result->kind = MOAT_EXIT_LIMIT;
}

int moat_child_wait_result(moat_child *child, struct moat_exit *result)
{
	struct rusage usage = {0};
	int rc;

	memset(result, 0, sizeof(*result));
	rc = moat_child_reap(child, &result->status, &usage);
	if (rc < 0)
		return rc;
	result->cpu_time_us = microseconds(&usage.ru_utime) + microseconds(&usage.ru_stime);
	result->max_rss_kb = (uint64_t)usage.ru_maxrss;
	classify(result, child);
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* The milliseconds left until `deadline` (-1: none), for poll(2). */
static int remaining(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	return left < 0 ? 0 : (int)(left > 1 << 30 ? 1 << 30 : left);
}

/*
 * Until the child's pidfd is readable or the deadline passes, serves the
 * supervisor's notifications, which the child may be waiting on. Returns
 * 1 when the child ended, 0 at the deadline, or a negative errno.
 */
static int watch(moat_child *child, int64_t deadline)
{
	struct pollfd fds[2] = {
	        {child->pidfd, POLLIN, 0},
	        {child->supervisor ? moat_supervisor_fd(child->supervisor) : -1, POLLIN, 0}};

	for (;;) {
		int ready = poll(fds, 2, remaining(deadline));

		if (ready < 0 && errno != EINTR)
			return -errno;
		if (fds[0].revents)
			return 1;
		if (ready == 0)
			return 0;
		/* The supervisor's own thread serves it: stop watching its descriptor. */
		if (fds[1].revents && moat_supervisor_dispatch(child->supervisor, 0) == -EBUSY)
			fds[1].fd = -1;
	}
}

int moat_child_wait_timeout(moat_child *child, int timeout_ms, unsigned flags,
                            struct moat_exit *result)
{
	int ended, rc;

	if (child->reaped)
		return -ECHILD;
	ended = watch(child, timeout_ms < 0 ? -1 : now_ms() + timeout_ms);
	if (ended < 0)
		return ended;
	if (ended)
		return moat_child_wait_result(child, result);
	if (!(flags & MOAT_WAIT_KILL))
		return -ETIMEDOUT;
	/* SIGKILL to the init of a PID namespace ends every process in it. */
	if (syscall(SYS_pidfd_send_signal, child->pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		return -errno;
	rc = moat_child_wait_result(child, result);
	if (rc < 0)
		return rc;
	/* It may have ended on its own just before the kill: then that is the result. */
	if (!WIFSIGNALED(result->status) || WTERMSIG(result->status) != SIGKILL)
		return 0;
	result->kind = MOAT_EXIT_TIMEOUT;
	result->limit = NULL;
	return -ETIMEDOUT;
}
