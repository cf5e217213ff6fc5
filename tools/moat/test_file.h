/* SPDX-License-Identifier: MIT */
/*
 * A `moat test` file (docs/authoring.md): `moat-test 1`, `policy` lines and
 * expectations, one a line, `#` comments. Read whole before anything runs;
 * every error is printed as `FILE:LINE:COL: error: MESSAGE`.
 */
#ifndef MOAT_TOOL_TEST_FILE_H
#define MOAT_TOOL_TEST_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "moat.h"

enum moat_expectation_kind {
	MOAT_EXPECT_SYSCALL,
	MOAT_EXPECT_PATH,
	MOAT_EXPECT_PORT,
};

struct moat_expectation {
	enum moat_expectation_kind kind;
	unsigned line;
	unsigned column; /* of the first word */
	char *subject;   /* the left side as written, for messages */
	int syscall;     /* SYSCALL: number and arguments */
	uint64_t args[6];
	struct moat_action action; /* SYSCALL: the expected action */
	char *access;              /* PATH: `read`, `write`, `exec` or right names */
	char *path;
	enum moat_port_access port_access; /* PORT */
	unsigned port;
	bool allow; /* PATH, PORT: the expected verdict */
};

struct moat_test_file {
	const char *name;
	char **policies; /* paths, in the order written */
	size_t policy_count;
	struct moat_expectation *expectations;
	size_t count;
};

/* Reads `path`; 0, or -1 after printing its errors. */
int moat_test_file_read(struct moat_test_file *file, const char *path);

void moat_test_file_release(struct moat_test_file *file);

#endif /* MOAT_TOOL_TEST_FILE_H */
