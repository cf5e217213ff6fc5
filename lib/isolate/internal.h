/* SPDX-License-Identifier: MIT */
/*
 * The isolation plan's layout and the steps it is applied in, shared by
 * the files of lib/isolate/ (each handles one concern). Nothing outside
 * lib/isolate/ includes this; the rest of moat sees the plan through
 * isolate.h. The apply functions run between clone3 and execve and are
 * async-signal-safe.
 */
#ifndef MOAT_ISOLATE_INTERNAL_H
#define MOAT_ISOLATE_INTERNAL_H

#include "isolate/isolate.h"
#include "util/arena.h"

/*
 * While the new root is built, the process's root is a tmpfs (the staging
 * root) that holds the host's root at OLD_ROOT and the sandbox's root at
 * NEW_ROOT; a second pivot_root makes NEW_ROOT the root and the staging
 * root goes away.
 */
#define MOAT_ISOLATE_OLD_ROOT "/oldroot"
#define MOAT_ISOLATE_NEW_ROOT "/newroot"

/* Room for what dev and proc append to a destination ("/pts/ptmx"). */
#define MOAT_ISOLATE_SUFFIX_ROOM 32

/* One [mounts] entry, ready for the child. */
struct moat_isolate_mount {
	const struct moat_mount *entry; /* the IR's: kind, flags, location */
	const char *source;  /* BIND: OLD_ROOT + the canonical host path; SYMLINK: the target */
	const char *target;  /* NEW_ROOT + the destination */
	const char *options; /* TMPFS: "size=N,mode=M", or NULL; DEV: its shm's */
	bool directory;      /* BIND: the source is a directory */
};

#define MOAT_ISOLATE_MAX_DROPPED 8

struct moat_isolate_plan {
	struct moat_arena arena; /* owns the plan and everything it points to */
	unsigned namespaces;     /* MOAT_NAMESPACE_* that are really created */
	bool user_added;         /* the user namespace was added for an unprivileged caller */
	unsigned parent_death;   /* MOAT_NAMESPACE_* added only for `die-with-parent yes` */
	bool caller_undumpable;  /* the child must be dumpable again to write its maps */
	bool has_identity_uid;   /* moat_sandbox_options: run as identity_uid inside */
	bool has_identity_gid;
	unsigned identity_uid;
	unsigned identity_gid;
	char uid_map[32]; /* "INSIDE OUTSIDE 1\n", with a new user namespace */
	char gid_map[32];
	const char *hostname;              /* NULL: unchanged */
	bool new_root;                     /* [mounts]: a new, empty root */
	const char *staging;               /* an existing host directory the staging tmpfs covers */
	const char *staging_new_root;      /* staging + NEW_ROOT, before the first pivot_root */
	const char *staging_old_root;      /* staging + OLD_ROOT */
	struct moat_isolate_mount *mounts; /* the [mounts] entries whose source exists */
	size_t mount_count;
	const char *dropped[MOAT_ISOLATE_MAX_DROPPED];
	size_t dropped_count;
};

/* ---- building (parent) ---------------------------------------------- */

/*
 * Decides plan->namespaces from the policy, the kernel and the caller's
 * privileges, and checks that user namespaces can be created when needed.
 */
int moat_isolate_namespaces_build(struct moat_isolate_plan *plan, const struct moat_policy *policy,
                                  struct moat_error *error);

/* The uid and gid maps for a new user namespace. */
void moat_isolate_maps_build(struct moat_isolate_plan *plan, const struct moat_policy *policy);

/* plan->mounts from [mounts], and the staging directory. */
int moat_isolate_mounts_build(struct moat_isolate_plan *plan, const struct moat_policy *policy,
                              struct moat_error *error);

/* ---- applying (child) ----------------------------------------------- */

/* Writes "deny" to setgroups, then the gid map, then the uid map. */
int moat_isolate_write_maps(const struct moat_isolate_plan *plan, struct moat_error *error);

/*
 * The mount namespace: every mount made private, and with [mounts] the new
 * root built and pivoted into, the host's root detached.
 */
int moat_isolate_build_root(const struct moat_isolate_plan *plan, struct moat_error *error);

/* One [mounts] entry, below NEW_ROOT of the staging root. */
int moat_isolate_apply_mount(const struct moat_isolate_mount *mount, struct moat_error *error);

/* `dev DEST`: the minimal /dev. */
int moat_isolate_mount_dev(const struct moat_isolate_mount *mount, struct moat_error *error);

int moat_isolate_set_hostname(const struct moat_isolate_plan *plan, struct moat_error *error);

/* Brings the loopback interface of the new network namespace up. */
int moat_isolate_loopback_up(struct moat_error *error);

/* ---- helpers for the child ------------------------------------------ */

/*
 * Opens `name` below the directory `directory` without following any
 * symlink or leaving it (openat2 with RESOLVE_BENEATH and
 * RESOLVE_NO_SYMLINKS): the trees the sandbox's root is built from may hold
 * symlinks of a user's making, and following one while mounting as root
 * would make directories or mounts outside the new root. `name` may hold
 * several components. Returns a descriptor or a negative errno.
 */
int moat_isolate_open_beneath(int directory, const char *name, int flags);

/*
 * The mount point `path` (absolute, below the staging root): the directory
 * (or, without `directory`, the empty file) is made with every missing
 * parent, and opened O_PATH, all without following a symlink.
 */
int moat_isolate_open_target(const char *path, bool directory);

/*
 * A bind mount of `source` (below `source_directory`, or absolute with
 * AT_FDCWD; no symlink is followed) and every mount below it, on `name`
 * below the directory `target` ("" for `target` itself), with the MOUNT_ATTR_* flags in
 * `attributes` set on all of them and private propagation: open_tree(OPEN_TREE_CLONE |
 * AT_RECURSIVE), mount_setattr(AT_RECURSIVE) and move_mount. Setting attributes only adds
 * restrictions, so flags the kernel locked on the source stay as they are.
 */
int moat_isolate_bind(int source_directory, const char *source, int target, const char *name,
                      uint64_t attributes);

/*
 * A new filesystem of `type` with `options` ("key=value,flag,..."), mounted
 * with the MOUNT_ATTR_* `attributes` on `name` below the directory `target`
 * ("" for `target` itself): fsopen, fsconfig, fsmount, move_mount.
 */
int moat_isolate_mount_new(const char *type, const char *options, uint64_t attributes, int target,
                           const char *name);

/* The description of a negative errno, a constant string. */
const char *moat_isolate_strerror(int code);

#endif /* MOAT_ISOLATE_INTERNAL_H */
