// SPDX-License-Identifier: MIT
#include "policy/diagnostics.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"

/* Deeper chains are refused by the resolver, so this always suffices. */
#define MAXIMUM_CHAIN 32

void moat_diagnostics_init(struct moat_diagnostics *diagnostics,
                           const struct moat_load_options *options, struct moat_error *error)
{
	memset(diagnostics, 0, sizeof(*diagnostics));
	if (options) {
		diagnostics->callback = options->on_diagnostic;
		diagnostics->context = options->diagnostic_context;
	}
	diagnostics->first_error = error;
}

static size_t collect_chain(const struct moat_source *source, struct moat_location *chain)
{
	size_t count = 0;

	for (const struct moat_source *s = source; s && s->parent && count < MAXIMUM_CHAIN;
	     s = s->parent)
		chain[count++] = s->included_at;
	return count;
}

void moat_vdiagnose(struct moat_diagnostics *diagnostics, enum moat_severity severity,
                    const struct moat_source *source, const struct moat_location *location,
                    const char *format, va_list arguments)
{
	struct moat_location chain[MAXIMUM_CHAIN];
	struct moat_diagnostic diagnostic = {.severity = severity};
	char message[1024];

	vsnprintf(message, sizeof(message), format, arguments);

	if (severity == MOAT_SEVERITY_ERROR) {
		if (diagnostics->error_count++ == 0 && diagnostics->first_error)
			moat_error_set_at(diagnostics->first_error, -EINVAL, location, "%s",
			                  message);
	} else if (severity == MOAT_SEVERITY_WARNING) {
		diagnostics->warning_count++;
	}
	if (!diagnostics->callback)
		return;
	if (location)
		diagnostic.location = *location;
	diagnostic.message = message;
	diagnostic.included_from = chain;
	diagnostic.included_from_count = collect_chain(source, chain);
	diagnostics->callback(&diagnostic, diagnostics->context);
}

void moat_diagnose(struct moat_diagnostics *diagnostics, enum moat_severity severity,
                   const struct moat_source *source, const struct moat_location *location,
                   const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	moat_vdiagnose(diagnostics, severity, source, location, format, arguments);
	va_end(arguments);
}
