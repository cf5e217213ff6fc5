/* SPDX-License-Identifier: MIT */
/*
 * Running one system call in a forked child under a seccomp filter, and
 * reporting what the kernel did with it: returned (with errno), trapped
 * (SIGSYS handled), killed, or the filter was refused. The child sets
 * RLIMIT_CORE to 0 first (a killed child dumps no core) and needs only
 * write(2) and exit_group(2) besides the call itself.
 */
#ifndef MOAT_TESTS_FILTER_CHILD_H
#define MOAT_TESTS_FILTER_CHILD_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#include "moat.h"

enum filter_child_kind {
	FILTER_CHILD_RETURNED, /* value, error (errno when value is -1) */
	FILTER_CHILD_TRAPPED,  /* trapped_syscall, error (the filter's data) */
	FILTER_CHILD_KILLED,   /* signal */
	FILTER_CHILD_REFUSED,  /* installing the filter failed: error */
};

struct filter_child_outcome {
	enum filter_child_kind kind;
	long value;
	int error;
	int signal;
	int trapped_syscall;
};

/* Installs the filter in the child; returns 0 or a negative errno. */
typedef int filter_child_install_fn(void *context);

/* Installs a raw program (struct sock_program *) with seccomp(2), after no_new_privs. */
int filter_child_install_program(void *program);

/* Installs a moat_filter * with moat_seccomp_install(), no flags. */
int filter_child_install_filter(void *filter);

/* Forks, installs, calls syscall(number, args...). Returns 0 or -errno (fork failed). */
int filter_child_syscall(filter_child_install_fn *install, void *context, long number,
                         const uint64_t args[6], struct filter_child_outcome *outcome);

#endif /* MOAT_TESTS_FILTER_CHILD_H */
