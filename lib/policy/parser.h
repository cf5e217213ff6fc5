/* SPDX-License-Identifier: MIT */
/*
 * The parser: tokens of one file to its syntax tree. It knows the grammar
 * (which statements each section has, how many arguments they take, the
 * shape of actions and conditions) but not what names mean.
 */
#ifndef MOAT_POLICY_PARSER_H
#define MOAT_POLICY_PARSER_H

#include "policy/ast.h"
#include "policy/diagnostics.h"
#include "policy/lexer.h"
#include "util/arena.h"

/*
 * Parses the tokens of `source`. Syntax errors are reported to
 * `diagnostics`, and parsing resumes at the next statement. Returns 0,
 * -EINVAL when there were errors, or -ENOMEM.
 */
int moat_parse(struct moat_ast_file *file, struct moat_arena *arena,
               const struct moat_token_list *tokens, const struct moat_source *source,
               struct moat_diagnostics *diagnostics);

/*
 * Parses a condition on its own, as the built-in groups write them. The
 * tokens are those of a source that holds only the condition.
 */
int moat_parse_condition(const struct moat_ast_condition **condition, struct moat_arena *arena,
                         const struct moat_token_list *tokens, const struct moat_source *source,
                         struct moat_diagnostics *diagnostics);

/* The name of a section as written between brackets, "syscalls". */
const char *moat_section_name(enum moat_ast_section section);

#endif /* MOAT_POLICY_PARSER_H */
