// SPDX-License-Identifier: MIT
/*
 * connect_cost COUNT: the time of socket + connect + close to a TCP port of
 * 127.0.0.1 that is bound but not listening (the kernel answers
 * ECONNREFUSED at once, after the connect4 hook), per call, best of five
 * rounds of COUNT. bench/egress/run.sh runs it under `moat run` with and
 * without [network] egress lines.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec time;

	clock_gettime(CLOCK_MONOTONIC, &time);
	return (double)time.tv_sec * 1e9 + (double)time.tv_nsec;
}

static int refused_port(struct sockaddr_in *address)
{
	socklen_t length = sizeof(*address);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	address->sin_family = AF_INET;
	address->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	address->sin_port = 0;
	if (fd < 0 || bind(fd, (struct sockaddr *)address, sizeof(*address)) < 0 ||
	    getsockname(fd, (struct sockaddr *)address, &length) < 0)
		return -1;
	return fd; /* kept open: the port stays bound and refused */
}

int main(int argc, char **argv)
{
	struct sockaddr_in address;
	long count = argc == 2 ? atol(argv[1]) : 0;
	double best = 0;

	if (count <= 0 || refused_port(&address) < 0) {
		fprintf(stderr, "usage: connect_cost COUNT\n");
		return 2;
	}
	for (int round = 0; round < 5; round++) {
		double start = now(), elapsed;

		for (long i = 0; i < count; i++) {
			int fd = socket(AF_INET, SOCK_STREAM, 0);

			if (connect(fd, (struct sockaddr *)&address, sizeof(address)) == 0 ||
			    errno != ECONNREFUSED) {
				perror("connect_cost: connect");
				return 1;
			}
			close(fd);
		}
		elapsed = (now() - start) / (double)count;
		if (round == 0 || elapsed < best)
			best = elapsed;
	}
	printf("%.0f\n", best);
	return 0;
}
