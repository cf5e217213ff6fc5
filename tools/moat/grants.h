/* SPDX-License-Identifier: MIT */
/*
 * The grants `moat run` takes on its command line (--read, --write, --exec,
 * --connect), turned into the text of a last policy layer.
 */
#ifndef MOAT_TOOL_GRANTS_H
#define MOAT_TOOL_GRANTS_H

#include <stddef.h>

#define MOAT_GRANTS_MAX 256

struct moat_command_grants {
	const char *statements[MOAT_GRANTS_MAX]; /* "read", "write", "exec" or "connect tcp" */
	char *values[MOAT_GRANTS_MAX];           /* an absolute path, or a port */
	size_t count;
};

/* 1 when `option` is one of the grant options. */
int moat_command_is_grant_option(const char *option);

/*
 * Adds the grant of `option` with `value`; a relative path is taken from
 * the working directory. Returns 0, or -1 after printing why the value is
 * not a grant.
 */
int moat_command_grants_add(struct moat_command_grants *grants, const char *option,
                            const char *value);

/*
 * The policy text that holds the grants (malloc'd, `*length` bytes), or
 * NULL when there are none or memory ran out.
 */
char *moat_command_grants_text(const struct moat_command_grants *grants, size_t *length);

void moat_command_grants_free(struct moat_command_grants *grants);

#endif /* MOAT_TOOL_GRANTS_H */
