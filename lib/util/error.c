// SPDX-License-Identifier: MIT
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 4, 0))) static void fill(struct moat_error *error, int code,
                                                       const struct moat_location *location,
                                                       const char *format, va_list arguments)
{
	memset(error, 0, sizeof(*error));
	error->code = code;
	if (location && location->file) {
		snprintf(error->file, sizeof(error->file), "%s", location->file);
		error->line = location->line;
		error->column = location->column;
	}
	vsnprintf(error->message, sizeof(error->message), format, arguments);
}

int moat_error_set(struct moat_error *error, int code, const char *format, ...)
{
	va_list arguments;

	if (error) {
		va_start(arguments, format);
		fill(error, code, NULL, format, arguments);
		va_end(arguments);
	}
	return code;
}

int moat_error_set_at(struct moat_error *error, int code, const struct moat_location *location,
                      const char *format, ...)
{
	va_list arguments;

	if (error) {
		va_start(arguments, format);
		fill(error, code, location, format, arguments);
		va_end(arguments);
	}
	return code;
}
