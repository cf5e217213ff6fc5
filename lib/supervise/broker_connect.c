// SPDX-License-Identifier: MIT
/*
 * connect(2) on the sandbox's behalf, to a granted address only.
 *
 * The address is copied out of the sandbox's memory once and compared with
 * the grants after SECCOMP_IOCTL_NOTIF_ID_VALID; the connection is then
 * made to the grant's own target, so nothing the sandbox changes afterwards
 * matters (for a unix socket the target is /proc/self/fd/N of the socket
 * file pinned when the sandbox was added, in grants.c: a symlink put in
 * place of the path is never followed).
 *
 * The supervisor never connects the sandbox's own socket: whatever it did
 * with it, the sandbox shares (a pidfd_getfd(2) duplicate shares the file's
 * status flags), so a thread of the sandbox could clear O_NONBLOCK between
 * the supervisor setting it and connecting, and the supervisor would wait
 * in connect for as long as the sandbox liked. Instead it makes a socket of
 * its own, of the same domain, type and protocol, non-blocking from its
 * creation and unknown to the sandbox until it is connected, copies the
 * options that matter before a connect (timeouts, keep-alive, no-delay,
 * ...), and installs it in the sandbox at the same descriptor number with
 * SECCOMP_ADDFD_FLAG_SETFD, which replaces the old socket the way dup2(2)
 * does, with its close-on-exec and O_NONBLOCK. It reads the sandbox's
 * socket (getsockopt, getsockname) but never acts on it. A socket the
 * sandbox bound is refused (the bind would be lost), a connected stream
 * socket fails with EISCONN as it would anyway.
 *
 * A blocking connect that takes long (a TCP handshake to a slow host) does
 * not hold the supervisor up either: the connection is registered with the
 * loop and installed when epoll reports it writable, while the sandbox's
 * thread stays in its call as it would in a real blocking connect. A
 * non-blocking socket gets its connection installed at once, with
 * EINPROGRESS.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "supervise/supervise.h"

static const struct moat_connect_grant *
find_grant(const struct moat_grants *grants, const struct sockaddr_storage *address, size_t length)
{
	for (size_t i = 0; i < grants->connect_count; i++) {
		if (moat_connect_grant_matches(&grants->connects[i], address, length))
			return &grants->connects[i];
	}
	return NULL;
}

/*
 * Copies the address once (decode.c); the grant it matches, or NULL with the
 * reason in `*result`.
 */
static const struct moat_connect_grant *read_address(const struct moat_request *request,
                                                     int *result)
{
	struct moat_memory_source memory = moat_memory_source(&request->memory);
	struct sockaddr_storage address;
	const struct moat_connect_grant *grant = NULL;
	size_t length;

	*result = moat_decode_sockaddr(request->notification.args, &memory, &address, &length);
	if (!moat_notify_id_valid(request->memory.listener, request->memory.id))
		*result = -ESRCH;
	if (*result == 0) {
		grant = find_grant(&request->sandbox->grants, &address, length);
		if (!grant)
			*result = -EACCES;
	}
	return grant;
}

/* The sandbox's socket, as far as the supervisor reads it, and the socket that replaces it. */
struct connection {
	int theirs;       /* a pidfd_getfd(2) duplicate: only ever read */
	int ours;         /* the supervisor's own, non-blocking */
	int target;       /* the descriptor number in the sandbox */
	bool cloexec;     /* the sandbox's descriptor is close-on-exec */
	bool nonblocking; /* the sandbox's descriptor is O_NONBLOCK */
};

static void connection_close(struct connection *connection)
{
	if (connection->theirs >= 0)
		close(connection->theirs);
	if (connection->ours >= 0)
		close(connection->ours);
	connection->theirs = connection->ours = -1;
}

/* A duplicate of the sandbox's socket `fd`. */
static int duplicate_socket(const struct moat_request *request, int fd)
{
	int pidfd = moat_request_pidfd(request), socket_fd, result = 0;

	if (pidfd < 0)
		return pidfd;
	socket_fd = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (socket_fd < 0)
		result = -errno;
	close(pidfd);
	return result < 0 ? result : socket_fd;
}

/*
 * The flags of the sandbox's descriptor `fd`, close-on-exec included (only
 * fdinfo tells another process's close-on-exec); trusted only while the
 * notification still waits, since the pid may have been reused.
 */
static int descriptor_flags(const struct moat_request *request, int fd, long *flags)
{
	char path[64], text[512];
	const char *field;
	ssize_t got;
	int file;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)request->notification.pid, fd);
	file = open(path, O_RDONLY | O_CLOEXEC);
	if (file < 0)
		return errno == ENOENT ? -EBADF : -errno;
	got = read(file, text, sizeof(text) - 1);
	close(file);
	if (got < 0)
		return -errno;
	text[got] = '\0';
	field = strstr(text, "\nflags:");
	if (!field)
		return -EIO;
	*flags = strtol(field + strlen("\nflags:"), NULL, 8);
	if (!moat_notify_id_valid(request->memory.listener, request->memory.id))
		return -ESRCH;
	return 0;
}

static int socket_option(int fd, int level, int name)
{
	int value = 0;
	socklen_t size = sizeof(value);

	return getsockopt(fd, level, name, &value, &size) < 0 ? -errno : value;
}

static bool is_bound(const struct sockaddr_storage *name, socklen_t length)
{
	switch (name->ss_family) {
	case AF_INET: {
		const struct sockaddr_in *in = (const void *)name;

		return in->sin_port != 0 || in->sin_addr.s_addr != htonl(INADDR_ANY);
	}
	case AF_INET6: {
		const struct sockaddr_in6 *in6 = (const void *)name;

		return in6->sin6_port != 0 || !IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr);
	}
	case AF_UNIX: /* a name, abstract or not; an unbound one is the family alone */
		return length > offsetof(struct sockaddr_un, sun_path);
	}
	return true;
}

/*
 * A socket the sandbox connected, or bound (a local address, a name, a
 * listener, a TCP handshake of its own under way), cannot be replaced
 * without losing that.
 */
static int check_unused(int theirs, int type)
{
	struct sockaddr_storage name;
	socklen_t length = sizeof(name);

	if (type != SOCK_DGRAM && getpeername(theirs, (struct sockaddr *)&name, &length) == 0)
		return -EISCONN;
	length = sizeof(name);
	if (getsockname(theirs, (struct sockaddr *)&name, &length) < 0)
		return -errno;
	return is_bound(&name, length) ? -EACCES : 0;
}

enum copied_for { FOR_ALL, FOR_UNIX, FOR_TCP, FOR_INET6 };

/*
 * What a program may set on its socket before connecting and expects to
 * find after. Values are copied as the kernel reports them, so an option
 * the sandbox left alone gets its default (or the sandbox's network
 * namespace's default) again. Left out on purpose: buffer sizes (setting
 * one locks it and turns off autotuning), and what needs privilege or
 * names things of the sandbox's namespace (SO_MARK, SO_PRIORITY,
 * SO_BINDTODEVICE, IP_TOS).
 */
static const struct copied_option {
	int level;
	int name;
	enum copied_for only;
} copied_options[] = {
        {SOL_SOCKET, SO_REUSEADDR, FOR_ALL},      {SOL_SOCKET, SO_KEEPALIVE, FOR_ALL},
        {SOL_SOCKET, SO_LINGER, FOR_ALL},         {SOL_SOCKET, SO_RCVTIMEO, FOR_ALL},
        {SOL_SOCKET, SO_SNDTIMEO, FOR_ALL},       {SOL_SOCKET, SO_PASSCRED, FOR_UNIX},
        {IPPROTO_TCP, TCP_NODELAY, FOR_TCP},      {IPPROTO_TCP, TCP_KEEPIDLE, FOR_TCP},
        {IPPROTO_TCP, TCP_KEEPINTVL, FOR_TCP},    {IPPROTO_TCP, TCP_KEEPCNT, FOR_TCP},
        {IPPROTO_TCP, TCP_USER_TIMEOUT, FOR_TCP}, {IPPROTO_IPV6, IPV6_V6ONLY, FOR_INET6},
};

static int copy_options(const struct connection *connection, int domain)
{
	for (size_t i = 0; i < sizeof(copied_options) / sizeof(copied_options[0]); i++) {
		const struct copied_option *option = &copied_options[i];
		unsigned char value[64];
		socklen_t size = sizeof(value);

		if ((option->only == FOR_UNIX && domain != AF_UNIX) ||
		    (option->only == FOR_TCP && domain == AF_UNIX) ||
		    (option->only == FOR_INET6 && domain != AF_INET6))
			continue;
		if (getsockopt(connection->theirs, option->level, option->name, value, &size) < 0 ||
		    setsockopt(connection->ours, option->level, option->name, value, size) < 0)
			return -errno;
	}
	return 0;
}

/*
 * Reads the sandbox's socket `fd`, checks it fits the grant, and makes the
 * supervisor's socket that will replace it, options copied.
 */
static int prepare(const struct moat_request *request, int fd,
                   const struct moat_connect_grant *grant, struct connection *connection)
{
	int domain, type, protocol, result;
	long flags = 0;

	*connection = (struct connection){.theirs = -1, .ours = -1, .target = fd};
	connection->theirs = duplicate_socket(request, fd);
	if (connection->theirs < 0)
		return connection->theirs;
	result = descriptor_flags(request, fd, &flags);
	domain = socket_option(connection->theirs, SOL_SOCKET, SO_DOMAIN);
	type = socket_option(connection->theirs, SOL_SOCKET, SO_TYPE);
	protocol = socket_option(connection->theirs, SOL_SOCKET, SO_PROTOCOL);
	if (result == 0 && (domain < 0 || type < 0 || protocol < 0))
		result = domain < 0 ? domain : type < 0 ? type : protocol;
	if (result == 0 && domain != grant->address.ss_family)
		result = -EAFNOSUPPORT;
	if (result == 0 && domain != AF_UNIX && (type != SOCK_STREAM || protocol != IPPROTO_TCP))
		result = -EACCES; /* `connect tcp` grants TCP only */
	if (result == 0)
		result = check_unused(connection->theirs, type);
	if (result == 0) {
		connection->cloexec = flags & O_CLOEXEC;
		connection->nonblocking = flags & O_NONBLOCK;
		connection->ours = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
		result = connection->ours < 0 ? -errno : copy_options(connection, domain);
	}
	return result;
}

/* Returns 0, a negative errno, or 1 when the connection is under way. */
static int start_connect(const struct connection *connection,
                         const struct moat_connect_grant *grant)
{
	if (connect(connection->ours, (const void *)&grant->target, grant->target_length) == 0)
		return 0;
	return errno == EINPROGRESS ? 1 : -errno;
}

/*
 * Puts the supervisor's socket in the sandbox in place of its own, blocking
 * or not as the sandbox's was.
 */
static int install(int listener, uint64_t id, int socket_fd, int target, bool cloexec,
                   bool nonblocking)
{
	int flags = fcntl(socket_fd, F_GETFL);

	if (flags < 0)
		return -errno;
	if (!nonblocking && fcntl(socket_fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
		return -errno;
	return moat_notify_install_fd(listener, id, socket_fd, target, cloexec);
}

int moat_broker_connect(const struct moat_request *request, struct moat_reply *reply)
{
	struct connection connection = {.theirs = -1, .ours = -1};
	int result;
	const struct moat_connect_grant *grant = read_address(request, &result);

	if (grant)
		result = prepare(request, (int)request->notification.args[0], grant, &connection);
	if (grant && result == 0)
		result = start_connect(&connection, grant);
	if (result == 1 && !connection.nonblocking) {
		result = moat_pending_connect_add(request->sandbox, request->notification.id,
		                                  connection.ours, connection.target,
		                                  connection.cloexec);
		if (result == 0) {
			connection.ours = -1; /* the pending connect owns the socket now */
			connection_close(&connection);
			return 1;
		}
	}
	/* Connected, or under way on a non-blocking socket: the sandbox gets it now. */
	if (result == 0 || result == 1) {
		int installed =
		        install(request->memory.listener, request->memory.id, connection.ours,
		                connection.target, connection.cloexec, connection.nonblocking);

		result = installed < 0 ? installed : result == 1 ? -EINPROGRESS : 0;
	}
	connection_close(&connection);
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
	/* A failed connect leaves the sandbox's socket as it was, unconnected. */
	if (error == 0)
		error = -install(pending->sandbox->listener, pending->id, pending->socket,
		                 pending->target, pending->cloexec, false);
	reply->kind = error ? MOAT_REPLY_ERRNO : MOAT_REPLY_VALUE;
	reply->error = error;
	reply->value = 0;
}
