// SPDX-License-Identifier: MIT
/* Loading policies for the subcommands, with diagnostics printed as compilers print them. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "moat.h"
#include "policy/load.h"
#include "syscalls/syscalls.h"

/*
 * A diagnostic with no line is about a file as a whole (one that cannot be
 * read): an error of moat itself, prefixed `moat: ` as the others are.
 */
static void print_diagnostic(const struct moat_diagnostic *diagnostic, void *context)
{
	char text[4096];

	(void)context;
	moat_diagnostic_format(diagnostic, text, sizeof(text));
	if (diagnostic->location.line == 0 && diagnostic->included_from_count == 0)
		fputs("moat: ", stderr);
	fputs(text, stderr);
}

void moat_command_print_policy_error(const struct moat_error *error)
{
	if (error->file[0])
		fprintf(stderr, "%s:%u:%u: error: %s\n", error->file, error->line, error->column,
		        error->message);
	else
		moat_command_error("%s", error->message);
}

/*
 * Where `include NAME` and `-p NAME` look first: MOAT_POLICY_PATH when it is
 * set; else, for the command of a build tree, that tree's policies, so that
 * `build/tools/moat/moat run -p python3` works before anything is
 * installed. An installed command is elsewhere and gets NULL (the library
 * then searches the installed policies directory).
 */
static const char *policy_search_path(void)
{
	char self[PATH_MAX];
	ssize_t length;

	if (getenv("MOAT_POLICY_PATH"))
		return NULL;
	length = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (length <= 0)
		return NULL;
	self[length] = '\0';
	return strcmp(self, MOAT_BUILD_TREE_COMMAND) == 0 ? MOAT_SOURCE_POLICY_DIR : NULL;
}

struct moat_policy *moat_command_load_policy(char *const *paths, size_t count)
{
	return moat_command_load_layered(paths, count, NULL);
}

struct moat_policy *moat_command_load_policy_for(const struct moat_arch *arch, char *const *paths,
                                                 size_t count)
{
	struct moat_load_options options = {.version = MOAT_LOAD_OPTIONS_VERSION,
	                                    .policy_path = policy_search_path(),
	                                    .on_diagnostic = print_diagnostic};
	moat_policy *policy = NULL;

	if (moat_policy_load_arch(&policy, moat_arch_name(arch), (const char *const *)paths, count,
	                          &options, NULL) < 0)
		return NULL;
	return policy;
}

const struct moat_arch *moat_command_arch(const char *name)
{
	const struct moat_arch *arch = moat_arch_find(name);

	if (!arch)
		moat_command_error("unknown architecture '%s' (moat knows %s)", name,
		                   moat_arch_list());
	return arch;
}

struct moat_policy *moat_command_load_layered(char *const *paths, size_t count,
                                              const struct moat_policy_text *last)
{
	struct moat_load_options options = {.version = MOAT_LOAD_OPTIONS_VERSION,
	                                    .policy_path = policy_search_path(),
	                                    .on_diagnostic = print_diagnostic};
	moat_policy *policy = NULL;

	if (moat_policy_load_layered(&policy, (const char *const *)paths, count, last, &options,
	                             NULL) < 0)
		return NULL;
	return policy;
}
