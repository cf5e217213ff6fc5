/* SPDX-License-Identifier: MIT */
/* Small text helpers shared by the modules. */
#ifndef MOAT_UTIL_TEXT_H
#define MOAT_UTIL_TEXT_H

#include <stddef.h>

/* Names longer than this are never a typo of anything. */
#define MOAT_TYPO_LENGTH_MAX 64

/*
 * How far apart two names are as typos go, for "did you mean" suggestions:
 * the optimal string alignment distance (a letter added, dropped, changed,
 * or two neighbours swapped each count one), ignoring letter case and
 * counting '_' and '-' as the same. Returns `limit + 1` as soon as the
 * distance must exceed `limit`, and for names over MOAT_TYPO_LENGTH_MAX.
 */
size_t moat_typo_distance(const char *left, const char *right, size_t limit);

#endif /* MOAT_UTIL_TEXT_H */
