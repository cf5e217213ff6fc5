/* SPDX-License-Identifier: MIT */
/*
 * Opening a path that a policy names (a broker grant, a Landlock rule, a
 * bind source, a granted unix socket) so that a sandbox cannot redirect it
 * between runs.
 *
 * A sandbox that may write the directory holding a granted path can replace
 * it with a symlink to `/`; a later run that opens the path by name would
 * then grant the whole host. So the path is walked one component at a time
 * (openat with O_PATH | O_NOFOLLOW), and a symlink met on the way, the last
 * component included, is followed only when no sandbox can have planted it:
 *
 *   - the directory holding it is owned by root and writable by neither
 *     group nor others (no unprivileged sandbox, and no other user, could
 *     have written it), and
 *   - that directory is not at or below a directory the policy lets the
 *     sandbox write (so a sandbox running as root could not have either).
 *
 * A symlink on a filesystem made for this run alone (the new root's tmpfs,
 * a `tmpfs`, `dev` or `proc` entry; by device number) is followed as well:
 * moat itself made it from the policy before the sandbox started, and no
 * earlier run can have touched it. That is what lets a new root's
 * `symlink usr/lib /lib` work in a user namespace, where the tmpfs belongs
 * to the caller's uid.
 *
 * A path that goes through no symlink at all (the usual case) is opened by
 * one openat2(RESOLVE_NO_SYMLINKS), which fails at the first symlink; only
 * then, or on a kernel without openat2, is the path walked as above.
 *
 * "At or below" is decided by device and inode, walking up from the
 * holding directory with "..": a name can differ from namespace to
 * namespace and a directory can be bound at several places, its identity
 * cannot. The writable directories are opened by name, following symlinks,
 * when a symlink is met (rarely), so the check needs no allocation.
 *
 * Async-signal-safe (system calls and string copies only): Landlock opens
 * its rule paths in a forked child once the new root is in place.
 */
#ifndef MOAT_UTIL_SAFE_PATH_H
#define MOAT_UTIL_SAFE_PATH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "moat.h"

/*
 * What decides whether a symlink may be followed, as plain paths in the
 * terms of the process that opens: where the sandbox may write, and the
 * filesystems made for this run alone.
 */
struct moat_path_trust {
	const char *const *writable; /* the sandbox may write at and below each of these */
	size_t writable_count;
	const char *const *fresh; /* mounted empty for this run (a new root's tmpfs...) */
	size_t fresh_count;
};

/* What moat_safe_path_open() found besides the descriptor. */
struct moat_safe_path {
	char resolved[PATH_MAX]; /* the path of the opened file, through no symlink */
	char symlink[PATH_MAX];  /* with -ELOOP: the symlink refused, or "" for a loop */
	const char *reason;      /* with -ELOOP and a symlink: why it was refused */
	bool directory;          /* the opened file is a directory (seen by the walk's fstat) */
};

/*
 * Opens the absolute `path` O_PATH | O_CLOEXEC as described above. Returns
 * the descriptor, -ELOOP with `found->symlink` set for a symlink a sandbox
 * could have planted (or empty when there were too many symlinks), or the
 * negative errno of the step that failed (-ENOENT, -ENOTDIR, -EACCES...).
 */
int moat_safe_path_open(const char *path, const struct moat_path_trust *trust,
                        struct moat_safe_path *found);

/*
 * Fills `error` at `location` for a refused symlink: `what` (e.g. "granted
 * path") `path` goes through `found->symlink`, why, and to name the target
 * instead. Returns -ELOOP. Async-signal-safe, like the walk.
 */
int moat_safe_path_refused(struct moat_error *error, const struct moat_location *location,
                           const char *what, const char *path, const struct moat_safe_path *found);

#endif /* MOAT_UTIL_SAFE_PATH_H */
