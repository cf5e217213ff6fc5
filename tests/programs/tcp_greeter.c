// SPDX-License-Identifier: MIT
/*
 * tcp_greeter PORT_FILE: listens on 127.0.0.1 at a port the kernel picks,
 * writes the port to PORT_FILE, answers "hello" to each connection, and
 * exits after 60 seconds or when its parent exits. For tests that need a
 * server outside the sandbox.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in address = {.sin_family = AF_INET,
	                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t length = sizeof(address);
	int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	FILE *port_file;

	if (argc != 2 || listener < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ||
	    bind(listener, (struct sockaddr *)&address, sizeof(address)) < 0 ||
	    listen(listener, 16) < 0 ||
	    getsockname(listener, (struct sockaddr *)&address, &length) < 0)
		return 1;
	port_file = fopen(argv[1], "w");
	if (!port_file)
		return 1;
	fprintf(port_file, "%d\n", ntohs(address.sin_port));
	fclose(port_file);
	alarm(60); /* a bound, not a deadline: the tests kill it when done */
	for (;;) {
		int connection = accept(listener, NULL, NULL);

		if (connection < 0)
			continue;
		if (write(connection, "hello\n", 6) != 6)
			return 1;
		close(connection);
	}
}
