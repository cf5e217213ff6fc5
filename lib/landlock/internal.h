/* SPDX-License-Identifier: MIT */
/*
 * What the Landlock module's files share: the plan's layout, the table of
 * filesystem rights and the compat check. Nothing outside lib/landlock/
 * includes this; callers use landlock.h.
 */
#ifndef MOAT_LANDLOCK_INTERNAL_H
#define MOAT_LANDLOCK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "landlock/abi.h"
#include "landlock/landlock.h"
#include "util/arena.h"
#include "util/safe_path.h"

/*
 * One path rule, its directory or file already open, or (for a sandbox with
 * a new root) to be opened when the plan is applied.
 */
struct moat_landlock_path {
	int fd;           /* O_PATH | O_CLOEXEC; -1 until applied in a new root */
	uint64_t access;  /* narrowed to what the kernel and the file type accept */
	const char *path; /* for opening in a new root and for error messages */
	bool optional;
	struct moat_location location;
};

struct moat_landlock_port {
	uint64_t port;
	uint64_t access; /* LANDLOCK_ACCESS_NET_* */
};

struct moat_landlock_plan {
	struct moat_arena arena;
	int abi;                 /* of the features the plan was built for */
	bool open_when_applied;  /* paths name files of the sandbox's new root */
	uint32_t restrict_flags; /* LANDLOCK_RESTRICT_SELF_* that ABI accepts */
	struct moat_landlock_ruleset_attr ruleset;
	size_t ruleset_size; /* the part of `ruleset` that ABI knows */
	struct moat_landlock_path *paths;
	size_t path_count;
	struct moat_path_trust trust; /* in the new root, for opening paths when applied */
	struct moat_landlock_port *ports;
	size_t port_count;
	const char **dropped;
	size_t dropped_count;
};

struct moat_landlock_fs_right {
	uint64_t bit;
	const char *name; /* as the policy language spells it */
	int abi;          /* the Landlock ABI that brought it */
	const char *what; /* what it guards, as a noun phrase */
};

/* The rights of a rule left once narrowed for its file's type (safe_path.h's `directory`). */
void moat_landlock_narrow_access(bool directory, uint64_t *access);

/* The table entry of one right, or NULL. */
const struct moat_landlock_fs_right *moat_landlock_fs_right_info(uint64_t right);

/*
 * Compares what the policy needs with what the kernel has. Under
 * `compat strict` a gap is an error (-EOPNOTSUPP) naming every missing
 * feature; under `compat best-effort` each gap becomes a line in
 * plan->dropped. The plan's masks are computed separately from `features`,
 * which already excludes whatever is missing.
 */
int moat_landlock_compat_check(struct moat_landlock_plan *plan, const struct moat_policy *policy,
                               const struct moat_landlock_features *features,
                               struct moat_error *error);

#endif /* MOAT_LANDLOCK_INTERNAL_H */
