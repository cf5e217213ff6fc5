// SPDX-License-Identifier: MIT
/* Locating a JSON value by its path, with a scanner that only skips values. */
#include "import/json_locate.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct scanner {
	const char *text;
	size_t length;
	size_t at;
};

static void skip_space(struct scanner *scanner)
{
	while (scanner->at < scanner->length && strchr(" \t\r\n", scanner->text[scanner->at]))
		scanner->at++;
}

static void skip_string(struct scanner *scanner)
{
	for (scanner->at++; scanner->at < scanner->length; scanner->at++) {
		if (scanner->text[scanner->at] == '\\')
			scanner->at++;
		else if (scanner->text[scanner->at] == '"') {
			scanner->at++;
			return;
		}
	}
}

/* Skips one value: a string, a nested object or array, or a bare word. */
static void skip_value(struct scanner *scanner)
{
	unsigned depth = 0;

	skip_space(scanner);
	while (scanner->at < scanner->length) {
		char c = scanner->text[scanner->at];

		if (c == '"') {
			skip_string(scanner);
		} else if (c == '{' || c == '[') {
			depth++;
			scanner->at++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return;
			depth--;
			scanner->at++;
		} else if (c == ',' && depth == 0) {
			return;
		} else {
			scanner->at++;
		}
		if (depth == 0 && (c == '"' || c == '}' || c == ']'))
			return;
	}
}

/* Moves to the value of member `key` (of `key_length` bytes) of the object here. */
static bool enter_member(struct scanner *scanner, const char *key, size_t key_length)
{
	skip_space(scanner);
	if (scanner->at >= scanner->length || scanner->text[scanner->at] != '{')
		return false;
	scanner->at++;
	for (;;) {
		size_t start;
		bool match;

		skip_space(scanner);
		if (scanner->at >= scanner->length || scanner->text[scanner->at] != '"')
			return false;
		start = scanner->at + 1;
		skip_string(scanner);
		match = scanner->at - 1 - start == key_length &&
		        !memcmp(scanner->text + start, key, key_length);
		skip_space(scanner);
		if (scanner->at >= scanner->length || scanner->text[scanner->at] != ':')
			return false;
		scanner->at++;
		skip_space(scanner);
		if (match)
			return true;
		skip_value(scanner);
		skip_space(scanner);
		if (scanner->at >= scanner->length || scanner->text[scanner->at] != ',')
			return false;
		scanner->at++;
	}
}

/* Moves to element `index` of the array here. */
static bool enter_element(struct scanner *scanner, unsigned long index)
{
	skip_space(scanner);
	if (scanner->at >= scanner->length || scanner->text[scanner->at] != '[')
		return false;
	scanner->at++;
	for (unsigned long i = 0; i < index; i++) {
		skip_value(scanner);
		skip_space(scanner);
		if (scanner->at >= scanner->length || scanner->text[scanner->at] != ',')
			return false;
		scanner->at++;
	}
	skip_space(scanner);
	return true;
}

void moat_json_position(const char *text, size_t offset, unsigned *line, unsigned *column)
{
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*column = 1;
		} else {
			(*column)++;
		}
	}
}

void moat_json_locate(const char *text, size_t length, const char *path, unsigned *line,
                      unsigned *column)
{
	struct scanner scanner = {text, length, 0};
	size_t reached = 0;
	const char *step = path + (path[0] == '$');

	skip_space(&scanner);
	reached = scanner.at;
	while (*step) {
		bool entered;

		if (*step == '.') {
			size_t key_length = strcspn(step + 1, ".[");

			entered = enter_member(&scanner, step + 1, key_length);
			step += 1 + key_length;
		} else if (*step == '[') {
			char *end;

			entered = enter_element(&scanner, strtoul(step + 1, &end, 10));
			step = *end == ']' ? end + 1 : end;
		} else {
			break;
		}
		if (!entered)
			break;
		reached = scanner.at;
	}
	moat_json_position(text, reached < length ? reached : length, line, column);
}
