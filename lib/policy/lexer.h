/* SPDX-License-Identifier: MIT */
/*
 * The lexer: policy text to tokens. It knows the lexical rules of the
 * language (words, quoted strings, operators, section headers, comments,
 * continuation lines) and nothing of statements.
 */
#ifndef MOAT_POLICY_LEXER_H
#define MOAT_POLICY_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/diagnostics.h"
#include "policy/source.h"
#include "util/arena.h"

enum moat_token_kind {
	MOAT_TOKEN_WORD,    /* [A-Za-z0-9_@./:=+-]+, may hold ${NAME}, may start with ? */
	MOAT_TOKEN_STRING,  /* "...", text unescaped */
	MOAT_TOKEN_SECTION, /* [name], text is the name */
	MOAT_TOKEN_OPERATOR,
	MOAT_TOKEN_NEWLINE, /* ends a statement */
	MOAT_TOKEN_END,
};

enum moat_operator {
	MOAT_OPERATOR_EQUAL,         /* == */
	MOAT_OPERATOR_NOT_EQUAL,     /* != */
	MOAT_OPERATOR_LESS,          /* < */
	MOAT_OPERATOR_LESS_EQUAL,    /* <= */
	MOAT_OPERATOR_GREATER,       /* > */
	MOAT_OPERATOR_GREATER_EQUAL, /* >= */
	MOAT_OPERATOR_BIT_AND,       /* & */
	MOAT_OPERATOR_BIT_OR,        /* | */
	MOAT_OPERATOR_AND,           /* && */
	MOAT_OPERATOR_OR,            /* || */
	MOAT_OPERATOR_OPEN_BRACE,    /* { */
	MOAT_OPERATOR_CLOSE_BRACE,   /* } */
	MOAT_OPERATOR_COMMA,         /* , */
};

struct moat_token {
	enum moat_token_kind kind;
	enum moat_operator operator; /* MOAT_TOKEN_OPERATOR */
	const char *text;            /* NUL-terminated, in the arena */
	struct moat_location location;
	bool joined; /* no white space between this token and the one before */
};

/*
 * The tokens of one file. The array is the caller's to release once parsed
 * (moat_token_list_release); the texts it points to live in the arena, and
 * the syntax tree keeps using them.
 */
struct moat_token_list {
	struct moat_token *tokens; /* ends with one MOAT_TOKEN_END */
	size_t count;
};

/*
 * Splits the text of `source` into tokens, their texts allocated in `arena`. Lexical
 * errors are reported to `diagnostics`; the lexer goes on after one so a
 * user sees every error at once. Returns 0, -EINVAL when there were errors,
 * or -ENOMEM.
 */
int moat_lex(struct moat_token_list *tokens, struct moat_arena *arena,
             const struct moat_source *source, struct moat_diagnostics *diagnostics);

void moat_token_list_release(struct moat_token_list *tokens);

/* The spelling of an operator, for messages. */
const char *moat_operator_spelling(enum moat_operator operator);

#endif /* MOAT_POLICY_LEXER_H */
