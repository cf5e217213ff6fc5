/* SPDX-License-Identifier: MIT */
/*
 * Filling a struct moat_error piece by piece, without printf: for the code
 * that runs between fork and execve in a copy of a possibly multi-threaded
 * process, where only async-signal-safe calls are allowed. Pieces that do
 * not fit are cut; a NULL error takes nothing.
 */
#ifndef MOAT_UTIL_MESSAGE_H
#define MOAT_UTIL_MESSAGE_H

#include <stddef.h>

#include "moat.h"

struct moat_message {
	struct moat_error *error; /* NULL: the caller wants no message */
	size_t length;
};

/* Clears `error` and sets its code. */
struct moat_message moat_message_begin(struct moat_error *error, int code);

void moat_message_put(struct moat_message *message, const char *text);
void moat_message_put_number(struct moat_message *message, long number);

/* The errno's name ("EINVAL"), from glibc's constant table. */
void moat_message_put_errno(struct moat_message *message, int code);

/* The errno's description ("No such file or directory"), also constant. */
void moat_message_put_reason(struct moat_message *message, int code);

/* Where in the policy the error is. */
void moat_message_put_location(struct moat_message *message, const struct moat_location *location);

/* One piece as the whole message; returns `code`. */
int moat_message_set(struct moat_error *error, int code, const char *text);

#endif /* MOAT_UTIL_MESSAGE_H */
