// SPDX-License-Identifier: MIT
/* Loading policies for the subcommands, with diagnostics printed as compilers print them. */
#include <stdio.h>

#include "commands.h"
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

static void print_location(const struct moat_location *location)
{
	if (!location->file)
		fputs("moat: ", stderr);
	else if (location->line == 0)
		fprintf(stderr, "%s: ", location->file);
	else
		fprintf(stderr, "%s:%u:%u: ", location->file, location->line, location->column);
}

static void print_diagnostic(const struct moat_diagnostic *diagnostic, void *context)
{
	(void)context;
	for (size_t i = 0; i < diagnostic->included_from_count; i++) {
		const struct moat_location *at = &diagnostic->included_from[i];

		fprintf(stderr, "%s %s:%u:%u%s\n",
		        i == 0 ? "In file included from" : "                 from", at->file,
		        at->line, at->column, i + 1 == diagnostic->included_from_count ? ":" : ",");
	}
	print_location(&diagnostic->location);
	fprintf(stderr, "%s: %s\n", severity_name(diagnostic->severity), diagnostic->message);
}

struct moat_policy *moat_command_load_policy(char *const *paths, size_t count)
{
	struct moat_load_options options = {.on_diagnostic = print_diagnostic};
	moat_policy *policy = NULL;

	if (moat_policy_load(&policy, (const char *const *)paths, count, &options, NULL) < 0)
		return NULL;
	return policy;
}
