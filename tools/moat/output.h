/* SPDX-License-Identifier: MIT */
/* What `moat export` and `moat import` share: writing their result, printing warnings. */
#ifndef MOAT_TOOL_OUTPUT_H
#define MOAT_TOOL_OUTPUT_H

#include "moat.h"

/*
 * Writes `text` to `path` through a temporary file next to it renamed over
 * it, so that `path` is either untouched or complete; to stdout when `path`
 * is NULL. Returns 0, or 1 after printing why it failed.
 */
int moat_command_write_text(const char *path, const char *text);

/* A moat_diagnostic_fn that prints as compilers do, on stderr. */
void moat_command_print_diagnostic(const struct moat_diagnostic *diagnostic, void *context);

/* Prints a library error as `FILE:LINE:COL: error: MESSAGE`, or `moat: MESSAGE` unlocated. */
void moat_command_print_error(const struct moat_error *error);

#endif /* MOAT_TOOL_OUTPUT_H */
