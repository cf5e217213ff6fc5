// SPDX-License-Identifier: MIT
/* The paths a policy makes writable or fresh (path_trust.h). */
#include "policy/path_trust.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define WRITING_RIGHTS                                                                             \
	(MOAT_FS_WRITE_FILE | MOAT_FS_REMOVE_DIR | MOAT_FS_REMOVE_FILE | MOAT_FS_MAKE_CHAR |       \
	 MOAT_FS_MAKE_DIR | MOAT_FS_MAKE_REG | MOAT_FS_MAKE_SOCK | MOAT_FS_MAKE_FIFO |             \
	 MOAT_FS_MAKE_BLOCK | MOAT_FS_MAKE_SYM | MOAT_FS_REFER | MOAT_FS_TRUNCATE)

struct list {
	const char **paths;
	size_t count;
};

static void add_filesystem(const struct moat_filesystem_section *fs, struct list *writable)
{
	for (size_t i = 0; i < fs->count; i++) {
		if (fs->rules[i].access & WRITING_RIGHTS)
			writable->paths[writable->count++] = fs->rules[i].path;
	}
}

static bool bound_over(const struct moat_mounts_section *mounts, const char *destination)
{
	for (size_t i = 0; i < mounts->count; i++) {
		if (mounts->mounts[i].kind == MOAT_MOUNT_BIND &&
		    !strcmp(mounts->mounts[i].destination, destination))
			return true;
	}
	return false;
}

/* The new root and the filesystems mounted empty in it, where no bind covers them. */
static void add_fresh(const struct moat_mounts_section *mounts, struct list *fresh)
{
	if (!bound_over(mounts, "/"))
		fresh->paths[fresh->count++] = "/";
	for (size_t i = 0; i < mounts->count; i++) {
		const struct moat_mount *mount = &mounts->mounts[i];
		bool made = mount->kind == MOAT_MOUNT_TMPFS || mount->kind == MOAT_MOUNT_DEV ||
		            mount->kind == MOAT_MOUNT_PROC;

		if (made && !bound_over(mounts, mount->destination))
			fresh->paths[fresh->count++] = mount->destination;
	}
}

static void add_host(const struct moat_policy *policy, struct list *writable)
{
	const struct moat_broker_section *broker = &policy->broker;
	const struct moat_mounts_section *mounts = &policy->mounts;

	if (mounts->present) {
		for (size_t i = 0; i < mounts->count; i++) {
			const struct moat_mount *mount = &mounts->mounts[i];

			if (mount->kind == MOAT_MOUNT_BIND && !mount->read_only)
				writable->paths[writable->count++] = mount->source;
		}
	} else {
		add_filesystem(&policy->filesystem, writable);
	}
	for (size_t i = 0; i < broker->open_count; i++) {
		if (broker->opens[i].write)
			writable->paths[writable->count++] = broker->opens[i].path;
	}
}

int moat_policy_path_trust(const struct moat_policy *policy, enum moat_trust_view view,
                           struct moat_arena *arena, struct moat_path_trust *trust)
{
	size_t most =
	        policy->filesystem.count + policy->broker.open_count + policy->mounts.count + 1;
	struct list writable = {moat_arena_array(arena, most, sizeof(char *)), 0};
	struct list fresh = {moat_arena_array(arena, most, sizeof(char *)), 0};

	*trust = (struct moat_path_trust){0};
	if (!writable.paths || !fresh.paths)
		return -ENOMEM;
	if (view == MOAT_TRUST_NEW_ROOT) {
		add_filesystem(&policy->filesystem, &writable);
		add_fresh(&policy->mounts, &fresh);
	} else {
		add_host(policy, &writable);
	}
	*trust = (struct moat_path_trust){writable.paths, writable.count, fresh.paths, fresh.count};
	return 0;
}
