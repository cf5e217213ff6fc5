// SPDX-License-Identifier: MIT
/*
 * Tries one way out to the network and prints what the kernel answered:
 * `ok` or the errno's name. Run by tests/integration/egress.sh inside
 * sandboxes with and without [network] egress lines.
 *
 *   egress_probe free-port                 an unused TCP port of 127.0.0.1
 *   egress_probe tcp ADDRESS PORT          connect
 *   egress_probe fastopen ADDRESS PORT     sendto(MSG_FASTOPEN) on a new TCP socket
 *   egress_probe udp ADDRESS PORT          sendto on an unconnected socket
 *   egress_probe udp-connect ADDRESS PORT  connect a UDP socket
 *   egress_probe udp-unspec ADDRESS PORT   sendto with sa_family AF_UNSPEC
 *   egress_probe udp-connected LISTED OTHER PORT
 *                                          connect to LISTED, send(), sendto OTHER
 *   egress_probe udp-disconnect ADDRESS PORT
 *                                          connect, connect(AF_UNSPEC), send()
 *   egress_probe socket raw|raw6|icmp|udplite|packet|inet-packet
 *   egress_probe cgroup-escape             write 0 to the cgroup2 root's cgroup.procs
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif
#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif

static const struct {
	int code;
	const char *name;
} names[] = {
        {EPERM, "EPERM"},
        {EACCES, "EACCES"},
        {ENOENT, "ENOENT"},
        {ECONNREFUSED, "ECONNREFUSED"},
        {ENETUNREACH, "ENETUNREACH"},
        {EOPNOTSUPP, "EOPNOTSUPP"},
        {EAFNOSUPPORT, "EAFNOSUPPORT"},
        {EDESTADDRREQ, "EDESTADDRREQ"},
        {ENOTCONN, "ENOTCONN"},
        {EPROTONOSUPPORT, "EPROTONOSUPPORT"},
        {EADDRNOTAVAIL, "EADDRNOTAVAIL"},
        {EINVAL, "EINVAL"},
        {EINPROGRESS, "EINPROGRESS"},
        {EROFS, "EROFS"},
};

static void answer(int result)
{
	if (result >= 0) {
		puts("ok");
		return;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].code == errno) {
			puts(names[i].name);
			return;
		}
	}
	printf("errno%d\n", errno);
}

static socklen_t address_of(const char *text, const char *port, struct sockaddr_storage *address)
{
	struct sockaddr_in *in = (struct sockaddr_in *)address;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)address;

	memset(address, 0, sizeof(*address));
	if (inet_pton(AF_INET, text, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)atoi(port));
		return sizeof(*in);
	}
	if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)atoi(port));
		return sizeof(*in6);
	}
	fprintf(stderr, "egress_probe: bad address %s\n", text);
	exit(2);
}

static int new_socket(const struct sockaddr_storage *address, int type)
{
	int fd = socket(address->ss_family, type, 0);

	if (fd < 0) {
		answer(-1);
		exit(0);
	}
	return fd;
}

static int free_port(void)
{
	struct sockaddr_in address = {.sin_family = AF_INET,
	                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t length = sizeof(address);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof(address)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&address, &length) < 0)
		return 1;
	printf("%d\n", ntohs(address.sin_port));
	close(fd);
	return 0;
}

static int try_socket(const char *kind)
{
	if (!strcmp(kind, "raw"))
		answer(socket(AF_INET, SOCK_RAW, IPPROTO_UDP));
	else if (!strcmp(kind, "raw6"))
		answer(socket(AF_INET6, SOCK_RAW, IPPROTO_UDP));
	else if (!strcmp(kind, "icmp"))
		answer(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
	else if (!strcmp(kind, "udplite"))
		answer(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE));
	else if (!strcmp(kind, "packet"))
		answer(socket(AF_PACKET, SOCK_DGRAM, 0));
	else if (!strcmp(kind, "inet-packet")) /* the old spelling of a packet socket */
		answer(socket(AF_INET, SOCK_PACKET | SOCK_CLOEXEC, htons(3)));
	else
		return 2;
	return 0;
}

/* The cgroup2 mount from mountinfo; then an attempt to move into its root. */
static int cgroup_escape(void)
{
	FILE *mountinfo = fopen("/proc/self/mountinfo", "re");
	char line[4096], mount_point[4096] = "", path[4200];
	int fd;

	while (mountinfo && fgets(line, sizeof(line), mountinfo)) {
		if (strstr(line, " - cgroup2 ") &&
		    sscanf(line, "%*s %*s %*s %*s %4095s", mount_point) == 1)
			break;
		mount_point[0] = '\0';
	}
	if (!mount_point[0]) {
		puts("no-cgroup2");
		return 0;
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", mount_point);
	fd = open(path, O_WRONLY);
	if (fd < 0) {
		answer(-1);
		return 0;
	}
	answer((int)write(fd, "0", 1));
	return 0;
}

static int udp_variant(const char *kind, int argc, char **argv)
{
	struct sockaddr_storage address, other;
	socklen_t length = address_of(argv[2], argv[argc - 1], &address);
	int fd = new_socket(&address, SOCK_DGRAM);
	struct sockaddr unspec = {.sa_family = AF_UNSPEC};

	if (!strcmp(kind, "udp")) {
		answer((int)sendto(fd, "x", 1, 0, (struct sockaddr *)&address, length));
	} else if (!strcmp(kind, "udp-connect")) {
		answer(connect(fd, (struct sockaddr *)&address, length));
	} else if (!strcmp(kind, "udp-unspec")) {
		address.ss_family = AF_UNSPEC;
		answer((int)sendto(fd, "x", 1, 0, (struct sockaddr *)&address, length));
	} else if (!strcmp(kind, "udp-connected") && argc == 5) {
		socklen_t other_length = address_of(argv[3], argv[4], &other);

		answer(connect(fd, (struct sockaddr *)&address, length));
		answer((int)send(fd, "x", 1, 0));
		answer((int)sendto(fd, "x", 1, 0, (struct sockaddr *)&other, other_length));
	} else if (!strcmp(kind, "udp-disconnect")) {
		answer(connect(fd, (struct sockaddr *)&address, length));
		answer(connect(fd, &unspec, sizeof(unspec)));
		answer((int)send(fd, "x", 1, 0));
	} else {
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage address;
	socklen_t length;
	int fd;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 2 && !strcmp(argv[1], "free-port"))
		return free_port();
	if (argc == 2 && !strcmp(argv[1], "cgroup-escape"))
		return cgroup_escape();
	if (argc == 3 && !strcmp(argv[1], "socket"))
		return try_socket(argv[2]);
	if (argc >= 4 && !strncmp(argv[1], "udp", 3))
		return udp_variant(argv[1], argc, argv);
	if (argc != 4)
		return 2;
	length = address_of(argv[2], argv[3], &address);
	fd = new_socket(&address, SOCK_STREAM);
	if (!strcmp(argv[1], "tcp"))
		answer(connect(fd, (struct sockaddr *)&address, length));
	else if (!strcmp(argv[1], "fastopen"))
		answer((int)sendto(fd, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&address, length));
	else
		return 2;
	return 0;
}
