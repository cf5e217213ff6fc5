// SPDX-License-Identifier: MIT
#include "policy_support.h"

#include <stdio.h>
#include <string.h>

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

void test_format_diagnostic(const struct moat_diagnostic *diagnostic, char *buffer, size_t size)
{
	size_t used = 0;

	buffer[0] = '\0';
	for (size_t i = 0; i < diagnostic->included_from_count && used < size; i++) {
		const struct moat_location *at = &diagnostic->included_from[i];

		used += (size_t)snprintf(buffer + used, size - used, "%s %s:%u:%u%s\n",
		                         i == 0 ? "In file included from" : "                 from",
		                         at->file, at->line, at->column,
		                         i + 1 == diagnostic->included_from_count ? ":" : ",");
	}
	if (used < size)
		snprintf(buffer + used, size - used, "%s:%u:%u: %s: %s\n",
		         diagnostic->location.file ? diagnostic->location.file : "moat",
		         diagnostic->location.line, diagnostic->location.column,
		         severity_name(diagnostic->severity), diagnostic->message);
}

static void collect(const struct moat_diagnostic *diagnostic, void *context)
{
	struct test_diagnostics *diagnostics = context;
	size_t used = strlen(diagnostics->text);

	test_format_diagnostic(diagnostic, diagnostics->text + used,
	                       sizeof(diagnostics->text) - used);
	if (diagnostic->severity == MOAT_SEVERITY_ERROR)
		diagnostics->errors++;
	else if (diagnostic->severity == MOAT_SEVERITY_WARNING)
		diagnostics->warnings++;
	else
		diagnostics->notes++;
}

moat_policy *test_load_with(const char *text, struct moat_load_options options,
                            struct test_diagnostics *diagnostics)
{
	moat_policy *policy = NULL;

	memset(diagnostics, 0, sizeof(*diagnostics));
	options.on_diagnostic = collect;
	options.diagnostic_context = diagnostics;
	moat_policy_load_string(&policy, "test.policy", text, strlen(text), &options,
	                        &diagnostics->error);
	return policy;
}

moat_policy *test_load(const char *text, struct test_diagnostics *diagnostics)
{
	struct moat_load_options options = {0};

	return test_load_with(text, options, diagnostics);
}

moat_policy *test_load_paths(const char *const *paths, size_t count,
                             struct moat_load_options options, struct test_diagnostics *diagnostics)
{
	moat_policy *policy = NULL;

	memset(diagnostics, 0, sizeof(*diagnostics));
	options.on_diagnostic = collect;
	options.diagnostic_context = diagnostics;
	moat_policy_load(&policy, paths, count, &options, &diagnostics->error);
	return policy;
}
