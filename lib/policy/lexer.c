// SPDX-License-Identifier: MIT
#include "policy/lexer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lexer {
	const struct moat_source *source;
	struct moat_diagnostics *diagnostics;
	struct moat_arena *arena;
	const char *text;
	size_t length;
	size_t position;
	unsigned line;
	unsigned column;
	bool space_before;
	bool statement_start; /* nothing but blanks since the last newline */
	bool failed;
	struct moat_token *tokens;
	size_t count;
	size_t capacity;
};

static const struct {
	const char *spelling;
	enum moat_operator operator;
} operators[] = {
        /* Two-character operators first, so that `<=` is not read as `<`. */
        {"==", MOAT_OPERATOR_EQUAL},      {"!=", MOAT_OPERATOR_NOT_EQUAL},
        {"<=", MOAT_OPERATOR_LESS_EQUAL}, {">=", MOAT_OPERATOR_GREATER_EQUAL},
        {"&&", MOAT_OPERATOR_AND},        {"||", MOAT_OPERATOR_OR},
        {"<", MOAT_OPERATOR_LESS},        {">", MOAT_OPERATOR_GREATER},
        {"&", MOAT_OPERATOR_BIT_AND},     {"|", MOAT_OPERATOR_BIT_OR},
        {"{", MOAT_OPERATOR_OPEN_BRACE},  {"}", MOAT_OPERATOR_CLOSE_BRACE},
        {",", MOAT_OPERATOR_COMMA},
};

const char *moat_operator_spelling(enum moat_operator operator)
{
	for (size_t i = 0; i < sizeof(operators) / sizeof(operators[0]); i++) {
		if (operators[i].operator== operator)
			return operators[i].spelling;
	}
	return "?";
}

/*
 * The contract's word characters, plus brackets: a `[` opens a section
 * header only at the start of a statement, so `[::1]:80` is one word.
 */
static bool is_word_character(char c)
{
	switch (c) {
	case '_':
	case '@':
	case '.':
	case '/':
	case ':':
	case '=':
	case '+':
	case '-':
	case '[':
	case ']':
		return true;
	default:
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	}
}

static char peek(const struct lexer *lexer, size_t ahead)
{
	size_t at = lexer->position + ahead;

	return at < lexer->length ? lexer->text[at] : '\0';
}

/* Moves one byte on; columns count characters, so UTF-8 continuation bytes do not. */
static void advance(struct lexer *lexer)
{
	char c = lexer->text[lexer->position++];

	if (c == '\n') {
		lexer->line++;
		lexer->column = 1;
	} else if (((unsigned char)c & 0xc0) != 0x80) {
		lexer->column++;
	}
}

static struct moat_location here(const struct lexer *lexer)
{
	return (struct moat_location){lexer->source->name, lexer->line, lexer->column};
}

__attribute__((format(printf, 3, 4))) static void
lex_error(struct lexer *lexer, const struct moat_location *location, const char *format, ...)
{
	va_list arguments;

	lexer->failed = true;
	va_start(arguments, format);
	moat_vdiagnose(lexer->diagnostics, MOAT_SEVERITY_ERROR, lexer->source, location, format,
	               arguments);
	va_end(arguments);
}

static int emit(struct lexer *lexer, enum moat_token_kind kind, const char *text, size_t length,
                struct moat_location location)
{
	struct moat_token *token;

	if (lexer->count == lexer->capacity) {
		size_t capacity = lexer->capacity ? lexer->capacity * 2 : 32;
		struct moat_token *grown = realloc(lexer->tokens, capacity * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		lexer->tokens = grown;
		lexer->capacity = capacity;
	}
	token = &lexer->tokens[lexer->count++];
	token->kind = kind;
	token->operator= MOAT_OPERATOR_EQUAL;
	token->text = moat_arena_strndup(lexer->arena, text, length);
	token->location = location;
	token->joined = !lexer->space_before;
	lexer->space_before = false;
	lexer->statement_start = kind == MOAT_TOKEN_NEWLINE;
	return token->text ? 0 : -ENOMEM;
}

static bool is_name_start(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_name_character(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/* `${NAME}` inside a word; the resolver expands it. */
static void skip_variable(struct lexer *lexer)
{
	struct moat_location start = here(lexer);

	advance(lexer);
	advance(lexer);
	if (!is_name_start(peek(lexer, 0))) {
		lex_error(lexer, &start, "%s", "expected a variable name after '${'");
		return;
	}
	while (is_name_character(peek(lexer, 0)))
		advance(lexer);
	if (peek(lexer, 0) != '}') {
		lex_error(lexer, &start, "%s", "'${' without a closing '}'");
		return;
	}
	advance(lexer);
}

static int lex_word(struct lexer *lexer)
{
	struct moat_location start = here(lexer);
	size_t begin = lexer->position;

	if (peek(lexer, 0) == '?')
		advance(lexer);
	for (;;) {
		char c = peek(lexer, 0);

		if (c == '$' && peek(lexer, 1) == '{')
			skip_variable(lexer);
		else if (c == '=' && peek(lexer, 1) == '=' && lexer->position > begin)
			break; /* `arg0==1`: the operator ends the word */
		else if (c && is_word_character(c))
			advance(lexer);
		else
			break;
	}
	return emit(lexer, MOAT_TOKEN_WORD, lexer->text + begin, lexer->position - begin, start);
}

static bool valid_utf8_sequence(const unsigned char *bytes, size_t available, size_t *length)
{
	unsigned char lead = bytes[0];
	size_t need = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 0;

	if (lead < 0x80) {
		*length = 1;
		return true;
	}
	if (!need || need > available || lead > 0xf4)
		return false;
	for (size_t i = 1; i < need; i++) {
		if ((bytes[i] & 0xc0) != 0x80)
			return false;
	}
	*length = need;
	return true;
}

/* One character of a quoted string into `value`; returns false when it was refused. */
static bool lex_string_character(struct lexer *lexer, char *value, size_t *used)
{
	struct moat_location at = here(lexer);
	size_t begin = lexer->position, length;
	char c = peek(lexer, 0);

	if (c == '\\') {
		advance(lexer);
		c = peek(lexer, 0);
		if (c != '"' && c != '\\') {
			lex_error(lexer, &at, "%s",
			          "unknown escape in string (only \\\" and \\\\ are escapes)");
			return false;
		}
		value[(*used)++] = c;
		advance(lexer);
		return true;
	}
	if (c == '$' && peek(lexer, 1) == '{') {
		/* Kept as written: the resolver expands it; here only its form is checked. */
		skip_variable(lexer);
		memcpy(value + *used, lexer->text + begin, lexer->position - begin);
		*used += lexer->position - begin;
		return true;
	}
	if (c == '\0' || !valid_utf8_sequence((const unsigned char *)lexer->text + begin,
	                                      lexer->length - begin, &length)) {
		lex_error(lexer, &at, "%s",
		          c == '\0' ? "NUL byte in a string" : "string is not valid UTF-8");
		advance(lexer);
		return false;
	}
	memcpy(value + *used, lexer->text + begin, length);
	*used += length;
	for (size_t i = 0; i < length; i++)
		advance(lexer);
	return true;
}

static int lex_string(struct lexer *lexer)
{
	struct moat_location start = here(lexer);
	const char *line_end =
	        memchr(lexer->text + lexer->position, '\n', lexer->length - lexer->position);
	size_t limit = line_end ? (size_t)(line_end - lexer->text) - lexer->position
	                        : lexer->length - lexer->position;
	/* Unescaping only shrinks the text, so the rest of the line bounds it. */
	char *value = moat_arena_alloc(lexer->arena, limit + 1);
	size_t used = 0;

	if (!value)
		return -ENOMEM;
	advance(lexer);
	while (peek(lexer, 0) != '"') {
		if (lexer->position >= lexer->length || peek(lexer, 0) == '\n') {
			lex_error(lexer, &start, "%s", "string without a closing '\"'");
			return 0;
		}
		lex_string_character(lexer, value, &used);
	}
	advance(lexer);
	return emit(lexer, MOAT_TOKEN_STRING, value, used, start);
}

static int lex_section(struct lexer *lexer)
{
	struct moat_location start = here(lexer);
	size_t begin;

	advance(lexer);
	begin = lexer->position;
	while (peek(lexer, 0) && peek(lexer, 0) != ']' && peek(lexer, 0) != '\n')
		advance(lexer);
	if (peek(lexer, 0) != ']') {
		lex_error(lexer, &start, "%s", "section header without a closing ']'");
		return 0;
	}
	advance(lexer);
	return emit(lexer, MOAT_TOKEN_SECTION, lexer->text + begin, lexer->position - begin - 1,
	            start);
}

static bool lex_operator(struct lexer *lexer, int *result)
{
	struct moat_location start = here(lexer);
	char first = peek(lexer, 0), second = peek(lexer, 1);

	/* The table lists two-character operators first, so `<=` is not read as `<`. */
	for (size_t i = 0; i < sizeof(operators) / sizeof(operators[0]); i++) {
		const char *spelling = operators[i].spelling;
		size_t length = spelling[1] ? 2 : 1;

		if (spelling[0] != first || (length == 2 && spelling[1] != second))
			continue;
		for (size_t k = 0; k < length; k++)
			advance(lexer);
		*result = emit(lexer, MOAT_TOKEN_OPERATOR, spelling, length, start);
		lexer->tokens[lexer->count - 1].operator= operators[i].operator;
		return true;
	}
	return false;
}

/* A backslash continues the statement on the next line when only blanks follow it. */
static void lex_backslash(struct lexer *lexer)
{
	struct moat_location start = here(lexer);
	size_t ahead = 1;

	while (peek(lexer, ahead) == ' ' || peek(lexer, ahead) == '\t' ||
	       peek(lexer, ahead) == '\r')
		ahead++;
	if (peek(lexer, ahead) != '\n' && lexer->position + ahead < lexer->length) {
		lex_error(
		        lexer, &start, "%s",
		        "stray '\\' (a backslash continues a statement only at the end of a line)");
		advance(lexer);
		return;
	}
	for (size_t i = 0; i <= ahead && lexer->position < lexer->length; i++)
		advance(lexer);
	lexer->space_before = true;
}

static void lex_unexpected(struct lexer *lexer)
{
	struct moat_location start = here(lexer);
	unsigned char c = (unsigned char)peek(lexer, 0);
	size_t length = 1;
	char shown[32] = "";

	if (c == '\0')
		snprintf(shown, sizeof(shown), "NUL byte");
	else if (c >= 0x80 &&
	         valid_utf8_sequence((const unsigned char *)lexer->text + lexer->position,
	                             lexer->length - lexer->position, &length))
		memcpy(shown, lexer->text + lexer->position, length);
	else if (c >= 0x80 || c < 0x20 || c == 0x7f)
		snprintf(shown, sizeof(shown), c >= 0x80 ? "invalid UTF-8" : "control character");
	else
		shown[0] = (char)c;
	lex_error(lexer, &start, "unexpected '%s' (quote text that is not a word)", shown);
	for (size_t i = 0; i < length; i++)
		advance(lexer);
}

static int lex_one(struct lexer *lexer)
{
	char c = peek(lexer, 0);
	int result = 0;

	if (c == ' ' || c == '\t' || c == '\r') {
		advance(lexer);
		lexer->space_before = true;
	} else if (c == '\n') {
		result = emit(lexer, MOAT_TOKEN_NEWLINE, "\n", 1, here(lexer));
		advance(lexer);
		lexer->space_before = true;
	} else if (c == '#') {
		while (lexer->position < lexer->length && peek(lexer, 0) != '\n')
			advance(lexer);
	} else if (c == '\\') {
		lex_backslash(lexer);
	} else if (c == '"') {
		result = lex_string(lexer);
	} else if (c == '[' && lexer->statement_start) {
		result = lex_section(lexer);
	} else if (c == '=' && peek(lexer, 1) == '=') {
		lex_operator(lexer, &result);
	} else if ((c && is_word_character(c)) || c == '?' || (c == '$' && peek(lexer, 1) == '{')) {
		result = lex_word(lexer);
	} else if (!lex_operator(lexer, &result)) {
		lex_unexpected(lexer);
	}
	return result;
}

int moat_lex(struct moat_token_list *tokens, struct moat_arena *arena,
             const struct moat_source *source, struct moat_diagnostics *diagnostics)
{
	struct lexer lexer = {
	        .source = source,
	        .diagnostics = diagnostics,
	        .arena = arena,
	        .text = source->text,
	        .length = source->length,
	        .line = 1,
	        .column = 1,
	        .space_before = true,
	        .statement_start = true,
	};
	int result = 0;

	while (lexer.position < lexer.length && result == 0)
		result = lex_one(&lexer);
	if (result == 0)
		result = emit(&lexer, MOAT_TOKEN_NEWLINE, "\n", 1, here(&lexer));
	if (result == 0)
		result = emit(&lexer, MOAT_TOKEN_END, "", 0, here(&lexer));
	if (result < 0) {
		free(lexer.tokens);
		return result;
	}
	tokens->tokens = lexer.tokens;
	tokens->count = lexer.count;
	return lexer.failed ? -EINVAL : 0;
}

void moat_token_list_release(struct moat_token_list *tokens)
{
	free(tokens->tokens);
	tokens->tokens = NULL;
	tokens->count = 0;
}
