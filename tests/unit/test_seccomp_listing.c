// SPDX-License-Identifier: MIT
/*
 * The text listing of `moat compile`: what a person auditing a filter reads.
 * Every instruction is listed once, with labels on jump targets, syscall
 * names, symbolic actions and the policy lines the rules come from.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moat.h"

static const char policy_text[] = "moat 1\n"
                                  "[syscalls]\n"
                                  "default errno EPERM\n"
                                  "allow read write close\n"
                                  "allow openat if arg2 & O_ACCMODE == O_RDONLY\n"
                                  "errno EACCES openat\n"
                                  "kill ptrace\n"
                                  "notify connect\n"
                                  "trap uname\n";

static char *listing_of(const char *text, size_t *length)
{
	struct moat_error error = {0};
	moat_policy *policy = NULL;
	moat_filter *filter = NULL;
	char *listing = NULL;

	if (moat_policy_load_string(&policy, "listing.policy", text, strlen(text), NULL, &error) <
	    0)
		fail_msg("%s:%u:%u: %s", error.file, error.line, error.column, error.message);
	assert_int_equal(moat_filter_compile(&filter, policy, &error), 0);
	assert_int_equal(moat_filter_listing(filter, &listing), 0);
	*length = moat_filter_length(filter);
	moat_filter_free(filter);
	moat_policy_free(policy);
	return listing;
}

/* Lines that are not `;` comments: one per instruction. */
static size_t instruction_lines(const char *text)
{
	size_t count = 0;

	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');

		count += *line != ';';
		if (!end)
			break;
		line = end + 1;
	}
	return count;
}

static void test_listing_names_everything(void **state)
{
	size_t length;
	char *listing = listing_of(policy_text, &length);

	(void)state;
	/* the header: architecture, length, the ranges of numbers */
	assert_non_null(strstr(listing, "; moat seccomp filter for x86_64:"));
	assert_non_null(strstr(listing, "read .. write"));
	assert_non_null(strstr(listing, "rules at openat"));
	assert_non_null(strstr(listing, "(x32 ABI and beyond)"));
	/* one line per instruction, symbolic */
	assert_int_equal(instruction_lines(listing), length);
	assert_non_null(strstr(listing, "ld   arch"));
	assert_non_null(strstr(listing, "jeq  AUDIT_ARCH_X86_64 ?"));
	assert_non_null(strstr(listing, "i386 through int 0x80"));
	assert_non_null(strstr(listing, "ld   nr"));
	assert_non_null(strstr(listing, "(ptrace)"));
	assert_non_null(strstr(listing, "openat: ld   arg2.lo  ; rule at listing.policy:5:"));
	assert_non_null(strstr(listing, "ret  errno EACCES"));
	assert_non_null(strstr(listing, "ret  errno EPERM"));
	assert_non_null(strstr(listing, "ret  notify"));
	assert_non_null(strstr(listing, "ret  trap"));
	assert_non_null(strstr(listing, "ret  allow"));
	assert_non_null(strstr(listing, "ret  kill"));
	free(listing);
}

/* Every label that a jump names is defined on exactly one line. */
static void test_labels_are_defined(void **state)
{
	size_t length;
	char *listing = listing_of(policy_text, &length);
	const char *at = listing;

	(void)state;
	while ((at = strstr(at, "? "))) {
		char target[64], definition[80];

		assert_int_equal(sscanf(at, "? %63s", target), 1);
		snprintf(definition, sizeof(definition), " %s:", target);
		assert_non_null(strstr(listing, definition));
		at += 2;
	}
	free(listing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_listing_names_everything),
	        cmocka_unit_test(test_labels_are_defined),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
