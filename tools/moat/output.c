// SPDX-License-Identifier: MIT
/* Writing a result whole or not at all, and printing diagnostics. */
#include "output.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"

static int write_stdout(const char *text)
{
	if (fputs(text, stdout) == EOF || fflush(stdout) == EOF) {
		moat_command_error("cannot write to stdout: %s", strerror(errno));
		return 1;
	}
	return 0;
}

int moat_command_write_text(const char *path, const char *text)
{
	char temporary[PATH_MAX];
	const char *slash;
	int length, fd;
	FILE *stream;

	if (!path)
		return write_stdout(text);
	slash = strrchr(path, '/');
	length = slash ? (int)(slash - path + 1) : 0;
	if (snprintf(temporary, sizeof(temporary), "%.*s.%s.XXXXXX", length, path,
	             slash ? slash + 1 : path) >= (int)sizeof(temporary)) {
		moat_command_error("%s: name too long", path);
		return 1;
	}
	fd = mkstemp(temporary);
	if (fd < 0 || fchmod(fd, 0644) < 0 || !(stream = fdopen(fd, "w"))) {
		moat_command_error("cannot write %s: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(temporary);
		}
		return 1;
	}
	if (fputs(text, stream) == EOF || fflush(stream) == EOF || fsync(fileno(stream)) < 0 ||
	    fclose(stream) == EOF || rename(temporary, path) < 0) {
		moat_command_error("cannot write %s: %s", path, strerror(errno));
		unlink(temporary);
		return 1;
	}
	return 0;
}

void moat_command_print_diagnostic(const struct moat_diagnostic *diagnostic, void *context)
{
	char text[4096];

	(void)context;
	moat_diagnostic_format(diagnostic, text, sizeof(text));
	fputs(text, stderr);
}

void moat_command_print_error(const struct moat_error *error)
{
	if (error->file[0])
		fprintf(stderr, "%s:%u:%u: error: %s\n", error->file, error->line, error->column,
		        error->message);
	else
		moat_command_error("%s", error->message);
}
