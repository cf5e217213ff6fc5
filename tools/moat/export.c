// SPDX-License-Identifier: MIT
/* moat export --format oci|docker POLICY [-o OUT]: [syscalls] as a seccomp profile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "moat.h"
#include "output.h"

void moat_command_export_usage(FILE *stream)
{
	fprintf(stream,
	        "usage: moat export --format oci|docker POLICY [-o OUT]\n\n"
	        "Writes the [syscalls] section of POLICY as a seccomp profile for OCI\n"
	        "runtimes (runc, crun; Kubernetes `localhost/` profiles, Podman, Docker):\n"
	        "  --format oci     the runtime spec's linux.seccomp object (architectures)\n"
	        "  --format docker  Docker's and containers-common's profile (archMap)\n"
	        "  -o OUT           write OUT (whole or not at all) instead of stdout\n\n"
	        "Where OCI cannot say what the policy says, the profile is the nearest one\n"
	        "that is never more permissive, with a warning at the statement concerned\n"
	        "(docs/oci.md).\n\n"
	        "exit status: 0 written, 1 invalid policy or write error, 2 usage error.\n");
}

static int usage_error(const char *message)
{
	moat_command_error("export: %s", message);
	moat_command_export_usage(stderr);
	return MOAT_EXIT_USAGE;
}

int moat_command_export(int argc, char **argv)
{
	const char *format = NULL, *output = NULL;
	char *policy_path = NULL, *json = NULL;
	struct moat_error error = {0};
	enum moat_oci_format chosen;
	moat_policy *policy;
	int options = 1, status;

	for (int i = 1; i < argc; i++) {
		if (options && !strcmp(argv[i], "--"))
			options = 0;
		else if (options && !strcmp(argv[i], "--format") && i + 1 < argc)
			format = argv[++i];
		else if (options && !strncmp(argv[i], "--format=", 9))
			format = argv[i] + 9;
		else if (options && !strcmp(argv[i], "-o") && i + 1 < argc)
			output = argv[++i];
		else if (options && argv[i][0] == '-' && argv[i][1])
			return usage_error("unknown option or missing value");
		else if (policy_path)
			return usage_error("one POLICY only");
		else
			policy_path = argv[i];
	}
	if (!format || !policy_path)
		return usage_error("needs --format and a POLICY");
	if (!strcmp(format, "oci"))
		chosen = MOAT_OCI_FORMAT_OCI;
	else if (!strcmp(format, "docker"))
		chosen = MOAT_OCI_FORMAT_DOCKER;
	else
		return usage_error("--format is oci or docker");
	policy = moat_command_load_policy(&policy_path, 1);
	if (!policy)
		return 1;
	status = moat_policy_export_oci(policy, chosen, &json, moat_command_print_diagnostic, NULL,
	                                &error);
	if (status < 0)
		moat_command_print_error(&error);
	else
		status = moat_command_write_text(output, json);
	free(json);
	moat_policy_free(policy);
	return status ? 1 : 0;
}
