// SPDX-License-Identifier: MIT
/*
 * moat check POLICY...: parse and validate each policy on its own, and
 * compile its filter, so that what `moat compile` and `moat run` would
 * refuse (a section too large for the kernel) fails here too.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "moat.h"

void moat_command_check_usage(FILE *stream)
{
	fprintf(stream, "usage: moat check POLICY...\n\n"
	                "Parses and validates each policy file (with what it includes),\n"
	                "compiles its seccomp filter, and prints diagnostics on stderr as\n"
	                "FILE:LINE:COL: error: MESSAGE.\n\n"
	                "exit status: 0 every policy is valid (warnings allowed), 1 a policy is\n"
	                "invalid, 2 usage error.\n");
}

static int check_one(char **path)
{
	moat_policy *policy = moat_command_load_policy(path, 1);
	struct moat_error error = {0};
	moat_filter *filter = NULL;
	int result;

	if (!policy)
		return -1;
	result = moat_filter_compile(&filter, policy, &error);
	if (result < 0)
		moat_command_print_policy_error(&error);
	moat_filter_free(filter);
	moat_policy_free(policy);
	return result;
}

int moat_command_check(int argc, char **argv)
{
	int status = 0, first = 1;

	/* Options first; after `--` every argument is a file, even one named -x. */
	for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
		if (!strcmp(argv[first], "--")) {
			first++;
			break;
		}
		moat_command_error("check: unknown option '%s'", argv[first]);
		return MOAT_EXIT_USAGE;
	}
	if (first >= argc) {
		moat_command_error("check needs at least one policy file");
		moat_command_check_usage(stderr);
		return MOAT_EXIT_USAGE;
	}
	for (int i = first; i < argc; i++) {
		if (check_one(&argv[i]) != 0)
			status = 1;
	}
	return status;
}
