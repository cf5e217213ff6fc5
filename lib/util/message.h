/* SPDX-License-Identifier: MIT */
/*
 * Filling a struct moat_error piece by piece, without printf: the one error
 * filler for the code that runs between clone and execve in a copy of a
 * possibly multi-threaded process (lib/spawn.c's child, and every apply
 * step it calls), where only async-signal-safe calls are allowed. Another
 * thread of the parent may have held the malloc arena, stdio or locale
 * locks at the clone, and nobody releases them in the copy: vsnprintf,
 * strerror (which translates through gettext) or malloc can deadlock there.
 *
 * Everything here writes into the caller's struct and calls nothing but
 * glibc's constant errno tables. Pieces that do not fit are cut; a NULL
 * error takes nothing. The parent side (parsing, planning) uses
 * util/error.h, whose printf-style formatting is not safe in the child;
 * tests/unit/test_child_safety.c checks that the child calls none of it.
 */
#ifndef MOAT_UTIL_MESSAGE_H
#define MOAT_UTIL_MESSAGE_H

#include <stddef.h>

#include "moat.h"

struct moat_message {
	struct moat_error *error; /* NULL: the caller wants no message */
	size_t length;
	int code;
};

/* Clears `error` and sets its code. */
struct moat_message moat_message_begin(struct moat_error *error, int code);

/* The same, with the place in the policy the error is about. */
struct moat_message moat_message_begin_at(struct moat_error *error, int code,
                                          const struct moat_location *location);

void moat_message_put(struct moat_message *message, const char *text);
void moat_message_put_number(struct moat_message *message, long number);

/* The errno's name ("EINVAL"), from glibc's constant table. */
void moat_message_put_errno(struct moat_message *message, int code);

/* The errno's description ("No such file or directory"), also constant. */
void moat_message_put_reason(struct moat_message *message, int code);

/* Where in the policy the error is. */
void moat_message_put_location(struct moat_message *message, const struct moat_location *location);

/* The code given to moat_message_begin, for `return moat_message_end(&message);`. */
int moat_message_end(const struct moat_message *message);

/* One piece as the whole message; returns `code`. */
int moat_message_set(struct moat_error *error, int code, const char *text);

/* `text`, ": " and the description of `code` as the whole message; returns `code`. */
int moat_message_set_reason(struct moat_error *error, int code, const char *text);

#endif /* MOAT_UTIL_MESSAGE_H */
