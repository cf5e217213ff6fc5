// SPDX-License-Identifier: MIT
/*
 * fork_chain DEPTH stay|exit MARKER: what a sandboxed program does to
 * outlive moat. It clears its own parent-death signal, then starts a chain
 * of DEPTH descendants, each of which leaves the session (setsid) and
 * forks the next, so that none of them has a death signal, a process group
 * or a parent in common with the program. Once the last one runs, the
 * program prints "ready" and then stays (`stay`) or exits 0 (`exit`).
 *
 * MARKER is only there to be found in /proc/PID/cmdline: the test counts
 * the processes of the chain by it, whatever PID namespace they are in.
 * Every process ends on its own after 60 s, so that a test that failed
 * leaves nothing running for long.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define LIFETIME 60

static void linger(void)
{
	sleep(LIFETIME);
	_exit(0);
}

int main(int argc, char **argv)
{
	int ready[2], depth, level = 0;
	char byte;

	if (argc != 4 || (strcmp(argv[2], "stay") && strcmp(argv[2], "exit"))) {
		fprintf(stderr, "usage: fork_chain DEPTH stay|exit MARKER\n");
		return 2;
	}
	depth = atoi(argv[1]);
	if (depth < 1 || prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0 || pipe(ready) < 0)
		return 1;
	/* Level 0 is the program; each level forks the next and stays its parent. */
	while (level < depth) {
		pid_t child = fork();

		if (child < 0)
			return 1;
		if (child > 0)
			break;
		level++;
		setsid();
	}
	if (level == depth && write(ready[1], "r", 1) != 1)
		return 1;
	close(ready[1]);
	if (level > 0)
		linger();
	if (read(ready[0], &byte, 1) != 1)
		return 1;
	printf("ready\n");
	fflush(stdout);
	if (!strcmp(argv[2], "stay"))
		linger();
	return 0;
}
