/* SPDX-License-Identifier: MIT */
/*
 * The names of the [filesystem] rights (`allow read-file,ioctl-dev`), one
 * table for the resolver that reads them and the printer that writes them.
 */
#ifndef MOAT_POLICY_FS_RIGHTS_H
#define MOAT_POLICY_FS_RIGHTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The MOAT_FS_* bits `name` (of `length` bytes) stands for: a single right,
 * or one of the shorthands `read`, `write`, `exec`. False when unknown.
 */
bool moat_policy_fs_right_by_name(const char *name, size_t length, uint64_t *access);

/* The name of the single right `right` (one MOAT_FS_* bit), or NULL. */
const char *moat_policy_fs_right_name(uint64_t right);

#endif /* MOAT_POLICY_FS_RIGHTS_H */
