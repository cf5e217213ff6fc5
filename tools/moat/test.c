// SPDX-License-Identifier: MIT
/*
 * moat test TESTFILE...: runs the expectations of each file against the
 * policy it names, with the decisions of the library (moat_decide_*()):
 * nothing is run in a sandbox.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "moat.h"
#include "test_file.h"

/* Exit statuses of `moat test` (cli.md). */
enum {
	TEST_PASSED = 0,
	TEST_FAILED = 1,
	TEST_INVALID = 2,
};

struct tally {
	unsigned passed;
	unsigned failed;
	bool invalid;
};

void moat_command_test_usage(FILE *stream)
{
	fprintf(stream,
	        "usage: moat test TESTFILE...\n\n"
	        "Checks what policies decide against the expectations in each TESTFILE:\n\n"
	        "  moat-test 1\n"
	        "  policy \"app.policy\"                  # relative to TESTFILE; several merge\n"
	        "  syscall socket AF_INET SOCK_STREAM 0 -> errno EACCES\n"
	        "  read /etc/hostname -> allow          # read, write, exec or right names\n"
	        "  connect tcp 443 -> allow             # connect or bind tcp PORT\n\n"
	        "A syscall is decided as `moat eval` decides it; a path or port as the\n"
	        "policy's [filesystem] and [network] would on this machine. Prints one line\n"
	        "per failed expectation, FILE:LINE: FAIL: ... expected X, got Y (by\n"
	        "POLICYFILE:LINE:COL), then `N passed, M failed`.\n\n"
	        "exit status: 0 all passed, 1 some failed, 2 usage error or an invalid test\n"
	        "file or policy.\n");
}

static void verdict_text(const struct moat_decision *decision, char *buffer, size_t size)
{
	snprintf(buffer, size, "%s", decision->allowed ? "allow" : "deny");
}

/* `(by FILE:LINE:COL)`, or `(by moat: WHAT)` when no statement of a file decided. */
static void print_failure(const struct moat_test_file *file, const struct moat_expectation *e,
                          const char *expected, const char *got,
                          const struct moat_decision *decision)
{
	printf("%s:%u: FAIL: %s: expected %s, got %s ", file->name, e->line, e->subject, expected,
	       got);
	if (decision->location.line == 0)
		printf("(by moat: %s)\n", decision->statement);
	else
		printf("(by %s:%u:%u)\n", decision->location.file ? decision->location.file : "",
		       decision->location.line, decision->location.column);
}

/* Decides one expectation; -1 for an expectation that cannot be decided. */
static int decide(const moat_policy *policy, const moat_filter *filter,
                  const struct moat_expectation *e, struct moat_decision *decision,
                  struct moat_error *error)
{
	switch (e->kind) {
	case MOAT_EXPECT_SYSCALL:
		return moat_decide_syscall(filter, e->syscall, e->args, decision);
	case MOAT_EXPECT_PATH:
		return moat_decide_path(policy, e->path, e->access, decision, error);
	case MOAT_EXPECT_PORT:
		return moat_decide_port(policy, e->port_access, e->port, decision, error);
	}
	return -EINVAL;
}

static void check(const struct moat_test_file *file, const moat_policy *policy,
                  const moat_filter *filter, const struct moat_expectation *e, struct tally *tally)
{
	struct moat_error error = {0};
	struct moat_decision decision;
	char expected[64], got[64];

	if (decide(policy, filter, e, &decision, &error) < 0) {
		fprintf(stderr, "%s:%u:%u: error: %s\n", file->name, e->line, e->column,
		        error.message[0] ? error.message : strerror(-error.code));
		tally->invalid = true;
		return;
	}
	if (e->kind == MOAT_EXPECT_SYSCALL) {
		moat_command_action_text(&e->action, expected, sizeof(expected));
		moat_command_action_text(&decision.action, got, sizeof(got));
	} else {
		snprintf(expected, sizeof(expected), "%s", e->allow ? "allow" : "deny");
		verdict_text(&decision, got, sizeof(got));
	}
	if (!strcmp(expected, got)) {
		tally->passed++;
		return;
	}
	tally->failed++;
	print_failure(file, e, expected, got, &decision);
}

static void run_file(const char *path, struct tally *tally)
{
	struct moat_test_file file;
	struct moat_error error = {0};
	moat_filter *filter = NULL;
	moat_policy *policy = NULL;

	if (moat_test_file_read(&file, path) < 0) {
		tally->invalid = true;
		moat_test_file_release(&file);
		return;
	}
	policy = moat_command_load_policy(file.policies, file.policy_count);
	if (!policy) {
		tally->invalid = true;
	} else if (moat_filter_compile(&filter, policy, &error) < 0) {
		fprintf(stderr, "%s:%u:%u: error: %s\n", error.file, error.line, error.column,
		        error.message);
		tally->invalid = true;
	} else {
		for (size_t i = 0; i < file.count; i++)
			check(&file, policy, filter, &file.expectations[i], tally);
	}
	moat_filter_free(filter);
	moat_policy_free(policy);
	moat_test_file_release(&file);
}

int moat_command_test(int argc, char **argv)
{
	struct tally tally = {0};
	int first = argc > 1 && !strcmp(argv[1], "--") ? 2 : 1;

	if (argc - first < 1) {
		moat_command_error("test needs at least one TESTFILE");
		moat_command_test_usage(stderr);
		return MOAT_EXIT_USAGE;
	}
	for (int i = first; i < argc; i++)
		run_file(argv[i], &tally);
	printf("%u passed, %u failed\n", tally.passed, tally.failed);
	if (tally.invalid)
		return TEST_INVALID;
	return tally.failed ? TEST_FAILED : TEST_PASSED;
}
