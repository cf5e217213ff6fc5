/* SPDX-License-Identifier: MIT */
/*
 * Installing a compiled filter on the calling process. Safe to call in a
 * child between fork and exec: no allocation, no stdio, no locks; only
 * prctl(2), seccomp(2) and the filling of `error` with util/message.h.
 */
#ifndef MOAT_SECCOMP_INSTALL_H
#define MOAT_SECCOMP_INSTALL_H

#include "moat.h"

enum {
	/* Install on every thread of the process (SECCOMP_FILTER_FLAG_TSYNC). */
	MOAT_SECCOMP_TSYNC = 1U << 0,
	/* Ask for a user-notify listener fd (SECCOMP_FILTER_FLAG_NEW_LISTENER). */
	MOAT_SECCOMP_LISTENER = 1U << 1,
};

/*
 * Sets no_new_privs, then installs `filter` with seccomp(2). With
 * MOAT_SECCOMP_LISTENER, `*listener_fd` receives the notification fd (close
 * on exec); otherwise it is set to -1 when not NULL. A filter compiled from a
 * policy without [syscalls] installs nothing (no_new_privs is still set).
 *
 * Errors: -ESRCH when a thread cannot be synchronised (the message names it
 * when the kernel says which: TSYNC without a listener), -EBUSY when the
 * process already has a filter with a listener, -EINVAL when the kernel does
 * not know a flag, or the errno of prctl(2)/seccomp(2).
 */
int moat_seccomp_install(const moat_filter *filter, unsigned flags, int *listener_fd,
                         struct moat_error *error);

#endif /* MOAT_SECCOMP_INSTALL_H */
