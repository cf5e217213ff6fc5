// SPDX-License-Identifier: MIT
/*
 * sigsys_guard MODE: guards against SIGSYS (MODE "catch": a handler that
 * returns; "block": the signal blocked; "ignore": SIG_IGN; "none"), then
 * calls socket(AF_INET, SOCK_STREAM, 0). Prints "socket ran" when the call
 * returned a descriptor and "socket refused" when it failed, so a test sees
 * whether a denied call ran and whether the program outlived it.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

static void on_sigsys(int signal)
{
	(void)signal;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "none";
	struct sigaction action = {0};
	sigset_t set;
	int fd;

	if (!strcmp(mode, "catch")) {
		action.sa_handler = on_sigsys;
		sigaction(SIGSYS, &action, NULL);
	} else if (!strcmp(mode, "ignore")) {
		action.sa_handler = SIG_IGN;
		sigaction(SIGSYS, &action, NULL);
	} else if (!strcmp(mode, "block")) {
		sigemptyset(&set);
		sigaddset(&set, SIGSYS);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	printf("socket %s\n", fd >= 0 ? "ran" : "refused");
	fflush(stdout);
	return 0;
}
