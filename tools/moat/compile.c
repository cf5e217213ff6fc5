// SPDX-License-Identifier: MIT
/* moat compile POLICY [--format text|bpf]: print the policy's seccomp program. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "closures.h"
#include "commands.h"
#include "moat.h"
#include "syscalls/syscalls.h"

void moat_command_compile_usage(FILE *stream)
{
	fprintf(stream,
	        "usage: moat compile POLICY [--format text|bpf] [--arch NAME] [--landlock-abi "
	        "N]\n\n"
	        "Compiles the [syscalls] section of POLICY into the seccomp-BPF program\n"
	        "moat installs on this kernel (with the rules that close what its Landlock\n"
	        "lacks), and prints it on stdout:\n"
	        "  --format text  a listing for a person: syscall number ranges and their\n"
	        "                 actions, then one line per instruction (the default)\n"
	        "  --format bpf   the raw struct sock_filter array, native endian\n"
	        "  --arch NAME       build the filter for architecture NAME (x86_64, aarch64,\n"
	        "                    riscv64) instead of this one; a syscall NAME lacks is\n"
	        "                    skipped with a warning\n"
	        "  --landlock-abi N  as on a kernel with at most Landlock ABI N\n\n"
	        "exit status: 0 printed, 1 invalid policy (or a write error), 2 usage error.\n");
}

static int write_output(const moat_filter *filter, int bpf)
{
	char *listing = NULL;
	size_t size;
	const void *data;

	if (bpf) {
		data = moat_filter_instructions(filter);
		size = moat_filter_length(filter) * 8; /* sizeof(struct sock_filter) */
	} else {
		if (moat_filter_listing(filter, &listing) < 0) {
			moat_command_error("out of memory");
			return 1;
		}
		data = listing;
		size = strlen(listing);
	}
	if ((size && fwrite(data, 1, size, stdout) != size) || fflush(stdout) == EOF) {
		moat_command_error("cannot write the program: %s", strerror(errno));
		free(listing);
		return 1;
	}
	free(listing);
	return 0;
}

int moat_command_compile(int argc, char **argv)
{
	const char *format = "text", *path = NULL, *arch_name = NULL;
	const struct moat_arch *arch = moat_arch_native();
	struct moat_landlock_closures closures;
	const struct moat_policy *closed;
	struct moat_error error = {0};
	moat_filter *filter = NULL;
	moat_policy *policy;
	int options = 1, status, abi_limit = 0;

	for (int i = 1; i < argc; i++) {
		const char *argument = argv[i];

		if (options && !strcmp(argument, "--")) {
			options = 0;
		} else if (options && !strcmp(argument, "--format") && i + 1 < argc) {
			format = argv[++i];
		} else if (options && !strncmp(argument, "--format=", 9)) {
			format = argument + 9;
		} else if (options && !strcmp(argument, "--landlock-abi") && i + 1 < argc) {
			abi_limit = atoi(argv[++i]);
		} else if (options && !strcmp(argument, "--arch") && i + 1 < argc) {
			arch_name = argv[++i];
		} else if (options && !strncmp(argument, "--arch=", 7)) {
			arch_name = argument + 7;
		} else if (options && argument[0] == '-' && argument[1]) {
			moat_command_error("compile: unknown option '%s'", argument);
			return MOAT_EXIT_USAGE;
		} else if (path) {
			moat_command_error("compile takes one policy file");
			return MOAT_EXIT_USAGE;
		} else {
			path = argument;
		}
	}
	if (strcmp(format, "text") && strcmp(format, "bpf")) {
		moat_command_error("compile: unknown format '%s' (text or bpf)", format);
		return MOAT_EXIT_USAGE;
	}
	if (arch_name && !(arch = moat_command_arch(arch_name)))
		return MOAT_EXIT_USAGE;
	if (!path) {
		moat_command_error("compile needs a policy file");
		moat_command_compile_usage(stderr);
		return MOAT_EXIT_USAGE;
	}
	policy = moat_command_load_policy_for(arch, (char **)&path, 1);
	if (!policy)
		return 1;
	closed = moat_command_close_gaps(&closures, policy, abi_limit);
	if (!closed) {
		moat_policy_free(policy);
		return 1;
	}
	if (moat_filter_compile(&filter, closed, &error) < 0) {
		moat_command_print_policy_error(&error);
		moat_landlock_closures_release(&closures);
		moat_policy_free(policy);
		return 1;
	}
	status = write_output(filter, !strcmp(format, "bpf"));
	moat_filter_free(filter);
	moat_landlock_closures_release(&closures);
	moat_policy_free(policy);
	return status;
}
