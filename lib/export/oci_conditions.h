/* SPDX-License-Identifier: MIT */
/*
 * A conjunction of moat comparisons as OCI argument comparisons.
 *
 * OCI (runc with libseccomp) ANDs the comparisons of one rule only when each
 * compares a different argument, compares all 64 bits, and has no `&` but
 * SCMP_CMP_MASKED_EQ's. moat narrows an argument to the bits the kernel
 * reads and joins any comparisons. So the comparisons on one argument are
 * turned into alternatives, each one `arg & M == w`, by enumerating the
 * values of the bits M they look at, when M is small; an equality is
 * written as it is; an ordering of a whole 64-bit argument too. What
 * cannot be written exactly is replaced by something that matches more.
 */
#ifndef MOAT_EXPORT_OCI_CONDITIONS_H
#define MOAT_EXPORT_OCI_CONDITIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oci/names.h"
#include "policy/ir.h"

#define MOAT_OCI_ARGUMENTS        6
/* Alternatives for one argument at most (and rules for one conjunction). */
#define MOAT_OCI_MAX_ALTERNATIVES 256

struct moat_oci_arg {
	unsigned index;
	enum moat_oci_op op;
	uint64_t value;     /* SCMP_CMP_MASKED_EQ: the mask */
	uint64_t value_two; /* SCMP_CMP_MASKED_EQ: the value */
};

/* What one argument may be: any of `args`; no constraint when `count` is 0. */
struct moat_oci_choice {
	struct moat_oci_arg args[MOAT_OCI_MAX_ALTERNATIVES];
	size_t count;
};

enum moat_oci_fit {
	MOAT_OCI_EXACT, /* the choices match exactly the calls the conjunction matches */
	MOAT_OCI_WIDER, /* they match more */
	MOAT_OCI_NEVER, /* the conjunction matches no call */
};

/* Fills `choices` (one per argument) for `conjunction` of syscall `number`. */
enum moat_oci_fit moat_oci_translate(const struct moat_conjunction *conjunction, int number,
                                     struct moat_oci_choice choices[MOAT_OCI_ARGUMENTS]);

#endif /* MOAT_EXPORT_OCI_CONDITIONS_H */
