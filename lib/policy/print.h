/* SPDX-License-Identifier: MIT */
/*
 * IR to policy text: the one printer, for `moat learn` and any other tool
 * that builds a policy and has to write it out (an importer of another
 * sandbox's profile). It writes the sections it is given in the policy
 * language, with constant names where one fits, so that loading the text
 * gives back the same IR. It writes to a stream the caller opened; it
 * prints nothing of its own.
 */
#ifndef MOAT_POLICY_PRINT_H
#define MOAT_POLICY_PRINT_H

#include <stdio.h>

#include "policy/ir.h"

struct moat_print_document {
	const char *const *header_comments; /* `# ...` lines after `moat 1` */
	size_t header_comment_count;
	const char *const *includes; /* names, or paths (written quoted) */
	size_t include_count;
	/* [syscalls]: omitted when NULL or not present. */
	const struct moat_syscalls_section *syscalls;
	/* Statements written as they are after `default` (`kill @default-deny`). */
	const char *const *syscall_statements;
	size_t syscall_statement_count;
	/* NULL, or one comment (or NULL) per entry of syscalls->syscalls. */
	const char *const *syscall_comments;
	const struct moat_filesystem_section *filesystem;
	const struct moat_network_section *network;
};

/* Writes `document` to `out`; returns 0 or -EIO when the stream failed. */
int moat_policy_print(FILE *out, const struct moat_print_document *document);

/*
 * Writes `value` of argument `arg` of syscall `name` as the policy language
 * can read it back: a constant name where exactly one family fits (AF_INET
 * for socket's arg0, TCGETS for ioctl's arg1), else hex. Returns snprintf's
 * result.
 */
int moat_policy_print_value(char *buffer, size_t size, const char *name, unsigned arg,
                            uint64_t value);

#endif /* MOAT_POLICY_PRINT_H */
