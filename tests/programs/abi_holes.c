// SPDX-License-Identifier: MIT
/*
 * The holes an older Landlock leaves, tried from inside a sandbox
 * (tests/integration/landlock_abi.sh):
 *
 *   abi_holes truncate PATH     truncate(2) PATH to 0 bytes
 *   abi_holes open-trunc PATH   open PATH O_RDONLY|O_TRUNC (empties it on Linux)
 *   abi_holes ioctl-dev         ioctl RNDGETENTCNT on /dev/urandom (read-only, unprivileged)
 *   abi_holes tcp               a TCP connect to a listener of its own on 127.0.0.1
 *   abi_holes abstract NAME     a stream connect to the abstract unix socket @NAME
 *   abi_holes abstract-pair NAME
 *                               a unix datagram socket pair's sendto to the abstract
 *                               datagram socket @NAME
 *   abi_holes signal PID        kill(PID, SIGTERM)
 *   abi_holes pidfd-signal PID  pidfd_send_signal(SIGTERM) through /proc/PID
 *   abi_holes listen NAME SECONDS
 *                               (outside a sandbox) binds @NAME as a listening stream
 *                               socket and @NAME-dgram as a datagram socket, prints
 *                               `ready`, and waits SECONDS
 *
 * Prints `done` and exits 0 when the attempt worked, else prints the
 * errno's name and exits 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/random.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int outcome(int result)
{
	if (result == 0) {
		puts("done");
		return 0;
	}
	printf("%s\n", strerrorname_np(errno));
	return 1;
}

static int open_truncating(const char *path)
{
	int fd = open(path, O_RDONLY | O_TRUNC);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int device_ioctl(void)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	int entropy;

	if (fd < 0)
		return -1;
	return ioctl(fd, RNDGETENTCNT, &entropy) < 0 ? -1 : 0;
}

/* Listens on an ephemeral port of 127.0.0.1 and connects to it: no port is fixed. */
static int tcp_connect_self(void)
{
	struct sockaddr_in address = {.sin_family = AF_INET};
	socklen_t length = sizeof(address);
	int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int client;

	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof(address)) < 0 ||
	    listen(listener, 1) < 0 ||
	    getsockname(listener, (struct sockaddr *)&address, &length) < 0)
		return -1;
	client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (client < 0)
		return -1;
	return connect(client, (struct sockaddr *)&address, sizeof(address));
}

static socklen_t abstract_address(struct sockaddr_un *address, const char *name, const char *suffix)
{
	memset(address, 0, sizeof(*address));
	address->sun_family = AF_UNIX;
	/* sun_path[0] stays 0: the abstract namespace. */
	snprintf(address->sun_path + 1, sizeof(address->sun_path) - 1, "%s%s", name, suffix);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name) +
	                   strlen(suffix));
}

static int abstract_connect(const char *name)
{
	struct sockaddr_un address;
	socklen_t length = abstract_address(&address, name, "");
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	return connect(fd, (struct sockaddr *)&address, length);
}

static int abstract_pair_send(const char *name)
{
	struct sockaddr_un address;
	socklen_t length = abstract_address(&address, name, "-dgram");
	int pair[2];

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair) < 0)
		return -1;
	return sendto(pair[0], "x", 1, 0, (struct sockaddr *)&address, length) == 1 ? 0 : -1;
}

static int pidfd_signal(const char *pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%s", pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	return (int)syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0);
}

static int listen_abstract(const char *name, const char *seconds)
{
	struct sockaddr_un address;
	socklen_t length = abstract_address(&address, name, "");
	int stream = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int datagram = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (stream < 0 || datagram < 0 || bind(stream, (struct sockaddr *)&address, length) < 0 ||
	    listen(stream, 8) < 0)
		return -1;
	length = abstract_address(&address, name, "-dgram");
	if (bind(datagram, (struct sockaddr *)&address, length) < 0)
		return -1;
	puts("ready");
	fflush(stdout);
	sleep((unsigned)atoi(seconds));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "truncate"))
		return outcome(truncate(argv[2], 0));
	if (argc == 3 && !strcmp(argv[1], "open-trunc"))
		return outcome(open_truncating(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "ioctl-dev"))
		return outcome(device_ioctl());
	if (argc == 2 && !strcmp(argv[1], "tcp"))
		return outcome(tcp_connect_self());
	if (argc == 3 && !strcmp(argv[1], "abstract"))
		return outcome(abstract_connect(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "abstract-pair"))
		return outcome(abstract_pair_send(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "signal"))
		return outcome(kill((pid_t)atoi(argv[2]), SIGTERM));
	if (argc == 3 && !strcmp(argv[1], "pidfd-signal"))
		return outcome(pidfd_signal(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "listen"))
		return outcome(listen_abstract(argv[2], argv[3]));
	fprintf(stderr, "usage: abi_holes truncate|open-trunc PATH | ioctl-dev | tcp | "
	                "abstract|abstract-pair NAME | signal|pidfd-signal PID | "
	                "listen NAME SECONDS\n");
	return 2;
}
