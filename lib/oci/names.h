/* SPDX-License-Identifier: MIT */
/*
 * The words of OCI and Docker seccomp profiles (the runtime spec's
 * linux.seccomp, runc's and containers-common's readers) that moat export
 * writes and moat import reads.
 */
#ifndef MOAT_OCI_NAMES_H
#define MOAT_OCI_NAMES_H

#include <stdbool.h>

#include "moat.h"

/* libseccomp's comparison operators (SCMP_CMP_*). */
enum moat_oci_op {
	MOAT_OCI_NE,
	MOAT_OCI_LT,
	MOAT_OCI_LE,
	MOAT_OCI_EQ,
	MOAT_OCI_GE,
	MOAT_OCI_GT,
	MOAT_OCI_MASKED_EQ,
};

/* "SCMP_CMP_EQ" for MOAT_OCI_EQ, ... */
const char *moat_oci_op_name(enum moat_oci_op op);

/* The operator called `name`; false for a name libseccomp does not have. */
bool moat_oci_op_find(const char *name, enum moat_oci_op *op);

/* "SCMP_ACT_ALLOW" for an action kind (KILL_PROCESS: "SCMP_ACT_KILL_PROCESS"). */
const char *moat_oci_action_name(enum moat_action_kind kind);

/*
 * The action called `name` (SCMP_ACT_KILL is libseccomp's kill-thread).
 * `*traced` is set for SCMP_ACT_TRACE, which moat has no tracer for: it is
 * returned as ERRNO ENOSYS, what the kernel answers when no tracer is
 * attached. False for an unknown name.
 */
bool moat_oci_action_find(const char *name, enum moat_action_kind *kind, bool *traced);

/* The native architecture as libseccomp names it: "SCMP_ARCH_X86_64". */
const char *moat_oci_native_arch(void);

/* The native architecture as Go names it in `includes.arches`: "amd64". */
const char *moat_oci_native_goarch(void);

#endif /* MOAT_OCI_NAMES_H */
