// SPDX-License-Identifier: MIT
/*
 * Run by the supervisor's tests inside a sandbox whose opens go to the
 * broker, after execve (so the dynamic loader's own opens are brokered too):
 *
 *   supervise_open READ_PATH TEXT WRITE_PATH SECRET_PATH
 *
 * Exits 0 when READ_PATH holds TEXT, WRITE_PATH can be created and
 * written, and SECRET_PATH cannot be opened; else 1 + the failed step.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buffer[256];
	ssize_t got;
	int fd;

	if (argc != 5)
		return 1;
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 2;
	got = read(fd, buffer, sizeof(buffer) - 1);
	close(fd);
	if (got < 0 || (size_t)got != strlen(argv[2]) || memcmp(buffer, argv[2], (size_t)got))
		return 3;
	fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, "written", 7) != 7)
		return 4;
	close(fd);
	fd = open(argv[4], O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || errno != EACCES)
		return 5;
	return 0;
}
