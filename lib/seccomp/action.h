/* SPDX-License-Identifier: MIT */
/*
 * Policy actions and the 32-bit values a seccomp filter returns for them.
 */
#ifndef MOAT_SECCOMP_ACTION_H
#define MOAT_SECCOMP_ACTION_H

#include <stdint.h>

#include "moat.h"

/* The largest errno a filter can return; the kernel caps larger data to it. */
#define MOAT_SECCOMP_MAX_ERRNO 4095

/* SECCOMP_RET_* for `action`; the errno must already be in 0..4095. */
uint32_t moat_seccomp_return_value(const struct moat_action *action);

/*
 * What the kernel does with a filter's return value, as a moat action: an
 * unknown action kills the process, ERRNO data above 4095 is capped, and
 * SECCOMP_RET_TRACE without a tracer fails with ENOSYS, as the kernel does.
 */
void moat_seccomp_decode(uint32_t value, struct moat_action *action);

/* The policy keyword of an action kind: "allow", "kill", "errno", ... */
const char *moat_seccomp_action_keyword(enum moat_action_kind kind);

#endif /* MOAT_SECCOMP_ACTION_H */
