// SPDX-License-Identifier: MIT
/* Loading policies for the subcommands, with diagnostics printed as compilers print them. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "moat.h"

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
 * then searches the installed policies directory), as does one built
 * outside moat's CMake build against an installed libmoat.
 */
static const char *policy_search_path(void)
{
#if defined(MOAT_BUILD_TREE_COMMAND) && defined(MOAT_SOURCE_POLICY_DIR)
	char self[PATH_MAX];
	ssize_t length;

	if (getenv("MOAT_POLICY_PATH"))
		return NULL;
	length = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (length <= 0)
		return NULL;
	self[length] = '\0';
	return strcmp(self, MOAT_BUILD_TREE_COMMAND) == 0 ? MOAT_SOURCE_POLICY_DIR : NULL;
#else
	return NULL;
#endif
}

struct moat_policy *moat_command_load_policy(char *const *paths, size_t count)
{
	return moat_command_load_layered(paths, count, NULL, NULL, 0);
}

struct moat_policy *moat_command_load_policy_for(const char *arch, char *const *paths, size_t count)
{
	struct moat_load_options options = {.version = MOAT_LOAD_OPTIONS_VERSION,
	                                    .policy_path = policy_search_path(),
	                                    .on_diagnostic = print_diagnostic};
	moat_policy *policy = NULL;

	if (moat_policy_load_arch(&policy, arch, (const char *const *)paths, count, &options,
	                          NULL) < 0)
		return NULL;
	return policy;
}

const char *moat_command_arch(const char *name)
{
	char known[256] = "";
	const char *arch;

	for (size_t i = 0; (arch = moat_arch_known(i)); i++) {
		if (!strcmp(arch, name))
			return arch;
		snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
		         i ? ", " : "", arch);
	}
	moat_command_error("unknown architecture '%s' (moat knows %s)", name, known);
	return NULL;
}

struct moat_policy *moat_command_load_layered(char *const *paths, size_t count, const char *name,
                                              const char *last, size_t length)
{
	struct moat_load_options options = {.version = MOAT_LOAD_OPTIONS_VERSION,
	                                    .policy_path = policy_search_path(),
	                                    .on_diagnostic = print_diagnostic,
	                                    .last_layer_name = name,
	                                    .last_layer = last,
	                                    .last_layer_length = length};
	moat_policy *policy = NULL;

	if (moat_policy_load(&policy, (const char *const *)paths, count, &options, NULL) < 0)
		return NULL;
	return policy;
}
