// SPDX-License-Identifier: MIT
/* The vocabulary of OCI seccomp profiles. */
#include "oci/names.h"

#include <string.h>

static const char *const op_names[] = {
        [MOAT_OCI_NE] = "SCMP_CMP_NE",
        [MOAT_OCI_LT] = "SCMP_CMP_LT",
        [MOAT_OCI_LE] = "SCMP_CMP_LE",
        [MOAT_OCI_EQ] = "SCMP_CMP_EQ",
        [MOAT_OCI_GE] = "SCMP_CMP_GE",
        [MOAT_OCI_GT] = "SCMP_CMP_GT",
        [MOAT_OCI_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

const char *moat_oci_op_name(enum moat_oci_op op)
{
	return op_names[op];
}

bool moat_oci_op_find(const char *name, enum moat_oci_op *op)
{
	for (size_t i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++) {
		if (!strcmp(op_names[i], name)) {
			*op = (enum moat_oci_op)i;
			return true;
		}
	}
	return false;
}

static const char *const action_names[] = {
        [MOAT_ACTION_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
        [MOAT_ACTION_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
        [MOAT_ACTION_TRAP] = "SCMP_ACT_TRAP",
        [MOAT_ACTION_ERRNO] = "SCMP_ACT_ERRNO",
        [MOAT_ACTION_NOTIFY] = "SCMP_ACT_NOTIFY",
        [MOAT_ACTION_LOG] = "SCMP_ACT_LOG",
        [MOAT_ACTION_ALLOW] = "SCMP_ACT_ALLOW",
};

const char *moat_oci_action_name(enum moat_action_kind kind)
{
	return action_names[kind];
}

bool moat_oci_action_find(const char *name, enum moat_action_kind *kind, bool *traced)
{
	*traced = false;
	if (!strcmp(name, "SCMP_ACT_KILL")) {
		*kind = MOAT_ACTION_KILL_THREAD;
		return true;
	}
	if (!strcmp(name, "SCMP_ACT_TRACE")) {
		*kind = MOAT_ACTION_ERRNO;
		*traced = true;
		return true;
	}
	for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
		if (!strcmp(action_names[i], name)) {
			*kind = (enum moat_action_kind)i;
			return true;
		}
	}
	return false;
}

const char *moat_oci_native_arch(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	return "SCMP_ARCH_X86_64";
#elif defined(__aarch64__)
	return "SCMP_ARCH_AARCH64";
#elif defined(__riscv) && __riscv_xlen == 64
	return "SCMP_ARCH_RISCV64";
#else
#error "moat_oci_native_arch: name this architecture"
#endif
}

const char *moat_oci_native_goarch(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	return "amd64";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#else
#error "moat_oci_native_goarch: name this architecture"
#endif
}
