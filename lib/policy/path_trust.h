/* SPDX-License-Identifier: MIT */
/*
 * What a policy tells moat_safe_path_open() (util/safe_path.h) about the
 * symlinks on its own paths: where the sandbox may write, so that a stage
 * opening a policy path (a broker grant, a Landlock rule, a bind source)
 * never follows a symlink the sandbox could have planted in an earlier run,
 * and which filesystems a new root makes afresh.
 *
 * A right counts as writing when it can change a directory or a file in it:
 * write-file, truncate, refer and every make-* and remove-* right.
 */
#ifndef MOAT_POLICY_PATH_TRUST_H
#define MOAT_POLICY_PATH_TRUST_H

#include "policy/ir.h"
#include "util/arena.h"
#include "util/safe_path.h"

enum moat_trust_view {
	/*
	 * The host, as the process that starts the sandbox sees it. Writable:
	 * with a new root the `rw` bind sources, else the [filesystem] paths
	 * with a writing right; in both cases the `open write` grants. Without
	 * [filesystem] or a new root nothing but its uid confines the
	 * sandbox's writes: one running as root could rewrite the host in the
	 * same run, and an unprivileged one cannot write a directory
	 * moat_safe_path_open() trusts (root's, not group or other-writable).
	 * Nothing on the host is fresh.
	 */
	MOAT_TRUST_HOST,
	/*
	 * Inside the new root, before the sandbox starts. Writable: the
	 * [filesystem] paths with a writing right. Fresh: the new root itself
	 * and every `tmpfs`, `dev` and `proc` entry, unless a bind covers it.
	 */
	MOAT_TRUST_NEW_ROOT,
};

/* Fills `trust`, its lists allocated in `arena` (the paths are the policy's). */
int moat_policy_path_trust(const struct moat_policy *policy, enum moat_trust_view view,
                           struct moat_arena *arena, struct moat_path_trust *trust);

#endif /* MOAT_POLICY_PATH_TRUST_H */
