// SPDX-License-Identifier: MIT
/*
 * strerrorname_np and strerrordesc_np are the only library calls: in glibc
 * (string/_strerror.c, __get_errlist and __get_errname) each is a bounds
 * check and an index into a constant array, with no locale, lock or
 * allocation, unlike strerror, which translates the text through gettext.
 */
#include "util/message.h"

#include <string.h>

struct moat_message moat_message_begin(struct moat_error *error, int code)
{
	if (error) {
		memset(error, 0, sizeof(*error));
		error->code = code;
	}
	return (struct moat_message){.error = error, .length = 0, .code = code};
}

struct moat_message moat_message_begin_at(struct moat_error *error, int code,
                                          const struct moat_location *location)
{
	struct moat_message message = moat_message_begin(error, code);

	moat_message_put_location(&message, location);
	return message;
}

void moat_message_put(struct moat_message *message, const char *text)
{
	if (!message->error)
		return;
	while (*text && message->length + 1 < sizeof(message->error->message))
		message->error->message[message->length++] = *text++;
}

void moat_message_put_number(struct moat_message *message, long number)
{
	char text[24];
	char *cursor = text + sizeof(text) - 1;
	unsigned long value = number < 0 ? 0UL - (unsigned long)number : (unsigned long)number;

	*cursor = '\0';
	do {
		*--cursor = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	if (number < 0)
		*--cursor = '-';
	moat_message_put(message, cursor);
}

void moat_message_put_errno(struct moat_message *message, int code)
{
	const char *name = strerrorname_np(code);

	if (name) {
		moat_message_put(message, name);
	} else {
		moat_message_put(message, "errno ");
		moat_message_put_number(message, code);
	}
}

void moat_message_put_reason(struct moat_message *message, int code)
{
	const char *reason = strerrordesc_np(code);

	if (reason)
		moat_message_put(message, reason);
	else
		moat_message_put_errno(message, code);
}

void moat_message_put_location(struct moat_message *message, const struct moat_location *location)
{
	size_t length = 0;

	if (!message->error || !location || !location->file)
		return;
	while (location->file[length] && length + 1 < sizeof(message->error->file)) {
		message->error->file[length] = location->file[length];
		length++;
	}
	message->error->line = location->line;
	message->error->column = location->column;
}

int moat_message_end(const struct moat_message *message)
{
	return message->code;
}

int moat_message_set(struct moat_error *error, int code, const char *text)
{
	struct moat_message message = moat_message_begin(error, code);

	moat_message_put(&message, text);
	return code;
}

int moat_message_set_reason(struct moat_error *error, int code, const char *text)
{
	struct moat_message message = moat_message_begin(error, code);

	moat_message_put(&message, text);
	moat_message_put(&message, ": ");
	moat_message_put_reason(&message, -code);
	return code;
}
