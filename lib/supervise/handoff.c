// SPDX-License-Identifier: MIT
/*
 * The listener's way from the sandbox to the supervisor. The child's side
 * runs between fork and exec, in a copy of a possibly multi-threaded
 * parent: system calls only, no allocation, errors filled without printf.
 */
#include "supervise/handoff.h"

#include "landlock/landlock.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "landlock/abi.h"
#include "seccomp/install.h"
#include "seccomp/split.h"
#include "syscalls/syscalls.h"
#include "util/error.h"
#include "util/fd_message.h"
#include "util/message.h"

/* What runs between the two filter parts, and the exec after them. */
/* ---- the listener over a socket ------------------------------------------ */

int moat_listener_send(int socket_fd, int listener_fd, struct moat_error *error)
{
	struct moat_fd_message message;

	moat_fd_message_init(&message, listener_fd);
	while (sendmsg(socket_fd, &message.header, MOAT_HANDOFF_SENDMSG_FLAGS) < 0) {
		if (errno != EINTR)
			return moat_message_set(error, -errno, "cannot send the seccomp listener");
	}
	return 0;
}

/* The one descriptor of a received message; any others are closed. */
static int take_descriptor(struct msghdr *message)
{
	int fd = -1;

	for (struct cmsghdr *header = CMSG_FIRSTHDR(message); header;
	     header = CMSG_NXTHDR(message, header)) {
		size_t count;

		if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS)
			continue;
		count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < count; i++) {
			int received;

			memcpy(&received, CMSG_DATA(header) + i * sizeof(int), sizeof(int));
			if (fd < 0)
				fd = received;
			else
				close(received);
		}
	}
	return fd;
}

static int receive_message(int socket_fd, int *listener_fd, struct moat_error *error)
{
	union {
		struct cmsghdr header;
		char space[CMSG_SPACE(4 * sizeof(int))];
	} control;
	char byte;
	struct iovec data = {&byte, 1};
	struct msghdr message = {
	        .msg_iov = &data,
	        .msg_iovlen = 1,
	        .msg_control = control.space,
	        .msg_controllen = sizeof(control.space),
	};
	ssize_t got;

	do {
		got = recvmsg(socket_fd, &message, MSG_CMSG_CLOEXEC);
	} while (got < 0 && errno == EINTR);
	if (got < 0)
		return moat_error_set(error, -errno, "cannot receive the seccomp listener: %s",
		                      strerrordesc_np(errno));
	if (got == 0)
		return moat_error_set(error, -ESRCH,
		                      "the sandbox closed the hand-off socket without sending "
		                      "its seccomp listener");
	*listener_fd = take_descriptor(&message);
	if (*listener_fd < 0)
		return moat_error_set(error, -EPROTO,
		                      "the hand-off message carries no seccomp listener");
	return 0;
}

static int milliseconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int)((now.tv_sec - start->tv_sec) * 1000 +
	             (now.tv_nsec - start->tv_nsec) / 1000000);
}

int moat_listener_receive(int socket_fd, int pidfd, int timeout_ms, int *listener_fd,
                          struct moat_error *error)
{
	struct pollfd watched[2] = {{socket_fd, POLLIN, 0}, {pidfd, POLLIN, 0}};
	struct timespec start;
	int ready;

	*listener_fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int left = timeout_ms < 0 ? -1 : timeout_ms - milliseconds_since(&start);

		if (timeout_ms >= 0 && left < 0)
			left = 0;
		ready = poll(watched, pidfd >= 0 ? 2 : 1, left);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0)
			return moat_error_set(error, -errno,
			                      "cannot wait for the seccomp listener");
		/* A message that came before the sender ended still counts. */
		if (watched[0].revents)
			return receive_message(socket_fd, listener_fd, error);
		if (watched[1].revents)
			return moat_error_set(
			        error, -ESRCH,
			        "the sandbox ended before it sent its seccomp listener");
		if (ready == 0)
			return moat_error_set(error, -ETIMEDOUT,
			                      "no seccomp listener from the sandbox within %d ms",
			                      timeout_ms);
	}
}

/* ---- planning ------------------------------------------------------------ */

static int plan_isolation(struct moat_handoff_plan *plan, const struct moat_policy *policy,
                          int landlock_abi, bool own_pid_namespace, struct moat_error *error)
{
	if (landlock_abi >= 6) {
		plan->isolation = MOAT_HANDOFF_LANDLOCK | MOAT_HANDOFF_SCOPE_SIGNALS;
		return 0;
	}
	/* No process outside the sandbox's PID namespace has a number in it. */
	if (landlock_abi >= 1 && own_pid_namespace) {
		plan->isolation = MOAT_HANDOFF_LANDLOCK;
		return 0;
	}
	if (landlock_abi >= 1) {
		plan->isolation = MOAT_HANDOFF_LANDLOCK;
		plan->dropped = "the supervisor is not protected from the sandbox's signals: that "
		                "needs Landlock ABI 6 (Linux 6.12)";
	} else {
		plan->dropped =
		        "the supervisor is not protected from the sandbox's signals, ptrace "
		        "and /proc/PID/mem: that needs Landlock (ABI 6, Linux 6.12)";
	}
	if (policy->compat == MOAT_COMPAT_STRICT)
		return moat_error_set(error, -EOPNOTSUPP,
		                      "%s; `compat best-effort` runs without that protection",
		                      plan->dropped);
	return 0;
}

int moat_handoff_plan_build(struct moat_handoff_plan *plan, const struct moat_policy *policy,
                            int landlock_abi, struct moat_error *error)
{
	return moat_handoff_plan_build_routed(plan, policy, landlock_abi, 0, false, error);
}

int moat_handoff_plan_build_routed(struct moat_handoff_plan *plan, const struct moat_policy *policy,
                                   int landlock_abi, unsigned routed, bool own_pid_namespace,
                                   struct moat_error *error)
{
	int result;

	memset(plan, 0, sizeof(*plan));
	result = plan_isolation(plan, policy, landlock_abi, own_pid_namespace, error);
	if (result == 0 && moat_filter_routed_fits_one(policy, routed))
		result = moat_filter_compile_one(policy, routed, &plan->notify_part, error);
	else if (result == 0)
		result = moat_filter_compile_routed(policy, routed, &plan->notify_part,
		                                    &plan->enforce_part, error);
	if (result < 0)
		memset(plan, 0, sizeof(*plan));
	return result;
}

void moat_handoff_plan_release(struct moat_handoff_plan *plan)
{
	moat_filter_free(plan->notify_part);
	moat_filter_free(plan->enforce_part);
	memset(plan, 0, sizeof(*plan));
}

/* ---- the child ----------------------------------------------------------- */

/*
 * A Landlock domain that restricts nothing the policy cares about: with ABI
 * 6 only the signal scope; before, making block devices (which needs
 * CAP_MKNOD anyway). Any domain keeps ptrace and /proc/PID/mem from
 * reaching processes outside it.
 */
static int isolate(unsigned isolation, struct moat_error *error)
{
	if (!(isolation & MOAT_HANDOFF_LANDLOCK))
		return 0;
	return moat_landlock_enter_boundary(isolation & MOAT_HANDOFF_SCOPE_SIGNALS, error);
}

/*
 * From the notify part on, every call made here and until the program runs
 * is one of moat_syscall_handoff_calls() (syscalls/syscalls.c): a new one
 * must be added there, with any argument it always passes alike.
 */
int moat_handoff_child(const struct moat_handoff_plan *plan, int socket_fd,
                       struct moat_error *error)
{
	int listener = -1, result;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		result = moat_message_set(error, -errno, "cannot set no_new_privs");
	else
		result = isolate(plan->isolation, error);
	if (result == 0)
		result = moat_seccomp_install(plan->notify_part, MOAT_SECCOMP_LISTENER, &listener,
		                              error);
	if (result == 0)
		result = moat_listener_send(socket_fd, listener, error);
	/* From here the only listener is on its way (or the hand-off failed): drop ours. */
	if (listener >= 0)
		close(listener);
	close(socket_fd);
	if (result == 0 && plan->enforce_part)
		result = moat_seccomp_install(plan->enforce_part, 0, NULL, error);
	return result;
}
