/* SPDX-License-Identifier: MIT */
/*
 * Where a policy lets its sandbox write, as a list of paths: what the
 * stages that open policy paths (broker grants, Landlock rules, bind
 * sources) pass to moat_safe_path_open() so that they never follow a
 * symlink the sandbox could have planted in an earlier run.
 *
 * A right counts as writing when it can change a directory or a file in it:
 * write-file, truncate, refer and every make-* and remove-* right.
 */
#ifndef MOAT_POLICY_WRITABLE_H
#define MOAT_POLICY_WRITABLE_H

#include "policy/ir.h"
#include "util/arena.h"
#include "util/safe_path.h"

enum moat_writable_view {
	/*
	 * The host, as the process that starts the sandbox sees it: with a
	 * new root, the `rw` bind sources; else the [filesystem] paths with a
	 * writing right; and in both cases the `open write` grants. Without
	 * [filesystem] or a new root nothing but its uid confines the
	 * sandbox's writes: one running as root could rewrite the host in the
	 * same run, and an unprivileged one cannot write a directory
	 * moat_safe_path_open() trusts (root's, not group or other-writable).
	 */
	MOAT_WRITABLE_HOST,
	/* Inside the new root: the [filesystem] paths with a writing right. */
	MOAT_WRITABLE_NEW_ROOT,
};

/* Fills `writable`, its list allocated in `arena` (the paths are the policy's). */
int moat_policy_writable(const struct moat_policy *policy, enum moat_writable_view view,
                         struct moat_arena *arena, struct moat_writable *writable);

#endif /* MOAT_POLICY_WRITABLE_H */
