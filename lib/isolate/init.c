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
 *    the program instead of being dropped; it takes them from a signalfd
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
 *  - it holds no descriptor but the status pipe, its signalfd and the
 *    parent's pidfd: not the program's standard streams, not the error pipe
 *    (the parent sees end of file at the program's execve), not the
 *    Landlock rules' O_PATH descriptors;
 *  - with die-with-parent it polls the pidfd of the process that started
 *    the sandbox and exits as soon as that process has ended, whatever
 *    killed it: the kernel then kills every process of the namespace, those
 *    that cleared their own parent-death signal or left the session too.
 *    The program cannot stop that: init runs moat's code, and nothing in the
 *    namespace can signal, trace or stop it. A pidfd rather than
 *    PR_SET_PDEATHSIG, which fires when the parent *thread* ends; and a
 *    parent that died before init started is seen too, as the pidfd is
 *    already readable.
 */
#include "isolate/internal.h"

#include <errno.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdalign.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/message.h"

/* The stack of the program's process while it shares pid 1's memory (start_sharing_memory). */
#define PROGRAM_STACK_SIZE (64 << 10)

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

/* True once the process that pidfd refers to has ended. */
static bool parent_gone(int pidfd)
{
	struct pollfd parent = {pidfd, POLLIN, 0};

	return pidfd >= 0 && poll(&parent, 1, 0) == 1;
}

int moat_isolate_init_prepare(const struct moat_isolate_init *init, int *signals,
                              struct moat_error *error)
{
	sigset_t set;

	init_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return moat_message_set(error, -errno, "init: cannot block signals");
	close(init->status_read_fd);
	if (parent_gone(init->parent_pidfd))
		return moat_message_set(error, -ESRCH,
		                        "the parent process exited before the sandbox started");
	*signals = signalfd(-1, &set, SFD_CLOEXEC);
	if (*signals < 0)
		return moat_message_set_reason(error, -errno, "init: cannot open a signalfd");
	return 0;
}

/* Closes every descriptor but those in `keep`, ascending; -1 entries are ignored. */
static void close_all_but(const int *keep, size_t count)
{
	struct rlimit limit = {0};
	unsigned first = 0;
	bool closed = true;

	for (size_t i = 0; i < count && closed; i++) {
		if (keep[i] < 0)
			continue;
		if ((unsigned)keep[i] > first)
			closed = syscall(SYS_close_range, first, keep[i] - 1, 0) == 0;
		first = (unsigned)keep[i] + 1;
	}
	if (closed && syscall(SYS_close_range, first, ~0U, 0) == 0)
		return;
	/* Before Linux 5.9: one by one, up to the descriptor limit. */
	getrlimit(RLIMIT_NOFILE, &limit);
	for (rlim_t fd = 0; fd < limit.rlim_cur && fd < (rlim_t)1 << 20; fd++) {
		bool kept = false;

		for (size_t i = 0; i < count; i++)
			kept |= keep[i] == (int)fd;
		if (!kept)
			close((int)fd);
	}
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

static void sort_three(int fds[3])
{
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2 - i; j++)
			if (fds[j] > fds[j + 1]) {
				int swap = fds[j];

				fds[j] = fds[j + 1];
				fds[j + 1] = swap;
			}
}

static __attribute__((noreturn)) void run_init(const struct moat_isolate_init *init, int signals,
                                               pid_t program)
{
	int keep[3] = {init->status_fd, signals, init->parent_pidfd};
	struct pollfd watched[2] = {{signals, POLLIN, 0}, {init->parent_pidfd, POLLIN, 0}};
	struct signalfd_siginfo info;
	int status = 0;

	/* Closing the error pipe tells the parent the sandbox is ready: do it last. */
	drop_capabilities();
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	sort_three(keep);
	close_all_but(keep, 3);
	for (;;) {
		if (poll(watched, 2, -1) < 0)
			continue;
		/* The parent is gone: leaving takes the whole namespace down. */
		if (watched[1].revents)
			_exit(128 + SIGKILL);
		if (!watched[0].revents || read(signals, &info, sizeof(info)) != sizeof(info))
			continue;
		if (info.ssi_signo == SIGCHLD) {
			if (reap(program, &status))
				finish(init, status);
		} else {
			kill(program, (int)info.ssi_signo);
		}
	}
}

/* What the program's process needs before it runs the caller's function. */
struct program_start {
	const struct moat_isolate_init *init;
	int signals;
	void (*program)(void *argument);
	void *argument;
};

static int start_program(void *argument)
{
	const struct program_start *start = argument;

	close(start->signals);
	if (start->init->parent_pidfd >= 0)
		close(start->init->parent_pidfd);
	start->program(start->argument);
	_exit(127);
}

/*
 * With CLONE_VM the program's process must not write over the frames pid 1
 * returns to, so it runs on this array, below them: pid 1 waits in clone()
 * until the process has called execve or ended (CLONE_VFORK), and the
 * array is its stack until then, as musl's posix_spawn does. Its steps
 * need about 6 KiB (14 KiB under AddressSanitizer, whose redzones around
 * the array would report an overflow).
 */
static __attribute__((noinline)) pid_t start_sharing_memory(struct program_start *start)
{
	alignas(16) char stack[PROGRAM_STACK_SIZE];

	return clone(start_program, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, start);
}

int moat_isolate_init_spawn(const struct moat_isolate_init *init, int signals,
                            void (*program)(void *argument), void *argument, bool share_memory,
                            struct moat_error *error)
{
	struct program_start start = {init, signals, program, argument};
	/*
	 * Without shared memory, a raw clone, not fork(3): this process is a
	 * copy of a possibly multi-threaded parent, and fork's atfork handlers
	 * take locks that another thread of the parent may have held at clone3.
	 * glibc's clone() runs no handler either.
	 */
	pid_t pid = share_memory ? start_sharing_memory(&start)
	                         : (pid_t)syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);

	if (pid < 0)
		return moat_message_set_reason(error, -errno,
		                               "init: cannot start the program's process");
	if (pid == 0)
		start_program(&start);
	run_init(init, signals, pid);
}

void moat_isolate_read_program_status(int status_fd, int *status)
{
	int program_status;

	if (read(status_fd, &program_status, sizeof(program_status)) ==
	    (ssize_t)sizeof(program_status))
		*status = program_status;
}
