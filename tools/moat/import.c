// SPDX-License-Identifier: MIT
/* moat import FILE.json [-o OUT] [--caps LIST]: a seccomp profile as a moat policy. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "commands.h"
#include "moat.h"
#include "output.h"

void moat_command_import_usage(FILE *stream)
{
	fprintf(stream,
	        "usage: moat import FILE.json [-o OUT] [--caps CAP,...] [--kernel RELEASE]\n\n"
	        "Reads an OCI or Docker seccomp profile (a Docker profile, a linux.seccomp\n"
	        "object or a whole config.json) and writes the moat policy that decides\n"
	        "every call of this architecture as runc with libseccomp does:\n"
	        "  -o OUT           write OUT (whole or not at all) instead of stdout\n"
	        "  --caps LIST      the container's capabilities, for the profile's\n"
	        "                   includes/excludes (default: Docker's default set;\n"
	        "                   `none` for no capability)\n"
	        "  --kernel RELEASE the kernel minKernel is compared with (default: this one)\n\n"
	        "Errors name FILE:LINE:COL and the JSON path; nothing is written then.\n\n"
	        "exit status: 0 written, 1 invalid profile or write error, 2 usage error.\n");
}

static int usage_error(const char *message)
{
	moat_command_error("import: %s", message);
	moat_command_import_usage(stderr);
	return MOAT_EXIT_USAGE;
}

static char *read_file(const char *path, size_t *length)
{
	FILE *stream = fopen(path, "r");
	char *text = NULL;
	size_t capacity = 0;

	*length = 0;
	if (!stream)
		return NULL;
	for (;;) {
		char *grown;

		if (*length + 4096 + 1 > capacity) {
			capacity = 2 * capacity + 4096 + 1;
			grown = realloc(text, capacity);
			if (!grown)
				break;
			text = grown;
		}
		size_t got = fread(text + *length, 1, capacity - *length - 1, stream);

		*length += got;
		if (got == 0) {
			if (ferror(stream))
				break;
			text[*length] = '\0';
			fclose(stream);
			return text;
		}
	}
	fclose(stream);
	free(text);
	return NULL;
}

int moat_command_import(int argc, char **argv)
{
	const char *output = NULL, *input = NULL;
	struct moat_oci_import_options options = {.version = MOAT_OCI_IMPORT_OPTIONS_VERSION,
	                                          .diagnostics = moat_command_print_diagnostic};
	struct moat_error error = {0};
	struct utsname system;
	char *json, *policy = NULL;
	size_t length;
	int parsing = 1, status;

	for (int i = 1; i < argc; i++) {
		if (parsing && !strcmp(argv[i], "--"))
			parsing = 0;
		else if (parsing && !strcmp(argv[i], "-o") && i + 1 < argc)
			output = argv[++i];
		else if (parsing && !strcmp(argv[i], "--caps") && i + 1 < argc)
			options.capabilities = strcmp(argv[++i], "none") ? argv[i] : "";
		else if (parsing && !strcmp(argv[i], "--kernel") && i + 1 < argc)
			options.kernel_release = argv[++i];
		else if (parsing && argv[i][0] == '-' && argv[i][1])
			return usage_error("unknown option or missing value");
		else if (input)
			return usage_error("one FILE.json only");
		else
			input = argv[i];
	}
	if (!input)
		return usage_error("needs FILE.json");
	if (!options.kernel_release && uname(&system) == 0)
		options.kernel_release = system.release;
	json = read_file(input, &length);
	if (!json) {
		moat_command_error("cannot read %s: %s", input, strerror(errno));
		return 1;
	}
	status = moat_policy_import_oci(json, length, input, &options, &policy, &error);
	if (status < 0)
		moat_command_print_error(&error);
	else
		status = moat_command_write_text(output, policy);
	free(policy);
	free(json);
	return status ? 1 : 0;
}
