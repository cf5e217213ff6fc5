// SPDX-License-Identifier: MIT
/* Diagnostics as text, the way compilers print them. */
#include <stdarg.h>
#include <stdio.h>

#include "moat.h"

static const char *severity_name(enum moat_severity severity)
{
	switch (severity) {
	case MOAT_SEVERITY_ERROR:
		return "error";
	case MOAT_SEVERITY_WARNING:
		return "warning";
	default:
		return "note";
	}
}

/* snprintf at `used` that keeps counting once the buffer is full. */
__attribute__((format(printf, 4, 5))) static size_t append(char *buffer, size_t size, size_t used,
                                                           const char *format, ...)
{
	va_list arguments;
	int length;

	va_start(arguments, format);
	length = vsnprintf(used < size ? buffer + used : NULL, used < size ? size - used : 0,
	                   format, arguments);
	va_end(arguments);
	return used + (length > 0 ? (size_t)length : 0);
}

int moat_diagnostic_format(const struct moat_diagnostic *diagnostic, char *buffer, size_t size)
{
	const struct moat_location *at = &diagnostic->location;
	size_t used = 0;

	if (size)
		buffer[0] = '\0';
	for (size_t i = 0; i < diagnostic->included_from_count; i++) {
		const struct moat_location *from = &diagnostic->included_from[i];

		used = append(buffer, size, used, "%s %s:%u:%u%s\n",
		              i == 0 ? "In file included from" : "                 from",
		              from->file, from->line, from->column,
		              i + 1 == diagnostic->included_from_count ? ":" : ",");
	}
	if (!at->file)
		used = append(buffer, size, used, "moat: ");
	else if (at->line == 0)
		used = append(buffer, size, used, "%s: ", at->file);
	else
		used = append(buffer, size, used, "%s:%u:%u: ", at->file, at->line, at->column);
	used = append(buffer, size, used, "%s: %s\n", severity_name(diagnostic->severity),
	              diagnostic->message);
	return used > (size_t)__INT_MAX__ ? __INT_MAX__ : (int)used;
}
