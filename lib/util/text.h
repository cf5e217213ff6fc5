/* SPDX-License-Identifier: MIT */
/* Small text helpers shared by the modules. */
#ifndef MOAT_UTIL_TEXT_H
#define MOAT_UTIL_TEXT_H

#include <stddef.h>

/*
 * The Levenshtein distance between two short strings (insertions, deletions
 * and substitutions), capped at 64 for long inputs: for "did you mean"
 * suggestions.
 */
size_t moat_edit_distance(const char *left, const char *right);

#endif /* MOAT_UTIL_TEXT_H */
