// SPDX-License-Identifier: MIT
/*
 * connect(2) on the sandbox's behalf, to a granted address only.
 *
 * The address is copied out of the sandbox's memory once and compared with
 * the grants after SECCOMP_IOCTL_NOTIF_ID_VALID; the socket is then
 * connected by the supervisor to the grant's own target, so nothing the
 * sandbox changes afterwards matters (for a unix socket the target is
 * /proc/self/fd/N of the socket file pinned when the sandbox was added, in
 * grants.c: a symlink put in place of the path is never followed). The
 * supervisor works on the sandbox's socket itself (a duplicate from
 * pidfd_getfd(2)): the sandbox keeps its socket, options and all, and the
 * call returns what connect returned.
 *
 * A connect on a blocking socket can take long (a TCP handshake to a slow
 * host); the supervisor never waits for it. It starts the connection with
 * the socket briefly non-blocking and answers when epoll reports the
 * socket writable, while the sandbox's thread stays in its call as it
 * would in a real blocking connect.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "supervise/supervise.h"

/* The shortest sockaddr_in6 the kernel accepts (no sin6_scope_id). */
#define SOCKADDR_IN6_MINIMUM 24

static bool same_address(const struct moat_connect_grant *grant,
                         const struct sockaddr_storage *address, size_t length)
{
	if (grant->address.ss_family != address->ss_family)
		return false;
	switch (address->ss_family) {
	case AF_INET: {
		const struct sockaddr_in *want = (const void *)&grant->address;
		const struct sockaddr_in *got = (const void *)address;

		return length >= sizeof(*got) && want->sin_port == got->sin_port &&
		       want->sin_addr.s_addr == got->sin_addr.s_addr;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *want = (const void *)&grant->address;
		const struct sockaddr_in6 *got = (const void *)address;

		return length >= SOCKADDR_IN6_MINIMUM && want->sin6_port == got->sin6_port &&
		       !memcmp(&want->sin6_addr, &got->sin6_addr, sizeof(got->sin6_addr));
	}
	case AF_UNIX: {
		const struct sockaddr_un *want = (const void *)&grant->address;
		const struct sockaddr_un *got = (const void *)address;
		size_t offset = offsetof(struct sockaddr_un, sun_path);
		size_t path = length > offset ? strnlen(got->sun_path, length - offset) : 0;

		/* An abstract address (a leading NUL) is never a granted path. */
		return path > 0 && path == strlen(want->sun_path) &&
		       !memcmp(want->sun_path, got->sun_path, path);
	}
	}
	return false;
}

static const struct moat_connect_grant *
find_grant(const struct moat_grants *grants, const struct sockaddr_storage *address, size_t length)
{
	for (size_t i = 0; i < grants->connect_count; i++) {
		if (same_address(&grants->connects[i], address, length))
			return &grants->connects[i];
	}
	return NULL;
}

/* Copies the address once; the grant it matches, or NULL with the reason in `*result`. */
static const struct moat_connect_grant *read_address(const struct moat_request *request,
                                                     int *result)
{
	struct sockaddr_storage address = {0};
	int64_t length = (int)request->notification.args[2];
	const struct moat_connect_grant *grant = NULL;
	ssize_t got = 0;

	*result = 0;
	if (length < (int64_t)sizeof(address.ss_family) || length > (int64_t)sizeof(address))
		*result = -EINVAL;
	else
		got = moat_memory_read_raw(&request->memory, request->notification.args[1],
		                           &address, (size_t)length);
	if (*result == 0 && got != length)
		*result = -EFAULT;
	if (!moat_notify_id_valid(request->memory.listener, request->memory.id))
		*result = -ESRCH;
	if (*result == 0) {
		grant = find_grant(&request->sandbox->grants, &address, (size_t)length);
		if (!grant)
			*result = -EACCES;
	}
	return grant;
}

/* A duplicate of the sandbox's socket `fd`, checked to fit the grant. */
static int take_socket(const struct moat_request *request, int fd,
                       const struct moat_connect_grant *grant)
{
	int pidfd = moat_request_pidfd(request), socket_fd, domain, type, protocol, result = 0;
	socklen_t size = sizeof(int);

	if (pidfd < 0)
		return pidfd;
	socket_fd = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (socket_fd < 0)
		result = -errno;
	close(pidfd);
	if (result < 0)
		return result;
	if (getsockopt(socket_fd, SOL_SOCKET, SO_DOMAIN, &domain, &size) < 0 ||
	    getsockopt(socket_fd, SOL_SOCKET, SO_TYPE, &type, &size) < 0 ||
	    getsockopt(socket_fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &size) < 0)
		result = -errno;
	else if (domain != grant->address.ss_family)
		result = -EAFNOSUPPORT;
	else if (domain != AF_UNIX && (type != SOCK_STREAM || protocol != IPPROTO_TCP))
		result = -EACCES; /* `connect tcp` grants TCP only */
	if (result < 0) {
		close(socket_fd);
		return result;
	}
	return socket_fd;
}

/*
 * Connects without blocking: returns 0, a negative errno, or 1 when a
 * blocking socket's connection is under way, which a blocking connect
 * would wait for.
 */
static int start_connect(int socket_fd, const struct moat_connect_grant *grant)
{
	int flags = fcntl(socket_fd, F_GETFL), result;

	if (flags < 0)
		return -errno;
	if (flags & O_NONBLOCK)
		return connect(socket_fd, (const void *)&grant->target, grant->target_length) < 0
		               ? -errno
		               : 0;
	/* The flag is shared with the sandbox's descriptor: set for the call only. */
	if (fcntl(socket_fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	result = connect(socket_fd, (const void *)&grant->target, grant->target_length) < 0 ? -errno
	                                                                                    : 0;
	fcntl(socket_fd, F_SETFL, flags);
	/* EALREADY: a connect of this socket, interrupted earlier, is still under way. */
	return result == -EINPROGRESS || result == -EALREADY ? 1 : result;
}

int moat_broker_connect(const struct moat_request *request, struct moat_reply *reply)
{
	int result, socket_fd = -1;
	const struct moat_connect_grant *grant = read_address(request, &result);

	if (grant) {
		socket_fd = take_socket(request, (int)request->notification.args[0], grant);
		result = socket_fd < 0 ? socket_fd : start_connect(socket_fd, grant);
	}
	if (result == 1) {
		result = moat_pending_connect_add(request->supervisor, request->sandbox,
		                                  request->notification.id, socket_fd);
		if (result == 0)
			return 1; /* the pending connect owns the socket now */
	}
	if (socket_fd >= 0)
		close(socket_fd);
	reply->kind = result < 0 ? MOAT_REPLY_ERRNO : MOAT_REPLY_VALUE;
	reply->error = -result;
	reply->value = 0;
	return 0;
}

void moat_broker_connect_finish(const struct moat_pending_connect *pending,
                                struct moat_reply *reply)
{
	int error = 0;
	socklen_t size = sizeof(error);

	if (getsockopt(pending->socket, SOL_SOCKET, SO_ERROR, &error, &size) < 0)
		error = errno;
	reply->kind = error ? MOAT_REPLY_ERRNO : MOAT_REPLY_VALUE;
	reply->error = error;
	reply->value = 0;
}
