// SPDX-License-Identifier: MIT
/*
 * fast_open PORT: connects to 127.0.0.1:PORT with TCP Fast Open (sendto
 * with MSG_FASTOPEN, no connect call), reads the answer and prints
 * "connected", or "refused: REASON" when the kernel refused (the reason
 * tells a Landlock refusal from Fast Open being off in net.ipv4.tcp_fastopen).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

static int refused(const char *step)
{
	printf("refused: %s: %s\n", step, errno ? strerror(errno) : "no answer");
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in address = {.sin_family = AF_INET,
	                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	char answer[16];
	int fd;

	if (argc != 2)
		return 2;
	address.sin_port = htons((unsigned short)atoi(argv[1]));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return refused("socket");
	if (sendto(fd, "hi", 2, MSG_FASTOPEN, (struct sockaddr *)&address, sizeof(address)) < 0)
		return refused("sendto");
	errno = 0;
	if (read(fd, answer, sizeof(answer)) <= 0)
		return refused("read");
	puts("connected");
	return 0;
}
