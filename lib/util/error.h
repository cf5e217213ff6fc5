/* SPDX-License-Identifier: MIT */
/*
 * Filling the caller's struct moat_error, which may be NULL, with a
 * printf-style message: for the parent's side only (parsing, resolving,
 * planning, the supervisor, moat_enter's checks). vsnprintf may allocate and
 * take locks, so the code that runs between clone and execve (the apply
 * steps of lib/spawn.c's child) uses util/message.h instead.
 */
#ifndef MOAT_UTIL_ERROR_H
#define MOAT_UTIL_ERROR_H

#include "moat.h"

/*
 * Records `code` (a negative errno) and a formatted message, with no place in
 * a file. Returns `code` so a caller can write `return moat_error_set(...)`.
 */
int moat_error_set(struct moat_error *error, int code, const char *format, ...)
        __attribute__((format(printf, 3, 4)));

/* The same, with the place in a policy file that the error is about. */
int moat_error_set_at(struct moat_error *error, int code, const struct moat_location *location,
                      const char *format, ...) __attribute__((format(printf, 4, 5)));

#endif /* MOAT_UTIL_ERROR_H */
