// SPDX-License-Identifier: MIT
/*
 * pledge: a program that sandboxes itself once it has opened what it needs,
 * as OpenBSD's pledge(2) would. It opens its input, enters a policy that
 * keeps only computing and the descriptors it holds, then parses. An
 * attack on the parser can no longer open files, run programs or reach the
 * network.
 *
 *   cc pledge.c $(pkg-config --cflags --libs moat) -o pledge
 *   ./pledge /etc/passwd
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <moat.h>

static const char policy_text[] = "moat 1\n"
                                  "[syscalls]\n"
                                  "default kill\n"
                                  "allow @stdio\n"
                                  "errno EACCES openat\n"
                                  "kill @default-deny\n";

int main(int argc, char **argv)
{
	struct moat_error error;
	moat_policy *policy;
	char buffer[4096];
	unsigned long lines = 0;
	ssize_t count;
	int input;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	input = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (input < 0) {
		perror(argv[1]);
		return 1;
	}
	if (moat_policy_load_string(&policy, "pledge.policy", policy_text, strlen(policy_text),
	                            NULL, &error) < 0 ||
	    moat_enter(policy, NULL, NULL, &error) < 0) {
		fprintf(stderr, "pledge: %s\n", error.message);
		return 1;
	}
	moat_policy_free(policy);
	/* From here on, only what the policy allows. */
	while ((count = read(input, buffer, sizeof(buffer))) > 0) {
		for (ssize_t i = 0; i < count; i++)
			lines += buffer[i] == '\n';
	}
	printf("%lu lines\n", lines);
	if (open("/etc/hostname", O_RDONLY) < 0)
		perror("after entering the sandbox, opening /etc/hostname");
	return 0;
}
