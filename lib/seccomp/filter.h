/* SPDX-License-Identifier: MIT */
/*
 * The compiled seccomp filter behind the public moat_filter handle, for the
 * library's own entry points (moat_enter, moat_spawn) and the installer.
 */
#ifndef MOAT_SECCOMP_FILTER_H
#define MOAT_SECCOMP_FILTER_H

#include <stdbool.h>

#include "moat.h"
#include "seccomp/codegen.h"

struct moat_filter {
	bool present;        /* the policy has a [syscalls] section; otherwise no filter */
	bool wants_listener; /* the program can return SECCOMP_RET_USER_NOTIF */
	struct moat_seccomp_program program;
	/*
	 * What the program's statements may point into besides the policy
	 * (moat_filter_compile_for_kernel()'s closures), released with it.
	 */
	void *owned;
	void (*release_owned)(void *owned);
};

#endif /* MOAT_SECCOMP_FILTER_H */
