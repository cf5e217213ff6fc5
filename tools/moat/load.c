// SPDX-License-Identifier: MIT
/* Loading policies for the subcommands, with diagnostics printed as compilers print them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* `-p system` names a shipped or MOAT_POLICY_PATH policy, like `include system`. */
char *moat_command_policy_path(char *argument)
{
	static const char *const suffix = ".policy";
	char candidate[4096];
	struct stat status;
	const char *path = getenv("MOAT_POLICY_PATH");

	if (strchr(argument, '/') || stat(argument, &status) == 0)
		return argument;
	for (const char *directory = path; directory && *directory;) {
		size_t length = strcspn(directory, ":");

		snprintf(candidate, sizeof(candidate), "%.*s/%s%s", (int)length, directory,
		         argument, suffix);
		if (length && stat(candidate, &status) == 0)
			return strdup(candidate);
		directory += length + (directory[length] == ':');
	}
	snprintf(candidate, sizeof(candidate), "%s/%s%s", MOAT_INSTALLED_POLICY_DIR, argument,
	         suffix);
	if (stat(candidate, &status) == 0)
		return strdup(candidate);
	return argument;
}
