// SPDX-License-Identifier: MIT
/*
 * check_policy: validate policy files from your own program, printing
 * diagnostics the way a compiler does. Build it against an installed moat:
 *
 *   cc check_policy.c $(pkg-config --cflags --libs moat) -o check_policy
 */
#include <stdio.h>

#include <moat.h>

static void print(const struct moat_diagnostic *diagnostic, void *context)
{
	char text[4096];

	(void)context;
	moat_diagnostic_format(diagnostic, text, sizeof(text));
	fputs(text, stderr);
}

int main(int argc, char **argv)
{
	struct moat_load_options options = {.version = MOAT_LOAD_OPTIONS_VERSION,
	                                    .on_diagnostic = print};
	struct moat_error error;
	moat_policy *policy;

	if (argc < 2) {
		fprintf(stderr, "usage: %s POLICY...\n", argv[0]);
		return 2;
	}
	if (moat_policy_load(&policy, (const char *const *)argv + 1, (size_t)argc - 1, &options,
	                     &error) < 0) {
		fprintf(stderr, "invalid: %s\n", error.message);
		return 1;
	}
	printf("valid, %zu warning(s), libmoat %s\n", moat_policy_warning_count(policy),
	       moat_version());
	moat_policy_free(policy);
	return 0;
}
