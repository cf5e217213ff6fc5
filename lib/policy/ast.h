/* SPDX-License-Identifier: MIT */
/*
 * The syntax tree of one policy file: its statements in order, each with the
 * place it was written. Names are not looked up yet (syscalls, groups,
 * constants, rights and paths are still words); the resolver gives them
 * meaning.
 */
#ifndef MOAT_POLICY_AST_H
#define MOAT_POLICY_AST_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/ir.h"

struct moat_ast_word {
	const char *text; /* as written, quotes removed, ${NAME} not expanded */
	struct moat_location location;
	bool quoted;
};

/* A number or constant name, or several joined by `|`. */
struct moat_ast_value {
	const struct moat_ast_word *terms;
	size_t count;
};

struct moat_ast_comparison {
	unsigned arg; /* 0..5 */
	bool has_mask;
	struct moat_ast_value mask;
	enum moat_compare_op op;
	struct moat_ast_value value;      /* every op but MOAT_COMPARE_IN */
	const struct moat_ast_value *set; /* MOAT_COMPARE_IN */
	size_t set_count;
	struct moat_location location; /* of `argN` */
};

struct moat_ast_conjunction {
	const struct moat_ast_comparison *comparisons;
	size_t count;
};

struct moat_ast_condition {
	const struct moat_ast_conjunction *conjunctions;
	size_t count;
};

enum moat_ast_section {
	MOAT_SECTION_NONE, /* before the first section header */
	MOAT_SECTION_SYSCALLS,
	MOAT_SECTION_FILESYSTEM,
	MOAT_SECTION_NETWORK,
	MOAT_SECTION_NAMESPACES,
	MOAT_SECTION_MOUNTS,
	MOAT_SECTION_LIMITS,
	MOAT_SECTION_PROCESS,
	MOAT_SECTION_BROKER,
};

enum moat_ast_statement_kind {
	MOAT_AST_VERSION,      /* moat N */
	MOAT_AST_INCLUDE,      /* include NAME | include "path" */
	MOAT_AST_COMPAT,       /* compat strict|best-effort */
	MOAT_AST_SECTION,      /* [name] */
	MOAT_AST_DEFAULT,      /* default ACTION */
	MOAT_AST_SYSCALL_RULE, /* ACTION TARGET... [if CONDITION] */
	MOAT_AST_SETTING,      /* KEYWORD ARGUMENT...: every other statement */
};

struct moat_ast_statement {
	enum moat_ast_statement_kind kind;
	enum moat_ast_section section; /* the section it stands in */
	struct moat_ast_word keyword;  /* the first word */
	/*
	 * The words after the keyword (after the action and its errno for a
	 * syscall rule: the targets). Adjacent tokens without blanks between
	 * them form one word, so `read-file,ioctl-dev` is one argument.
	 */
	const struct moat_ast_word *arguments;
	size_t argument_count;
	/* MOAT_AST_DEFAULT and MOAT_AST_SYSCALL_RULE */
	struct moat_action action;
	struct moat_ast_word errno_word;            /* `errno NAME|NUMBER`: the NAME|NUMBER */
	const struct moat_ast_condition *condition; /* NULL without `if` */
};

struct moat_ast_file {
	const struct moat_ast_statement *statements;
	size_t count;
};

#endif /* MOAT_POLICY_AST_H */
