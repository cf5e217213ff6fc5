/* SPDX-License-Identifier: MIT */
/*
 * The text listing of a generated program, for a person auditing the filter:
 * a table of syscall number ranges and their outcomes, then one line per
 * instruction with labels, syscall names and symbolic actions.
 * docs/seccomp.md describes the format.
 */
#ifndef MOAT_SECCOMP_LISTING_H
#define MOAT_SECCOMP_LISTING_H

#include "seccomp/codegen.h"

/* Sets `*text` to a malloc'd listing of `program`; 0 or -ENOMEM. */
int moat_seccomp_listing(const struct moat_seccomp_program *program, char **text);

#endif /* MOAT_SECCOMP_LISTING_H */
