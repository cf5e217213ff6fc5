/* SPDX-License-Identifier: MIT */
/* The command's view of the kernel's Landlock and the closures of what it lacks. */
#ifndef MOAT_COMMAND_CLOSURES_H
#define MOAT_COMMAND_CLOSURES_H

#include "landlock/closures.h"
#include "landlock/landlock.h"

/* The running kernel's Landlock, at most ABI `abi_limit` (0: as it is); -1 after an error line. */
int moat_command_kernel_features(struct moat_landlock_features *features, int abi_limit);

/*
 * `policy` with the closures for this kernel (at most ABI `abi_limit`), as
 * moat run compiles it; valid until `closures` is released. NULL after
 * printing an error.
 */
const struct moat_policy *moat_command_close_gaps(struct moat_landlock_closures *closures,
                                                  const struct moat_policy *policy, int abi_limit);

#endif /* MOAT_COMMAND_CLOSURES_H */
