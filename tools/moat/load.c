// SPDX-License-Identifier: MIT
/* Loading policies for the subcommands, with diagnostics printed as compilers print them. */
#include <stdio.h>

#include "commands.h"
#include "moat.h"

static void print_diagnostic(const struct moat_diagnostic *diagnostic, void *context)
{
	char text[4096];

	(void)context;
	moat_diagnostic_format(diagnostic, text, sizeof(text));
	fputs(text, stderr);
}

struct moat_policy *moat_command_load_policy(char *const *paths, size_t count)
{
	struct moat_load_options options = {.on_diagnostic = print_diagnostic};
	moat_policy *policy = NULL;

	if (moat_policy_load(&policy, (const char *const *)paths, count, &options, NULL) < 0)
		return NULL;
	return policy;
}
