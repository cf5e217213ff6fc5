// SPDX-License-Identifier: MIT
/*
 * reach_parent: tries what an escape from a sandbox would start with, on its
 * parent process, and prints one word per attempt: "open" or "refused".
 *   mem      open /proc/PPID/mem for writing (then code could be planted)
 *   signal   send signal 0 to the parent (only asks whether it could)
 * It changes nothing: the descriptor is closed unused.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[64];
	int fd;

	if (argc != 2)
		return 2;
	if (!strcmp(argv[1], "mem")) {
		snprintf(path, sizeof(path), "/proc/%d/mem", (int)getppid());
		fd = open(path, O_RDWR | O_CLOEXEC);
		puts(fd >= 0 ? "open" : "refused");
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (!strcmp(argv[1], "signal")) {
		puts(kill(getppid(), 0) == 0 ? "open" : "refused");
		return 0;
	}
	return 2;
}
