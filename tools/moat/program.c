// SPDX-License-Identifier: MIT
/* The PROGRAM argument of `run` and `learn`, found as execvp(3) finds it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"

char *moat_command_find_program(const char *name)
{
	const char *path = getenv("PATH");
	char candidate[4096];
	int first_error = ENOENT;

	if (strchr(name, '/'))
		return strdup(name);
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *directory = path;;) {
		size_t length = strcspn(directory, ":");

		snprintf(candidate, sizeof(candidate), "%.*s%s%s", (int)length, directory,
		         length ? "/" : "", name);
		if (access(candidate, X_OK) == 0)
			return strdup(candidate);
		if (errno == EACCES)
			first_error = EACCES;
		if (directory[length] == '\0')
			break;
		directory += length + 1;
	}
	errno = first_error;
	return NULL;
}
