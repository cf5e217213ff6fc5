// SPDX-License-Identifier: MIT
/*
 * The parser of `moat test` files. The format is line-based and small
 * (words, one quoted string, `->`), so it has a tokenizer of its own rather
 * than the policy lexer, whose tokens (operators, `${NAME}`) it does not use.
 */
#include "test_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

#define MAXIMUM_WORDS 16

struct word {
	char *text; /* NUL-terminated inside the line buffer */
	unsigned column;
	bool quoted;
};

struct reader {
	struct moat_test_file *file;
	char *directory; /* of the test file: quoted policies are relative to it */
	unsigned line;
	bool has_header;
	int errors;
};

static void report(struct reader *reader, unsigned column, const char *format, ...)
        __attribute__((format(printf, 3, 4)));

static void report(struct reader *reader, unsigned column, const char *format, ...)
{
	va_list arguments;

	fprintf(stderr, "%s:%u:%u: error: ", reader->file->name, reader->line, column);
	va_start(arguments, format);
	vfprintf(stderr, format, arguments);
	va_end(arguments);
	fputc('\n', stderr);
	reader->errors++;
}

/* Splits `line` into words in place; a `#` outside quotes ends it. Returns the count or -1. */
static int split(struct reader *reader, char *line, struct word *words)
{
	int count = 0;
	char *at = line;

	for (;;) {
		while (*at == ' ' || *at == '\t' || *at == '\r')
			at++;
		if (!*at || *at == '#')
			return count;
		if (count == MAXIMUM_WORDS) {
			report(reader, (unsigned)(at - line) + 1, "too many words");
			return -1;
		}
		words[count].column = (unsigned)(at - line) + 1;
		words[count].quoted = *at == '"';
		if (words[count].quoted) {
			char *end = strchr(++at, '"');

			if (!end) {
				report(reader, words[count].column, "unterminated string");
				return -1;
			}
			words[count].text = at;
			*end = '\0';
			at = end + 1;
		} else {
			words[count].text = at;
			at += strcspn(at, " \t\r#");
			if (*at == '#') {
				*at = '\0';
				return count + 1; /* a comment right after a word */
			}
			if (*at)
				*at++ = '\0';
		}
		count++;
	}
}

/* A policy name without `/` or `.policy` is found as `include NAME` finds it. */
static int add_policy(struct reader *reader, const struct word *word)
{
	size_t length = strlen(word->text);
	bool is_path = strchr(word->text, '/') ||
	               (length > 7 && !strcmp(word->text + length - 7, ".policy"));
	char **grown;
	char *path;

	if (is_path && word->text[0] != '/' && reader->directory[0]) {
		path = malloc(strlen(reader->directory) + length + 2);
		if (path)
			sprintf(path, "%s/%s", reader->directory, word->text);
	} else {
		path = strdup(word->text); /* a name: moat_policy_load() finds it */
	}
	grown = path ? realloc(reader->file->policies,
	                       (reader->file->policy_count + 1) * sizeof(*grown))
	             : NULL;
	if (!grown) {
		free(path);
		report(reader, word->column, "out of memory");
		return -1;
	}
	grown[reader->file->policy_count++] = path;
	reader->file->policies = grown;
	return 0;
}

static bool parse_action(const char *const *texts, int count, struct moat_action *action)
{
	char text[128];

	if (count < 1 || count > 2 ||
	    snprintf(text, sizeof(text), "%s%s%s", texts[0], count == 2 ? " " : "",
	             count == 2 ? texts[1] : "") >= (int)sizeof(text))
		return false;
	return moat_action_parse(text, action) == 0;
}

static bool parse_verdict(struct reader *reader, const struct word *word, bool *allow)
{
	*allow = !strcmp(word->text, "allow");
	if (*allow || !strcmp(word->text, "deny"))
		return true;
	report(reader, word->column, "expected 'allow' or 'deny', not '%s'", word->text);
	return false;
}

static int parse_syscall_line(struct reader *reader, const struct word *words, int arrow, int count,
                              struct moat_expectation *e)
{
	const char *texts[2] = {NULL, NULL};

	e->kind = MOAT_EXPECT_SYSCALL;
	if (arrow < 2 || arrow > 8) {
		report(reader, words[0].column, "'syscall' needs a name and at most 6 arguments");
		return -1;
	}
	if (!moat_command_parse_syscall(words[1].text, &e->syscall)) {
		report(reader, words[1].column, "unknown syscall '%s'", words[1].text);
		return -1;
	}
	for (int i = 2; i < arrow; i++) {
		if (!moat_command_parse_argument(words[i].text, &e->args[i - 2])) {
			report(reader, words[i].column,
			       "'%s' is neither a number nor a known constant", words[i].text);
			return -1;
		}
	}
	for (int i = arrow + 1; i < count && i - arrow - 1 < 2; i++)
		texts[i - arrow - 1] = words[i].text;
	if (count - arrow - 1 < 1 || count - arrow - 1 > 2 ||
	    !parse_action(texts, count - arrow - 1, &e->action)) {
		report(reader, arrow + 1 < count ? words[arrow + 1].column : words[arrow].column,
		       "expected an action (allow, kill, kill-thread, trap, log, notify, errno "
		       "NAME)");
		return -1;
	}
	return 0;
}

static int parse_port_line(struct reader *reader, const struct word *words, int arrow, int count,
                           struct moat_expectation *e)
{
	char *end;
	unsigned long port;

	e->kind = MOAT_EXPECT_PORT;
	e->port_access = !strcmp(words[0].text, "bind") ? MOAT_PORT_BIND : MOAT_PORT_CONNECT;
	if (arrow != 3 || strcmp(words[1].text, "tcp") != 0) {
		report(reader, words[0].column, "expected '%s tcp PORT -> allow|deny'",
		       words[0].text);
		return -1;
	}
	port = strtoul(words[2].text, &end, 10);
	if (*end || end == words[2].text || port > 65535) {
		report(reader, words[2].column, "'%s' is not a port (0 to 65535)", words[2].text);
		return -1;
	}
	e->port = (unsigned)port;
	if (count != arrow + 2) {
		report(reader, words[arrow].column, "expected 'allow' or 'deny' after '->'");
		return -1;
	}
	return parse_verdict(reader, &words[arrow + 1], &e->allow) ? 0 : -1;
}

static int parse_path_line(struct reader *reader, const struct word *words, int arrow, int count,
                           struct moat_expectation *e)
{
	e->kind = MOAT_EXPECT_PATH;
	if (arrow != 2) {
		report(reader, words[0].column, "expected 'ACCESS PATH -> allow|deny'");
		return -1;
	}
	e->access = strdup(words[0].text);
	e->path = strdup(words[1].text);
	if (!e->access || !e->path) {
		report(reader, words[0].column, "out of memory");
		return -1;
	}
	if (count != arrow + 2) {
		report(reader, words[arrow].column, "expected 'allow' or 'deny' after '->'");
		return -1;
	}
	return parse_verdict(reader, &words[arrow + 1], &e->allow) ? 0 : -1;
}

static char *subject(const struct word *words, int arrow)
{
	size_t length = 1;
	char *text;

	for (int i = 0; i < arrow; i++)
		length += strlen(words[i].text) + 1;
	text = malloc(length);
	if (!text)
		return NULL;
	text[0] = '\0';
	for (int i = 0; i < arrow; i++) {
		if (i)
			strcat(text, " ");
		strcat(text, words[i].text);
	}
	return text;
}

static int parse_expectation(struct reader *reader, const struct word *words, int count)
{
	struct moat_test_file *file = reader->file;
	struct moat_expectation *grown, *e;
	const char *keyword = words[0].text;
	int arrow = 0, rc;

	while (arrow < count && strcmp(words[arrow].text, "->") != 0)
		arrow++;
	if (arrow == count) {
		report(reader, words[0].column, "expected '->' and the expected outcome");
		return -1;
	}
	grown = realloc(file->expectations, (file->count + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	file->expectations = grown;
	e = &grown[file->count];
	memset(e, 0, sizeof(*e));
	e->line = reader->line;
	e->column = words[0].column;
	if (!strcmp(keyword, "syscall"))
		rc = parse_syscall_line(reader, words, arrow, count, e);
	else if (!strcmp(keyword, "connect") || !strcmp(keyword, "bind"))
		rc = parse_port_line(reader, words, arrow, count, e);
	else
		rc = parse_path_line(reader, words, arrow, count, e);
	e->subject = subject(words, arrow);
	file->count++; /* released with the file even when it failed */
	return rc < 0 || !e->subject ? -1 : 0;
}

static void parse_line(struct reader *reader, char *line)
{
	struct word words[MAXIMUM_WORDS];
	int count = split(reader, line, words);

	if (count <= 0)
		return;
	if (!reader->has_header) {
		reader->has_header = true;
		if (count != 2 || strcmp(words[0].text, "moat-test") != 0)
			report(reader, words[0].column, "a test file starts with 'moat-test 1'");
		else if (strcmp(words[1].text, "1") != 0)
			report(reader, words[1].column, "format %s is unknown (this moat reads 1)",
			       words[1].text);
		return;
	}
	if (!strcmp(words[0].text, "policy")) {
		if (count != 2)
			report(reader, words[0].column,
			       "expected 'policy \"FILE\"' or 'policy NAME'");
		else
			add_policy(reader, &words[1]);
		return;
	}
	parse_expectation(reader, words, count);
}

int moat_test_file_read(struct moat_test_file *file, const char *path)
{
	struct reader reader = {.file = file};
	const char *slash = strrchr(path, '/');
	char *line = NULL;
	size_t capacity = 0;
	FILE *stream;

	memset(file, 0, sizeof(*file));
	file->name = path;
	stream = fopen(path, "r");
	if (!stream) {
		moat_command_error("test: cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	/* "" for the current directory; "/" for a test file in the root */
	reader.directory = slash == path ? strdup("/")
	                   : slash       ? strndup(path, (size_t)(slash - path))
	                                 : strdup("");
	while (reader.directory && getline(&line, &capacity, stream) >= 0) {
		reader.line++;
		line[strcspn(line, "\n")] = '\0';
		parse_line(&reader, line);
	}
	free(line);
	fclose(stream);
	if (!reader.directory)
		report(&reader, 1, "out of memory");
	free(reader.directory);
	reader.line = reader.line ? reader.line : 1;
	if (!reader.has_header)
		report(&reader, 1, "a test file starts with 'moat-test 1'");
	else if (file->policy_count == 0)
		report(&reader, 1, "no 'policy' line: which policy does this file test?");
	return reader.errors ? -1 : 0;
}

void moat_test_file_release(struct moat_test_file *file)
{
	for (size_t i = 0; i < file->policy_count; i++)
		free(file->policies[i]);
	for (size_t i = 0; i < file->count; i++) {
		free(file->expectations[i].subject);
		free(file->expectations[i].access);
		free(file->expectations[i].path);
	}
	free(file->policies);
	free(file->expectations);
	memset(file, 0, sizeof(*file));
}
