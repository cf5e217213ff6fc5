/* SPDX-License-Identifier: MIT */
/*
 * Syscall names of every architecture libseccomp knows: an OCI profile lists
 * the calls of several architectures in one list, and runc skips those the
 * running one lacks. A name in no architecture's table is a mistake.
 */
#ifndef MOAT_IMPORT_OTHER_SYSCALLS_H
#define MOAT_IMPORT_OTHER_SYSCALLS_H

#include <stdbool.h>

/* True when some architecture has a syscall called `name`. */
bool moat_import_syscall_exists_elsewhere(const char *name);

#endif /* MOAT_IMPORT_OTHER_SYSCALLS_H */
