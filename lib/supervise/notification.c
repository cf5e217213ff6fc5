// SPDX-License-Identifier: MIT
/*
 * The listener's ioctls. Every answer goes through moat_notify_reply(), the
 * one place that builds a `struct seccomp_notif_resp`: its flags are always
 * 0, so no call is ever let through with SECCOMP_USER_NOTIF_FLAG_CONTINUE.
 * (`moat learn`'s observer, lib/learn/observe.c, answers with CONTINUE: it
 * decides nothing, it only records, and learning is not a boundary.)
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "supervise/supervise.h"

/* The largest errno a reply (like a filter's errno action) can carry. */
#define MAXIMUM_ERRNO 4095

int moat_notify_receive(int listener, struct seccomp_notif *request, size_t size)
{
	/* The kernel refuses a buffer that is not zeroed. */
	memset(request, 0, size);
	while (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, request) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

bool moat_notify_id_valid(int listener, uint64_t id)
{
	return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

bool moat_notify_set_sync_wake_up(int listener, bool on)
{
	unsigned long flags = on ? SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP : 0;

	return ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags) == 0;
}

static int send_response(int listener, uint64_t id, int64_t value, int error)
{
	struct seccomp_notif_resp response = {.id = id, .val = value, .error = -error};

	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &response) < 0)
		return -errno;
	return 0;
}

/*
 * ADDFD with SECCOMP_ADDFD_FLAG_SEND installs the fd and answers in one
 * step, so the caller cannot see the fd before the call returns. Without
 * it (before 5.14) the fd is installed first and its number sent after.
 * Returns the fd number in the caller, or a negative errno.
 */
static int inject(int listener, uint64_t id, const struct moat_reply *reply, bool *addfd_send)
{
	struct seccomp_notif_addfd addfd = {
	        .id = id,
	        .srcfd = (uint32_t)reply->fd,
	        .newfd_flags = reply->fd_flags & O_CLOEXEC,
	};
	int fd;

	if (*addfd_send) {
		addfd.flags = SECCOMP_ADDFD_FLAG_SEND;
		fd = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
		if (fd >= 0 || errno != EINVAL)
			return fd >= 0 ? fd : -errno;
		*addfd_send = false;
		addfd.flags = 0;
	}
	fd = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
	if (fd < 0)
		return -errno;
	return send_response(listener, id, fd, 0);
}

int moat_notify_reply(int listener, uint64_t id, struct moat_reply *reply, bool *addfd_send)
{
	int result;

	switch (reply->kind) {
	case MOAT_REPLY_VALUE:
		return send_response(listener, id, reply->value, 0);
	case MOAT_REPLY_FD:
		if (reply->fd < 0)
			return send_response(listener, id, 0, EBADF);
		result = inject(listener, id, reply, addfd_send);
		close(reply->fd);
		reply->fd = -1;
		/* Still waiting when the copy failed (EMFILE in the caller): say why. */
		if (result < 0 && result != -ENOENT)
			return send_response(listener, id, 0, -result);
		return result < 0 ? result : 0;
	case MOAT_REPLY_ERRNO:
		break;
	}
	if (reply->error <= 0 || reply->error > MAXIMUM_ERRNO)
		return send_response(listener, id, 0, EACCES);
	return send_response(listener, id, 0, reply->error);
}

int moat_notify_install_fd(int listener, uint64_t id, int fd, int target, bool cloexec)
{
	struct seccomp_notif_addfd addfd = {
	        .id = id,
	        .flags = SECCOMP_ADDFD_FLAG_SETFD,
	        .srcfd = (uint32_t)fd,
	        .newfd = (uint32_t)target,
	        .newfd_flags = cloexec ? O_CLOEXEC : 0,
	};

	return ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) < 0 ? -errno : 0;
}

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* 6.9: a pidfd for a thread, not only a process */
#endif

int moat_request_pidfd(const struct moat_request *request)
{
	pid_t pid = request->notification.pid;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, PIDFD_THREAD);

	/* Before 6.9 only a thread-group leader has a pidfd. */
	if (pidfd < 0 && errno == EINVAL)
		pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -errno;
	/* Opened by pid: it is the caller's only while its notification still waits. */
	if (!moat_notify_id_valid(request->memory.listener, request->memory.id)) {
		close(pidfd);
		return -ESRCH;
	}
	return pidfd;
}
