// SPDX-License-Identifier: MIT
/* The writable paths of a policy (writable.h). */
#include "policy/writable.h"

#include <errno.h>
#include <stdbool.h>

#define WRITING_RIGHTS                                                                             \
	(MOAT_FS_WRITE_FILE | MOAT_FS_REMOVE_DIR | MOAT_FS_REMOVE_FILE | MOAT_FS_MAKE_CHAR |       \
	 MOAT_FS_MAKE_DIR | MOAT_FS_MAKE_REG | MOAT_FS_MAKE_SOCK | MOAT_FS_MAKE_FIFO |             \
	 MOAT_FS_MAKE_BLOCK | MOAT_FS_MAKE_SYM | MOAT_FS_REFER | MOAT_FS_TRUNCATE)

static void add(struct moat_writable *writable, const char **paths, const char *path)
{
	paths[writable->count++] = path;
}

static void add_filesystem(const struct moat_filesystem_section *fs, struct moat_writable *writable,
                           const char **paths)
{
	for (size_t i = 0; i < fs->count; i++) {
		if (fs->rules[i].access & WRITING_RIGHTS)
			add(writable, paths, fs->rules[i].path);
	}
}

int moat_policy_writable(const struct moat_policy *policy, enum moat_writable_view view,
                         struct moat_arena *arena, struct moat_writable *writable)
{
	const struct moat_broker_section *broker = &policy->broker;
	const struct moat_mounts_section *mounts = &policy->mounts;
	bool new_root = mounts->present;
	size_t most = policy->filesystem.count + broker->open_count + mounts->count + 1;
	const char **paths = moat_arena_array(arena, most, sizeof(*paths));

	*writable = (struct moat_writable){0};
	if (!paths)
		return -ENOMEM;
	writable->paths = paths;
	if (view == MOAT_WRITABLE_NEW_ROOT) {
		add_filesystem(&policy->filesystem, writable, paths);
		return 0;
	}
	if (new_root) {
		for (size_t i = 0; i < mounts->count; i++) {
			const struct moat_mount *mount = &mounts->mounts[i];

			if (mount->kind == MOAT_MOUNT_BIND && !mount->read_only)
				add(writable, paths, mount->source);
		}
	} else {
		add_filesystem(&policy->filesystem, writable, paths);
	}
	for (size_t i = 0; i < broker->open_count; i++) {
		if (broker->opens[i].write)
			add(writable, paths, broker->opens[i].path);
	}
	return 0;
}
