// SPDX-License-Identifier: MIT
/* A plugin that tries to read a file outside its own directory, and says what happened. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int plugin_run(const char *input);

int plugin_run(const char *input)
{
	int fd = open("/etc/passwd", O_RDONLY);

	(void)input;
	if (fd < 0) {
		fprintf(stderr, "open /etc/passwd: %s\n", strerror(errno));
		return 13;
	}
	close(fd);
	puts("read /etc/passwd");
	return 0;
}
