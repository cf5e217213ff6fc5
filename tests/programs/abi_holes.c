// SPDX-License-Identifier: MIT
/*
 * The holes an older Landlock leaves, tried from inside a sandbox
 * (tests/integration/landlock_abi.sh):
 *
 *   abi_holes truncate PATH     truncate(2) PATH to 0 bytes
 *   abi_holes open-trunc PATH   open PATH O_RDONLY|O_TRUNC (empties it on Linux)
 *   abi_holes ioctl-dev         ioctl RNDGETENTCNT on /dev/urandom (read-only, unprivileged)
 *   abi_holes tcp               a TCP connect to a listener of its own on 127.0.0.1
 *
 * Prints `done` and exits 0 when the attempt worked, else prints the
 * errno's name and exits 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/random.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
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
	fprintf(stderr, "usage: abi_holes truncate|open-trunc PATH | ioctl-dev | tcp\n");
	return 2;
}
