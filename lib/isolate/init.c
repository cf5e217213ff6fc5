// SPDX-License-Identifier: MIT
/*
 * Pid 1 of the sandbox's PID namespace: moat's own small init, no extra
 * binary. Without one, the program would be pid 1 itself: the kernel drops
 * every signal pid 1 has no handler for (so a SIGTERM would do nothing to
 * a program that does not expect to be init), and orphans of the program
 * would stay zombies for ever.
 *
 * The cloned process builds the namespaces and the mount tree (a new
 * procfs must be mounted by a process inside the new PID namespace), then
 * forks the program's process and becomes the init:
 *  - every signal but the synchronous faults, SIGKILL and SIGSTOP is blocked
 *    from its first instruction, so a signal sent during set-up waits for
 *    the program instead of being dropped; it takes them with sigwaitinfo
 *    and passes each one on to the program, except SIGCHLD, on which it
 *    reaps every child that ended (orphans are reparented to it);
 *  - when the program ends it writes the program's wait status to the
 *    status pipe (so the parent can report a death by signal as such) and
 *    exits with the program's status, 128+N when signal N ended it; the
 *    kernel then kills whatever is left in the namespace;
 *  - the program cannot kill it: from inside the namespace, the kernel
 *    delivers to pid 1 only the signals it handles, and a blocked signal
 *    here is only forwarded back to the program; it holds no capability,
 *    and being undumpable it cannot be ptraced nor its /proc entries read;
 *  - it holds no descriptor but the status pipe: not the program's
 *    standard streams, not the error pipe (the parent sees end of file at
 *    the program's execve), not the Landlock rules' O_PATH descriptors;
 *  - it dies with the parent (PR_SET_PDEATHSIG, asked by the caller before
 *    set-up); getppid() is 0 in a new PID namespace, so the race of a
 *    parent dying before the request is closed by the status pipe, whose
 *    only reader is the parent: without it the pipe reports POLLERR.
 */
#include "isolate/internal.h"

#include <errno.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/error.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* Everything init forwards or reaps on: all but what cannot or must not be blocked. */
static void init_signals(sigset_t *set)
{
	static const int unblocked[] = {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS,
	                                SIGILL,  SIGFPE,  SIGTRAP, SIGSYS};

	sigfillset(set);
	for (size_t i = 0; i < sizeof(unblocked) / sizeof(unblocked[0]); i++)
		sigdelset(set, unblocked[i]);
}

static bool parent_gone(int status_fd)
{
	struct pollfd pipe_end = {status_fd, POLLOUT, 0};

	return poll(&pipe_end, 1, 0) == 1 && (pipe_end.revents & POLLERR);
}

int moat_isolate_init_prepare(const struct moat_isolate_init *init, struct moat_error *error)
{
	sigset_t set;

	init_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return moat_error_set(error, -errno, "init: cannot block signals");
	close(init->status_read_fd);
	if (init->die_with_parent && parent_gone(init->status_fd))
		return moat_error_set(error, -ESRCH,
		                      "the parent process exited before the "
		                      "sandbox started");
	return 0;
}

static void close_all_but(int keep)
{
	struct rlimit limit = {0};

	if ((keep == 0 || syscall(SYS_close_range, 0, keep - 1, 0) == 0) &&
	    syscall(SYS_close_range, keep + 1, ~0U, 0) == 0)
		return;
	/* Before Linux 5.9: one by one, up to the descriptor limit. */
	getrlimit(RLIMIT_NOFILE, &limit);
	for (rlim_t fd = 0; fd < limit.rlim_cur && fd < (rlim_t)1 << 20; fd++)
		if ((int)fd != keep)
			close((int)fd);
}

static void drop_capabilities(void)
{
	struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3] = {0};

	syscall(SYS_capset, &header, none);
}

/* Reaps every child that ended; true when `program` was among them. */
static bool reap(pid_t program, int *status)
{
	bool ended = false;
	pid_t pid;
	int child_status;

	while ((pid = waitpid(-1, &child_status, WNOHANG)) > 0) {
		if (pid == program) {
			*status = child_status;
			ended = true;
		}
	}
	return ended;
}

static __attribute__((noreturn)) void finish(const struct moat_isolate_init *init, int status)
{
	ssize_t ignored = write(init->status_fd, &status, sizeof(status));

	(void)ignored;
	if (WIFSIGNALED(status))
		_exit(128 + WTERMSIG(status));
	_exit(WEXITSTATUS(status));
}

static __attribute__((noreturn)) void run_init(const struct moat_isolate_init *init, pid_t program)
{
	siginfo_t info;
	sigset_t set;
	int status = 0;

	/* Closing the error pipe tells the parent the sandbox is ready: do it last. */
	drop_capabilities();
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	close_all_but(init->status_fd);
	init_signals(&set);
	for (;;) {
		int signal = sigwaitinfo(&set, &info);

		if (signal == SIGCHLD) {
			if (reap(program, &status))
				finish(init, status);
		} else if (signal > 0) {
			kill(program, signal);
		}
	}
}

int moat_isolate_init_fork(const struct moat_isolate_init *init, struct moat_error *error)
{
	/*
	 * A raw clone, not fork(3): this process is a copy of a possibly
	 * multi-threaded parent, and fork's atfork handlers take locks that
	 * another thread of the parent may have held at clone3.
	 */
	pid_t program = (pid_t)syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);

	if (program < 0)
		return moat_error_set(error, -errno, "init: cannot fork the program's process: %s",
		                      moat_isolate_strerror(-errno));
	if (program == 0)
		return 0;
	run_init(init, program);
}

void moat_isolate_read_program_status(int status_fd, int *status)
{
	int program_status;

	if (read(status_fd, &program_status, sizeof(program_status)) ==
	    (ssize_t)sizeof(program_status))
		*status = program_status;
}
