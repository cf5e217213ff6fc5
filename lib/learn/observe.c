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
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "learn/learn.h"
#include "supervise/supervise.h"
#include "syscalls/syscalls.h"
#include "util/error.h"

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
	union {
		struct cmsghdr header;
		char space[CMSG_SPACE(sizeof(int))];
	} control;
	char byte = 'L';
	struct iovec data = {&byte, 1};
	struct msghdr message = {.msg_iov = &data,
	                         .msg_iovlen = 1,
	                         .msg_control = control.space,
	                         .msg_controllen = sizeof(control.space)};
	struct cmsghdr *header = CMSG_FIRSTHDR(&message);
	long sent;

	memset(&control, 0, sizeof(control));
	header->cmsg_level = SOL_SOCKET;
	header->cmsg_type = SCM_RIGHTS;
	header->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(header), &listener, sizeof(int));
	sent = syscall(SYS_sendmsg, socket_fd, &message, MSG_NOSIGNAL, 0, 0, HANDOFF_MARK);
	syscall(SYS_close, listener, 0, 0, 0, 0, HANDOFF_MARK);
	syscall(SYS_close, socket_fd, 0, 0, 0, 0, HANDOFF_MARK);
	return sent == 1 ? 0 : -1;
}

/*
 * The program's process: a session of its own (as `moat run` gives by
 * default), gone with this process, observed from its execve on. A failure
 * is reported as an errno on `report_fd`.
 */
static void run_child(const char *path, char *const argv[], pid_t parent, int socket_fd,
                      int report_fd)
{
	int listener, code;

	if (setsid() < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		goto failed;
	listener = install_observer();
	if (listener < 0 || send_listener(socket_fd, listener) < 0)
		goto failed;
	execve(path, argv, environ);
failed:
	code = errno;
	if (write(report_fd, &code, sizeof(code)) < 0)
		_exit(126);
	_exit(127);
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

/* Until the program ends; the processes it leaves die with its session. */
static void observe(struct moat_learn_observations *observations, int listener, int pidfd,
                    pid_t child)
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
	kill(-child, SIGKILL);
}

static int start_child(const char *path, char *const argv[], int *socket_end, int *report_end,
                       pid_t *child, struct moat_error *error)
{
	int pair[2], report[2];
	pid_t parent = getpid();

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		return moat_error_set(error, -errno, "cannot create a socket pair");
	if (pipe2(report, O_CLOEXEC) < 0) {
		close(pair[0]);
		close(pair[1]);
		return moat_error_set(error, -errno, "cannot create a pipe");
	}
	*child = fork();
	if (*child == 0) {
		close(pair[0]);
		close(report[0]);
		run_child(path, argv, parent, pair[1], report[1]);
	}
	close(pair[1]);
	close(report[1]);
	*socket_end = pair[0];
	*report_end = report[0];
	if (*child < 0) {
		close(pair[0]);
		close(report[0]);
		return moat_error_set(error, -errno, "cannot start %s", path);
	}
	return 0;
}

int moat_learn_observe(struct moat_learn_observations *observations, const char *path,
                       char *const argv[], struct moat_learn_result *result,
                       struct moat_error *error)
{
	int socket_end = -1, report_end = -1, pidfd, listener = -1, code = 0, status;
	pid_t child = -1;

	memset(result, 0, sizeof(*result));
	status = start_child(path, argv, &socket_end, &report_end, &child, error);
	if (status < 0)
		return status;
	pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	if (pidfd >= 0 && moat_listener_receive(socket_end, pidfd, -1, &listener, error) == 0)
		observe(observations, listener, pidfd, child);
	close(socket_end);
	if (listener >= 0)
		close(listener);
	if (pidfd >= 0)
		close(pidfd);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	result->wait_status = status;
	if (read(report_end, &code, sizeof(code)) == (ssize_t)sizeof(code))
		result->exec_error = code;
	close(report_end);
	if (listener < 0 && !result->exec_error)
		return moat_error_set(error, -EIO, "could not observe %s", path);
	return 0;
}
