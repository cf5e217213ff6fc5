// SPDX-License-Identifier: MIT
/*
 * moat learn -o OUT [-p BASE ...] [--] PROGRAM [ARGS...]
 *
 * Runs PROGRAM once under observation and writes a policy from what it and
 * every process it started did (docs/learning.md). OUT is written through a
 * temporary file in its directory, made before PROGRAM runs (so an
 * unwritable OUT fails first) and renamed over OUT at the end, whatever
 * PROGRAM's status: a reader never sees half a policy.
 *
 * Exit status: PROGRAM's own (128+N for signal N); 125 moat failed; 126
 * PROGRAM not executable; 127 not found.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "moat.h"

#define EXIT_MOAT_FAILED    125
#define EXIT_CANNOT_EXECUTE 126
#define EXIT_NOT_FOUND      127
#define MAXIMUM_POLICIES    64

struct learn_arguments {
	const char *output;
	char *bases[MAXIMUM_POLICIES]; /* as given: a file or a name */
	size_t base_count;
	char **program;
};

void moat_command_learn_usage(FILE *stream)
{
	fprintf(stream,
	        "usage: moat learn -o OUT.policy [-p BASE ...] [--] PROGRAM [ARGS...]\n\n"
	        "Runs PROGRAM once, unconfined but observed, and writes OUT.policy from what\n"
	        "it and every process it starts did: its syscalls (with socket domains,\n"
	        "ioctl requests, prctl options and clone flags), the files it read, wrote,\n"
	        "created and executed (collapsed to directories as docs/learning.md says)\n"
	        "and the TCP ports it connected to or bound. `moat run -p OUT.policy --\n"
	        "PROGRAM ARGS` then runs it the same way and refuses what it did not do.\n\n"
	        "options:\n"
	        "  -o, --output OUT      the policy to write (replaced whole at the end)\n"
	        "  -p, --policy BASE     include BASE and add only what it lacks (repeatable)\n\n"
	        "Learning is not a sandbox: PROGRAM runs with your rights.\n\n"
	        "exit status: PROGRAM's own; 128+N when signal N ended it; 125 moat failed;\n"
	        "126 PROGRAM not executable; 127 not found. OUT is written whatever PROGRAM's\n"
	        "status is.\n");
}

static int parse_arguments(int argc, char **argv, struct learn_arguments *arguments)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *option = argv[i];

		if (!strcmp(option, "--")) {
			i++;
			break;
		}
		if (i + 1 >= argc) {
			moat_command_error("learn: %s needs a value", option);
			return -1;
		}
		if (!strcmp(option, "-o") || !strcmp(option, "--output")) {
			arguments->output = argv[++i];
		} else if (!strcmp(option, "-p") || !strcmp(option, "--policy")) {
			if (arguments->base_count == MAXIMUM_POLICIES) {
				moat_command_error("learn: at most %d policies", MAXIMUM_POLICIES);
				return -1;
			}
			arguments->bases[arguments->base_count++] = argv[++i];
		} else {
			moat_command_error("learn: unknown option '%s'", option);
			return -1;
		}
	}
	if (!arguments->output || i >= argc) {
		moat_command_error("learn needs -o OUT and a PROGRAM");
		return -1;
	}
	arguments->program = argv + i;
	return 0;
}

/* A temporary file next to OUT, so that the rename stays in one filesystem. */
static FILE *open_temporary(const char *output, char *temporary)
{
	const char *slash = strrchr(output, '/');
	int length = slash ? (int)(slash - output + 1) : 0, fd;
	FILE *stream;

	if (snprintf(temporary, PATH_MAX, "%.*s.%s.XXXXXX", length, output,
	             slash ? slash + 1 : output) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	fd = mkstemp(temporary);
	if (fd < 0)
		return NULL;
	fchmod(fd, 0644);
	stream = fdopen(fd, "w");
	if (!stream) {
		close(fd);
		unlink(temporary);
	}
	return stream;
}

/* An include names BASE as given: a name stays a name, a file becomes absolute. */
static char **include_names(struct learn_arguments *arguments)
{
	char **names = calloc(arguments->base_count + 1, sizeof(*names));

	for (size_t i = 0; names && i < arguments->base_count; i++) {
		const char *given = arguments->bases[i];

		if (strchr(given, '/') || access(given, F_OK) == 0)
			names[i] = realpath(given, NULL);
		else
			names[i] = strdup(given);
		if (!names[i])
			names[i] = strdup(given);
	}
	return names;
}

static char *command_line(char **program)
{
	size_t size = 1;
	char *text;

	for (char **word = program; *word; word++)
		size += strlen(*word) + 1;
	text = calloc(1, size);
	for (char **word = program; text && *word; word++) {
		if (word != program)
			strcat(text, " ");
		strcat(text, *word);
	}
	return text;
}

static int status_of(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return EXIT_MOAT_FAILED;
}

/* The exit status of a failure of moat_learn(), as `moat run` gives them. */
static int failure_status(const struct moat_error *error, const char *program)
{
	if (!strcmp(error->step, "exec")) {
		moat_command_error("cannot execute %s: %s", program, strerror(-error->code));
		return error->code == -ENOENT ? -EXIT_NOT_FOUND : -EXIT_CANNOT_EXECUTE;
	}
	if (!strcmp(error->step, "write"))
		moat_command_error("cannot write the policy: %s", error->message);
	else
		moat_command_error("cannot observe %s: %s", program, error->message);
	return -EXIT_MOAT_FAILED;
}

/*
 * Runs and observes PROGRAM and sets `*text` to the policy learned; returns
 * its exit status as `moat run` would, or minus the status of a failure.
 */
static int observe(struct learn_arguments *arguments, moat_policy *base, char **text)
{
	char *path = moat_command_find_program(arguments->program[0]);
	char **includes = include_names(arguments), *command = command_line(arguments->program);
	struct moat_learn_options options = {
	        .version = MOAT_LEARN_OPTIONS_VERSION,
	        .includes = (const char *const *)includes,
	        .include_count = arguments->base_count,
	        .base = base,
	        .command = command,
	        .home = getenv("HOME"),
	};
	struct moat_error error = {0};
	int status = -EXIT_MOAT_FAILED, wait_status;

	if (!path) {
		moat_command_error("%s: %s", arguments->program[0], strerror(errno));
		status = errno == EACCES ? -EXIT_CANNOT_EXECUTE : -EXIT_NOT_FOUND;
	} else if (!includes) {
		moat_command_error("cannot write the policy: %s", strerror(ENOMEM));
	} else if (moat_learn(text, path, arguments->program, &options, &wait_status, &error) < 0) {
		status = failure_status(&error, arguments->program[0]);
	} else {
		status = status_of(wait_status);
	}
	for (size_t i = 0; includes && i < arguments->base_count; i++)
		free(includes[i]);
	free(includes);
	free(command);
	free(path);
	return status;
}

static int learn(struct learn_arguments *arguments, moat_policy *base)
{
	char temporary[PATH_MAX], *text = NULL;
	FILE *stream = open_temporary(arguments->output, temporary);
	int status;

	if (!stream) {
		moat_command_error("cannot write %s: %s", arguments->output, strerror(errno));
		return EXIT_MOAT_FAILED;
	}
	status = observe(arguments, base, &text);
	if (status >= 0 && fputs(text, stream) == EOF) {
		moat_command_error("cannot write %s: %s", arguments->output, strerror(errno));
		status = -EXIT_MOAT_FAILED;
	}
	if (fclose(stream) != 0 && status >= 0) {
		moat_command_error("cannot write %s: %s", arguments->output, strerror(errno));
		status = -EXIT_MOAT_FAILED;
	}
	if (status >= 0 && rename(temporary, arguments->output) < 0) {
		moat_command_error("cannot write %s: %s", arguments->output, strerror(errno));
		status = -EXIT_MOAT_FAILED;
	}
	if (status < 0)
		unlink(temporary);
	free(text);
	return status < 0 ? -status : status;
}

int moat_command_learn(int argc, char **argv)
{
	struct learn_arguments arguments = {0};
	moat_policy *base = NULL;
	int status;

	if (parse_arguments(argc, argv, &arguments) < 0) {
		moat_command_learn_usage(stderr);
		return EXIT_MOAT_FAILED;
	}
	if (arguments.base_count) {
		base = moat_command_load_policy(arguments.bases, arguments.base_count);
		if (!base)
			return EXIT_MOAT_FAILED;
	}
	status = learn(&arguments, base);
	moat_policy_free(base);
	return status;
}
