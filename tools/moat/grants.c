// SPDX-License-Identifier: MIT
/* moat run --read/--write/--exec PATH and --connect tcp:PORT, as a last policy layer. */
#include "grants.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"

#define PORT_MAX 65535

struct grant_option {
	const char *option;
	const char *statement;
};

static const struct grant_option grant_options[] = {
        {"--read", "read"},
        {"--write", "write"},
        {"--exec", "exec"},
        {"--connect", "connect tcp"},
};

static const struct grant_option *find_option(const char *option)
{
	for (size_t i = 0; i < sizeof(grant_options) / sizeof(grant_options[0]); i++)
		if (!strcmp(grant_options[i].option, option))
			return &grant_options[i];
	return NULL;
}

int moat_command_is_grant_option(const char *option)
{
	return find_option(option) != NULL;
}

/* "tcp:PORT" with PORT in 1..65535, as the port's decimal text. */
static char *parse_port(const char *value)
{
	const char *digits = value + strlen("tcp:");
	char *end;
	long port;

	if (strncmp(value, "tcp:", strlen("tcp:")) != 0) {
		moat_command_error("run: --connect takes tcp:PORT, not '%s'", value);
		return NULL;
	}
	errno = 0;
	port = strtol(digits, &end, 10);
	if (digits[0] < '0' || digits[0] > '9' || *end || errno || port < 1 || port > PORT_MAX) {
		moat_command_error("run: --connect %s: the port must be a number from 1 to %d",
		                   value, PORT_MAX);
		return NULL;
	}
	return strdup(digits);
}

/*
 * The path as the policy will name it: absolute, and free of what the
 * policy language would read differently (a line break ends the statement,
 * `${` expands a variable even inside quotes).
 */
static char *parse_path(const char *option, const char *value)
{
	char directory[4096];
	char *path;

	if (!value[0] || strchr(value, '\n') || strstr(value, "${")) {
		moat_command_error("run: %s '%s': not a path moat can grant (empty, a line break, "
		                   "or '${')",
		                   option, value);
		return NULL;
	}
	if (value[0] == '/')
		return strdup(value);
	if (!getcwd(directory, sizeof(directory))) {
		moat_command_error("run: %s %s: cannot find the working directory: %s", option,
		                   value, strerror(errno));
		return NULL;
	}
	if (asprintf(&path, "%s/%s", strcmp(directory, "/") ? directory : "", value) < 0)
		return NULL;
	return path;
}

int moat_command_grants_add(struct moat_command_grants *grants, const char *option,
                            const char *value)
{
	const struct grant_option *grant = find_option(option);
	char *parsed;

	if (grants->count == MOAT_GRANTS_MAX) {
		moat_command_error("run: at most %d grants", MOAT_GRANTS_MAX);
		return -1;
	}
	parsed = strcmp(grant->option, "--connect") ? parse_path(option, value) : parse_port(value);
	if (!parsed)
		return -1;
	grants->statements[grants->count] = grant->statement;
	grants->values[grants->count++] = parsed;
	return 0;
}

/* A path as a quoted string of the policy language. */
static void put_quoted(FILE *text, const char *path)
{
	fputc('"', text);
	for (const char *c = path; *c; c++) {
		if (*c == '"' || *c == '\\')
			fputc('\\', text);
		fputc(*c, text);
	}
	fputc('"', text);
}

static void put_section(FILE *text, const struct moat_command_grants *grants, const char *header,
                        int network)
{
	int started = 0;

	for (size_t i = 0; i < grants->count; i++) {
		int is_network = !strcmp(grants->statements[i], "connect tcp");

		if (is_network != network)
			continue;
		if (!started++)
			fprintf(text, "%s\n", header);
		fprintf(text, "%s ", grants->statements[i]);
		if (network)
			fputs(grants->values[i], text);
		else
			put_quoted(text, grants->values[i]);
		fputc('\n', text);
	}
}

char *moat_command_grants_text(const struct moat_command_grants *grants, size_t *length)
{
	char *buffer = NULL;
	FILE *text;

	if (grants->count == 0)
		return NULL;
	text = open_memstream(&buffer, length);
	if (!text)
		return NULL;
	fputs("moat 1\n", text);
	put_section(text, grants, "[filesystem]", 0);
	put_section(text, grants, "[network]", 1);
	if (fclose(text) != 0) {
		free(buffer);
		return NULL;
	}
	return buffer;
}

void moat_command_grants_free(struct moat_command_grants *grants)
{
	for (size_t i = 0; i < grants->count; i++)
		free(grants->values[i]);
	grants->count = 0;
}
