// SPDX-License-Identifier: MIT
/*
 * moat features: what the running kernel can enforce (moat_features_text()).
 * Every answer comes from asking the kernel (a probe), not from its version
 * number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "moat.h"

void moat_command_features_usage(FILE *stream)
{
	fprintf(stream, "usage: moat features [--landlock-abi N]\n\n"
	                "Prints what the running kernel can enforce: the Landlock ABI and its\n"
	                "rights, what a policy gets of each feature on it, seccomp actions and\n"
	                "flags, user notification, namespaces, whether an unprivileged user\n"
	                "can create a user namespace, and whether [network] egress rules work\n"
	                "for the caller. With --landlock-abi, as if the kernel had at most\n"
	                "Landlock ABI N.\n");
}

int moat_command_features(int argc, char **argv)
{
	struct moat_error error = {0};
	char *text;
	int abi_limit = 0;

	if (argc == 3 && !strcmp(argv[1], "--landlock-abi")) {
		abi_limit = atoi(argv[2]);
	} else if (argc > 1) {
		moat_command_error("features takes no arguments but --landlock-abi N");
		return MOAT_EXIT_USAGE;
	}
	if (moat_features_text(&text, abi_limit, &error) < 0) {
		moat_command_error("features: %s", error.message);
		return 1;
	}
	fputs(text, stdout);
	free(text);
	return 0;
}
