// SPDX-License-Identifier: MIT
/* A plugin that tries to open a network socket. */
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

int plugin_run(const char *input);

int plugin_run(const char *input)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	(void)input;
	printf("socket: %d\n", fd);
	return 0;
}
