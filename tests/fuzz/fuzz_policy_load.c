// SPDX-License-Identifier: MIT
/*
 * Fuzzes the policy loader: the input is a policy text, loaded with
 * moat_policy_load_string() from a directory of the fuzzer's own, whose
 * policies `include NAME` and `include "FILE"` reach (one includes itself,
 * one goes deep, one has an error), with a fixed environment for ${NAME}.
 * A loaded policy must compile into a filter the kernel's checks accept,
 * or fail with a message; a refused text must come with a message.
 */
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "moat.h"
#include "seccomp/interpreter.h"

/* The policies the input can include; the directory is made once per run. */
static const struct {
	const char *name;
	const char *text;
} included[] = {
        {"base.policy", "moat 1\n[syscalls]\ndefault kill\nallow @stdio\n"},
        {"net.policy", "moat 1\n[network]\nconnect tcp:443\n[syscalls]\nallow socket connect\n"},
        {"cycle.policy", "moat 1\ninclude cycle\n"},
        {"deep.policy", "moat 1\ninclude deeper\n"},
        {"deeper.policy", "moat 1\ninclude \"local.policy\"\ninclude base\n"},
        {"local.policy", "moat 1\n[filesystem]\nread ${HOME}/data ?/nonexistent\n"},
        {"broken.policy", "moat 1\n[syscalls]\nallow no_such_call\n"},
        {"broker.policy", "moat 1\n[broker]\nopen read ${HOME}\n"},
};

static const char *const environment[] = {"HOME=/tmp", "USER=fuzz", "EMPTY=", NULL};

static char directory[] = "/tmp/moat-fuzz-policy.XXXXXX";
static char main_name[sizeof(directory) + 32];

static int remove_entry(const char *path, const struct stat *status, int flag, struct FTW *walk)
{
	(void)status, (void)flag, (void)walk;
	return remove(path);
}

static void remove_directory(void)
{
	nftw(directory, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *name, const char *text)
{
	char path[sizeof(directory) + 64];
	FILE *file;

	snprintf(path, sizeof(path), "%s/%s", directory, name);
	file = fopen(path, "w");
	if (!file || fputs(text, file) < 0 || fclose(file) != 0) {
		perror(path);
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if (!mkdtemp(directory)) {
		perror("mkdtemp");
		abort();
	}
	atexit(remove_directory);
	for (size_t i = 0; i < sizeof(included) / sizeof(included[0]); i++)
		write_file(included[i].name, included[i].text);
	snprintf(main_name, sizeof(main_name), "%s/input.policy", directory);
	return 0;
}

static void check_loaded(const moat_policy *policy)
{
	struct moat_error error = {0};
	moat_filter *filter = NULL;
	int result = moat_filter_compile(&filter, policy, &error);

	if (result == 0) {
		/* Length 0: no [syscalls] section, nothing to install. */
		if (moat_filter_length(filter) != 0 &&
		    moat_bpf_check(moat_filter_instructions(filter), moat_filter_length(filter)) !=
		            0)
			abort(); /* the generator made a program the kernel would refuse */
		moat_filter_free(filter);
	} else if (!error.message[0]) {
		abort(); /* a compile error must say what */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct moat_load_options options = {.version = MOAT_LOAD_OPTIONS_VERSION,
	                                    .policy_path = directory,
	                                    .environment = environment};
	struct moat_error error = {0};
	moat_policy *policy = NULL;
	int result = moat_policy_load_string(&policy, main_name, (const char *)data, size, &options,
	                                     &error);

	if (result == 0) {
		check_loaded(policy);
		moat_policy_free(policy);
	} else if (result >= 0 || !error.message[0] || policy) {
		abort(); /* a refusal is a negative errno with a message and no policy */
	}
	return 0;
}
