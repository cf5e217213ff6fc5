// SPDX-License-Identifier: MIT
/*
 * stubborn stay|exit MARKER: a program that a timeout has to kill. It
 * ignores SIGTERM (as do its descendants, which inherit that), and starts
 * a grandchild that leaves the session (setsid) so that it shares no
 * process group with it. Once the grandchild runs it prints "ready", then
 * stays (`stay`) or exits 0 (`exit`). MARKER is there to be found in
 * /proc/PID/cmdline. Every process ends on its own after 60 s.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LIFETIME 60

static void linger(void)
{
	sleep(LIFETIME);
	_exit(0);
}

int main(int argc, char **argv)
{
	int ready[2];
	pid_t child;
	char byte;

	if (argc != 3 || (strcmp(argv[1], "stay") && strcmp(argv[1], "exit"))) {
		fprintf(stderr, "usage: stubborn stay|exit MARKER\n");
		return 2;
	}
	signal(SIGTERM, SIG_IGN);
	if (pipe(ready) < 0)
		return 1;
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		setsid();
		if (fork() == 0) {
			close(ready[0]);
			if (write(ready[1], "x", 1) != 1)
				_exit(1);
			close(ready[1]);
			linger();
		}
		_exit(0);
	}
	close(ready[1]);
	waitpid(child, NULL, 0);
	if (read(ready[0], &byte, 1) != 1)
		return 1;
	puts("ready");
	fflush(stdout);
	if (!strcmp(argv[1], "stay"))
		linger();
	return 0;
}
