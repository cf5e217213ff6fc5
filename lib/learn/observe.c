// SPDX-License-Identifier: MIT
/*
 * Observing a run. The child installs a filter that sends every system call
 * to this process (SECCOMP_RET_USER_NOTIF), hands the listener over a
 * socket, and execs the program; the filter is inherited across fork and
 * execve, so every process the program starts is seen too. Each
 * notification is recorded and answered with
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE: the kernel then runs the call as the
 * program made it. The broker never answers that way (supervise/
 * notification.c), because a call let through can be changed by another
 * thread after it was inspected; here nothing is decided, only recorded, so
 * that race changes what is learned at worst, never what is allowed.
 *
 * The hand-off's own calls (the sendmsg that passes the listener and the
 * two closes after it) cannot wait for a supervisor that does not have the
 * listener yet: the filter lets them through when their unused sixth
 * argument carries HANDOFF_MARK, which no program passes by accident.
 * clone3 answers ENOSYS, as it does under every moat policy that does not
 * name it, so that the program forks as it will under the learned policy.
 *
 * The program runs in a PID namespace of its own, under moat's init
 * (isolate/init.c), as `moat run` runs it by default: when the program
 * ends, init exits and the kernel kills every process left in the
 * namespace, those that left the session (setsid, a daemon's double fork)
 * too, and init watches a pidfd of this process, so they also die when
 * this process does. A caller without CAP_SYS_ADMIN gets the namespace
 * inside a user namespace of its own that maps only its own uid and gid.
 * Where neither can be made (user namespaces turned off), the program runs
 * without one, and what left its session outlives the learning run.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "isolate/isolate.h"
#include "learn/learn.h"
#include "supervise/supervise.h"
#include "syscalls/syscalls.h"
#include "util/error.h"
#include "util/fd_message.h"

#define HANDOFF_MARK 0x6d6f61746c726eULL /* "moatlrn" */

extern char **environ;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LOW_WORD 0
#else
#define LOW_WORD 4
#endif
#define ARG5_LOW  (offsetof(struct seccomp_data, args[5]) + LOW_WORD)
#define ARG5_HIGH (offsetof(struct seccomp_data, args[5]) + 4 - LOW_WORD)

static int install_observer(void)
{
	struct sock_filter code[] = {
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_sendmsg, 2, 0),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_close, 1, 0),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 5, 4),
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG5_LOW),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)HANDOFF_MARK, 0, 2),
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG5_HIGH),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(HANDOFF_MARK >> 32), 2, 0),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog program = {sizeof(code) / sizeof(code[0]), code};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
	                    &program);
}

/* The listener to the parent, with the calls the filter lets through unseen. */
static int send_listener(int socket_fd, int listener)
{
	struct moat_fd_message message;
	long sent;

	moat_fd_message_init(&message, listener);
	sent = syscall(SYS_sendmsg, socket_fd, &message.header, MSG_NOSIGNAL, 0, 0, HANDOFF_MARK);
	syscall(SYS_close, listener, 0, 0, 0, 0, HANDOFF_MARK);
	syscall(SYS_close, socket_fd, 0, 0, 0, 0, HANDOFF_MARK);
	return sent == 1 ? 0 : -1;
}

/* The descriptors and ids the program's process and its init need, made before the clone. */
struct launch {
	const char *path;
	char *const *argv;
	int socket_fd; /* the listener leaves through it */
	int report_fd; /* an errno when the program could not start */
	struct moat_isolate_init init;
	sigset_t signal_mask; /* the caller's, which the program gets back */
	unsigned uid, gid;    /* outside ids, for a user namespace's maps */
	bool own_user_namespace;
};

static __attribute__((noreturn)) void fail_child(int report_fd)
{
	int code = errno;

	if (write(report_fd, &code, sizeof(code)) < 0)
		_exit(126);
	_exit(127);
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t length = strlen(text);
	bool written;

	if (fd < 0)
		return -1;
	written = write(fd, text, length) == (ssize_t)length;
	close(fd);
	return written ? 0 : -1;
}

/* The one mapping a process may write for itself: its own ids (isolate/maps.c). */
static int map_own_ids(const struct launch *launch)
{
	char uid_map[32], gid_map[32];

	snprintf(uid_map, sizeof(uid_map), "%u %u 1\n", launch->uid, launch->uid);
	snprintf(gid_map, sizeof(gid_map), "%u %u 1\n", launch->gid, launch->gid);
	if (write_text("/proc/self/setgroups", "deny") < 0 ||
	    write_text("/proc/self/gid_map", gid_map) < 0 ||
	    write_text("/proc/self/uid_map", uid_map) < 0)
		return -1;
	return 0;
}

/* The program's process: observed from its execve on. */
static __attribute__((noreturn)) void run_program(const struct launch *launch)
{
	int listener;

	if (sigprocmask(SIG_SETMASK, &launch->signal_mask, NULL) < 0 ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		fail_child(launch->report_fd);
	listener = install_observer();
	if (listener < 0 || send_listener(launch->socket_fd, listener) < 0)
		fail_child(launch->report_fd);
	execve(launch->path, launch->argv, environ);
	fail_child(launch->report_fd);
}

static void run_program_under_init(void *launch)
{
	run_program(launch);
}

/*
 * Pid 1 of the new namespace (or, without one, the program's process
 * itself): a session of its own, as `moat run` gives by default; then init
 * starts the program and stays to reap and to take the namespace down.
 */
static __attribute__((noreturn)) void run_child(const struct launch *launch, bool namespaced)
{
	struct moat_error ignored;
	int signals, result;

	if (launch->own_user_namespace && map_own_ids(launch) < 0)
		fail_child(launch->report_fd);
	if (setsid() < 0)
		fail_child(launch->report_fd);
	if (!namespaced)
		run_program(launch);
	result = moat_isolate_init_prepare(&launch->init, &signals, &ignored);
	if (result == 0)
		result = moat_isolate_init_spawn(&launch->init, signals, run_program_under_init,
		                                 (void *)launch, true, &ignored);
	errno = -result;
	fail_child(launch->report_fd);
}

static void answer(struct moat_learn_observations *observations, int listener, uint32_t arch)
{
	struct seccomp_notif request;
	struct seccomp_notif_resp response;

	memset(&request, 0, sizeof(request));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &request) < 0)
		return;
	if (request.data.arch == arch)
		moat_learn_record(observations, listener, request.id, (pid_t)request.pid,
		                  request.data.nr, (const uint64_t *)request.data.args);
	memset(&response, 0, sizeof(response));
	response.id = request.id;
	response.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	/* ENOENT: the thread died meanwhile; nothing waits for an answer. */
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &response);
}

/* Until every observed process has ended, or the child (init, or the program) has. */
static void observe(struct moat_learn_observations *observations, int listener, int pidfd)
{
	struct pollfd watched[2] = {{listener, POLLIN, 0}, {pidfd, POLLIN, 0}};
	uint32_t arch = moat_native_audit_arch();

	/*
	 * The program waits for this process at every call: handing the CPU
	 * straight over both ways is several times faster (docs/performance.md).
	 * A kernel before 6.6 lacks it and is only slower.
	 */
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	for (;;) {
		if (poll(watched, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (watched[0].revents & POLLIN)
			answer(observations, listener, arch);
		else if (watched[0].revents || watched[1].revents)
			break;
	}
}

/*
 * Clones pid 1 of a new PID namespace; without CAP_SYS_ADMIN, of a new user
 * namespace too; where neither can be made, a plain child. Returns the
 * child's pid (0 in the child, which never returns) or -1 with errno.
 */
static pid_t clone_child(struct launch *launch, bool *namespaced)
{
	static const unsigned long attempts[] = {CLONE_NEWPID, CLONE_NEWPID | CLONE_NEWUSER, 0};
	pid_t child = -1;

	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		/* A raw clone, not fork(3): no atfork handler runs in a copy of a threaded caller.
		 */
		child = (pid_t)syscall(SYS_clone, attempts[i] | SIGCHLD, 0, NULL, NULL, 0);
		if (child == 0) {
			launch->own_user_namespace = attempts[i] & CLONE_NEWUSER;
			run_child(launch, attempts[i] != 0);
		}
		*namespaced = attempts[i] != 0;
		if (child > 0 || (errno != EPERM && errno != EINVAL && errno != ENOSPC))
			break;
	}
	return child;
}

static void close_pair(int pair[2])
{
	close(pair[0]);
	close(pair[1]);
}

/* The ends this process keeps: the listener's socket, the error pipe, init's status pipe. */
struct parent_ends {
	int socket_fd, report_fd, status_fd;
	bool namespaced; /* the child is init of a PID namespace */
};

static int start_child(const char *path, char *const argv[], struct parent_ends *ends, pid_t *child,
                       struct moat_error *error)
{
	struct launch launch = {
	        .path = path, .argv = argv, .uid = (unsigned)geteuid(), .gid = (unsigned)getegid()};
	int pair[2], report[2], status[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		return moat_error_set(error, -errno, "cannot create a socket pair");
	if (pipe2(report, O_CLOEXEC) < 0) {
		close_pair(pair);
		return moat_error_set(error, -errno, "cannot create a pipe");
	}
	if (pipe2(status, O_CLOEXEC) < 0) {
		close_pair(pair);
		close_pair(report);
		return moat_error_set(error, -errno, "cannot create a pipe");
	}
	launch.socket_fd = pair[1];
	launch.report_fd = report[1];
	launch.init = (struct moat_isolate_init){report[1], status[1], status[0],
	                                         (int)syscall(SYS_pidfd_open, getpid(), 0)};
	pthread_sigmask(SIG_SETMASK, NULL, &launch.signal_mask);
	*child = clone_child(&launch, &ends->namespaced);
	if (*child < 0)
		moat_error_set(error, -errno, "cannot start %s", path);
	close(pair[1]);
	close(report[1]);
	close(status[1]);
	if (launch.init.parent_pidfd >= 0)
		close(launch.init.parent_pidfd);
	ends->socket_fd = pair[0];
	ends->report_fd = report[0];
	ends->status_fd = status[0];
	if (*child < 0) {
		close(pair[0]);
		close(report[0]);
		close(status[0]);
		return error->code;
	}
	return 0;
}

int moat_learn_observe(struct moat_learn_observations *observations, const char *path,
                       char *const argv[], struct moat_learn_result *result,
                       struct moat_error *error)
{
	struct parent_ends ends = {.socket_fd = -1, .report_fd = -1, .status_fd = -1};
	int pidfd, listener = -1, code = 0, status;
	pid_t child = -1;

	memset(result, 0, sizeof(*result));
	status = start_child(path, argv, &ends, &child, error);
	if (status < 0)
		return status;
	pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	if (pidfd >= 0 && moat_listener_receive(ends.socket_fd, pidfd, -1, &listener, error) == 0)
		observe(observations, listener, pidfd);
	/*
	 * Init exits once the program has ended, and the kernel then ends the
	 * namespace; without one, the program's process group goes now.
	 */
	if (!ends.namespaced || listener < 0)
		kill(ends.namespaced ? child : -child, SIGKILL);
	close(ends.socket_fd);
	if (listener >= 0)
		close(listener);
	if (pidfd >= 0)
		close(pidfd);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	/* Init passes on how the program ended: a signal shows as one, not as 128+N. */
	moat_isolate_read_program_status(ends.status_fd, &status);
	close(ends.status_fd);
	result->wait_status = status;
	if (read(ends.report_fd, &code, sizeof(code)) == (ssize_t)sizeof(code))
		result->exec_error = code;
	close(ends.report_fd);
	if (listener < 0 && !result->exec_error)
		return moat_error_set(error, -EIO, "could not observe %s", path);
	return 0;
}
