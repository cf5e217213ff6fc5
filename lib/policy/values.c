// SPDX-License-Identifier: MIT
/* Words to values: variable expansion, numbers, sizes, yes/no and paths. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/resolve.h"

static const char *lookup_variable(const char *const *environment, const char *name, size_t length)
{
	for (size_t i = 0; environment && environment[i]; i++) {
		if (!strncmp(environment[i], name, length) && environment[i][length] == '=')
			return environment[i] + length + 1;
	}
	return NULL;
}

/* Columns of a word's characters, for errors inside it; words are ASCII or quoted. */
static struct moat_location inside(const struct moat_ast_word *word, size_t offset)
{
	struct moat_location location = word->location;

	location.column += (unsigned)offset + (word->quoted ? 1 : 0);
	return location;
}

/*
 * `text` with every `${NAME}` replaced from the environment; `text` lies at
 * `offset` in `word`, for the column of an error about a variable.
 */
static const char *expand_variables(struct moat_resolver *resolver,
                                    const struct moat_ast_word *word, const char *text,
                                    size_t offset)
{
	size_t length = 0, capacity = strlen(text) + 1;
	char *expanded;

	if (!strstr(text, "${"))
		return text;
	expanded = moat_resolve_alloc(resolver, capacity);
	for (size_t i = 0; expanded && text[i];) {
		const char *value;
		size_t name_length, value_length;

		if (text[i] != '$' || text[i + 1] != '{') {
			expanded[length++] = text[i++];
			continue;
		}
		name_length = strcspn(text + i + 2, "}");
		/* The lexer reported an unclosed `${` already; only stay inside the text. */
		if (text[i + 2 + name_length] != '}')
			return NULL;
		value = lookup_variable(resolver->environment, text + i + 2, name_length);
		if (!value) {
			struct moat_location at = inside(word, offset + i);

			moat_resolve_error(resolver, &at, "environment variable '%.*s' is not set",
			                   (int)name_length, text + i + 2);
			return NULL;
		}
		value_length = strlen(value);
		if (length + value_length + strlen(text + i) + 1 > capacity) {
			char *grown;

			capacity = 2 * (length + value_length + strlen(text + i) + 1);
			grown = moat_resolve_alloc(resolver, capacity);
			if (!grown)
				return NULL;
			memcpy(grown, expanded, length);
			expanded = grown;
		}
		memcpy(expanded + length, value, value_length);
		length += value_length;
		i += name_length + 3;
	}
	if (!expanded)
		return NULL;
	expanded[length] = '\0';
	return expanded;
}

/* Where `text` starts in the word's own text, when it is a part of it; else 0. */
static size_t word_offset(const struct moat_ast_word *word, const char *text)
{
	uintptr_t start = (uintptr_t)word->text, at = (uintptr_t)text;

	return at >= start && at <= start + strlen(word->text) ? (size_t)(at - start) : 0;
}

const char *moat_resolve_text(struct moat_resolver *resolver, const struct moat_ast_word *word)
{
	return expand_variables(resolver, word, word->text, 0);
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

static unsigned size_shift(char suffix)
{
	switch (suffix) {
	case 'K':
	case 'k':
		return 10;
	case 'M':
	case 'm':
		return 20;
	case 'G':
	case 'g':
		return 30;
	default:
		return 0;
	}
}

bool moat_resolve_number(struct moat_resolver *resolver, const struct moat_ast_word *word,
                         const char *text, bool size, uint64_t *value)
{
	unsigned base = 10, shift = 0;
	const char *written = text, *digits;
	uint64_t result = 0;
	size_t length;

	/* `text` is the word's own, or a part of it after an option name such as `size=`. */
	text = expand_variables(resolver, word, text, word_offset(word, text));
	if (!text)
		return false;
	digits = text;
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		base = 16, digits += 2;
	else if (text[0] == '0' && (text[1] == 'o' || text[1] == 'O'))
		base = 8, digits += 2;
	length = strlen(digits);
	if (size && length > 1 && base == 10 && size_shift(digits[length - 1]))
		shift = size_shift(digits[--length]);
	if (length == 0)
		goto invalid;
	for (size_t i = 0; i < length; i++) {
		unsigned digit = (unsigned)digit_value(digits[i]);

		if (digit >= base)
			goto invalid;
		if (result > (UINT64_MAX - digit) / base)
			goto too_large;
		result = result * base + digit;
	}
	if (shift && result > (UINT64_MAX >> shift))
		goto too_large;
	*value = result << shift;
	return true;
invalid:
	if (written != text)
		moat_resolve_error(resolver, &word->location, "'%s' is '%s', which is not a %s",
		                   written, text, size ? "number or size (such as 64M)" : "number");
	else
		moat_resolve_error(resolver, &word->location, "'%s' is not a %s", text,
		                   size ? "number or size (such as 64M)" : "number");
	return false;
too_large:
	moat_resolve_error(resolver, &word->location, "'%s' does not fit in 64 bits", written);
	return false;
}

bool moat_resolve_yes_no(struct moat_resolver *resolver, const struct moat_ast_word *word,
                         bool *value)
{
	if (!strcmp(word->text, "yes")) {
		*value = true;
		return true;
	}
	if (!strcmp(word->text, "no")) {
		*value = false;
		return true;
	}
	moat_resolve_error(resolver, &word->location, "expected 'yes' or 'no', found '%s'",
	                   word->text);
	return false;
}

const char *moat_resolve_path(struct moat_resolver *resolver, const struct moat_ast_word *word,
                              bool *optional, bool must_exist)
{
	const char *path = moat_resolve_text(resolver, word);
	struct stat status;
	bool is_optional = false;

	if (!path)
		return NULL;
	if (path[0] == '?') {
		if (!optional) {
			moat_resolve_error(resolver, &word->location,
			                   "'?' (skip when absent) is not allowed here");
			return NULL;
		}
		is_optional = true;
		path++;
	}
	if (optional)
		*optional = is_optional;
	if (path[0] != '/') {
		moat_resolve_error(resolver, &word->location, "'%s' is not an absolute path", path);
		return NULL;
	}
	if (must_exist && !is_optional && stat(path, &status) < 0) {
		moat_resolve_error(resolver, &word->location, "'%s': %s%s", path, strerror(errno),
		                   optional ? " (write ?PATH to skip a path that may be absent)"
		                            : "");
		return NULL;
	}
	return path;
}
