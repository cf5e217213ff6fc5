// SPDX-License-Identifier: MIT
/*
 * A program built against the installed <moat.h> of this version and run
 * against the installed library (scripts/check-install.sh): the library
 * is the version of the header, the versioned options are accepted, an
 * unknown version is refused, and a policy loads and compiles. Exits 0,
 * or 1 with what failed on stderr.
 */
#include <errno.h>
#include <moat.h>
#include <stdio.h>
#include <string.h>

static int failed(const char *what, int result, const struct moat_error *error)
{
	fprintf(stderr, "abi consumer: %s: %d %s\n", what, result, error ? error->message : "");
	return 1;
}

static int check_options(void)
{
	struct moat_load_options load = MOAT_LOAD_OPTIONS_INIT;
	struct moat_sandbox_options sandbox;
	struct moat_supervisor_options supervisor;

	if (load.version != MOAT_LOAD_OPTIONS_VERSION)
		return failed("MOAT_LOAD_OPTIONS_INIT", (int)load.version, NULL);
	if (moat_sandbox_options_init(&sandbox, MOAT_SANDBOX_OPTIONS_VERSION) != 0 ||
	    sandbox.version != MOAT_SANDBOX_OPTIONS_VERSION || sandbox.identity != 0)
		return failed("moat_sandbox_options_init", (int)sandbox.version, NULL);
	if (moat_supervisor_options_init(&supervisor, MOAT_SUPERVISOR_OPTIONS_VERSION) != 0)
		return failed("moat_supervisor_options_init", -1, NULL);
	if (moat_load_options_init(&load, MOAT_LOAD_OPTIONS_VERSION + 1) != -EINVAL)
		return failed("moat_load_options_init of an unknown version", 0, NULL);
	return 0;
}

static int check_policy(void)
{
	static const char text[] = "moat 1\n[syscalls]\ndefault allow\nerrno EPERM getppid\n";
	struct moat_load_options options = MOAT_LOAD_OPTIONS_INIT;
	struct moat_error error;
	moat_policy *policy;
	moat_filter *filter;
	int result;

	options.version = MOAT_LOAD_OPTIONS_VERSION + 1;
	result = moat_policy_load_string(&policy, "abi.policy", text, strlen(text), &options,
	                                 &error);
	if (result != -EINVAL)
		return failed("an unknown options version is refused", result, &error);
	options.version = MOAT_LOAD_OPTIONS_VERSION;
	result = moat_policy_load_string(&policy, "abi.policy", text, strlen(text), &options,
	                                 &error);
	if (result < 0)
		return failed("moat_policy_load_string", result, &error);
	result = moat_filter_compile(&filter, policy, &error);
	if (result < 0)
		return failed("moat_filter_compile", result, &error);
	if (moat_filter_length(filter) == 0)
		return failed("moat_filter_length", 0, NULL);
	moat_filter_free(filter);
	moat_policy_free(policy);
	return 0;
}

int main(void)
{
	if (strcmp(moat_version(), MOAT_VERSION_STRING) != 0) {
		fprintf(stderr, "abi consumer: built against %s, running against %s\n",
		        MOAT_VERSION_STRING, moat_version());
		return 1;
	}
	return check_options() || check_policy();
}
