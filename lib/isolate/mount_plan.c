// SPDX-License-Identifier: MIT
/*
 * The [mounts] section, prepared in the parent: every path the child will
 * use is computed here, and everything that can be refused is refused here
 * with the statement's place.
 *
 *  - A bind source is made canonical on the host, by moat_safe_path_open():
 *    the child resolves it below the old root, where an absolute symlink
 *    would point into the half-built tree instead of the host, and with no
 *    symlink at all (a swap after this check fails the run). A symlink a
 *    sandbox could have planted on the way (one in a directory the policy
 *    lets it write, or not root's) is refused, since following it would let
 *    one run choose what the next one binds. An absent source is an error,
 *    or skipped when written `?SRC`.
 *  - A destination may not contain `..` and may not lie below a symlink an
 *    earlier statement made (the child would follow the link out of the
 *    new root, into the staging root).
 *  - `proc` inside a user namespace needs the PID namespace: the kernel lets
 *    a user namespace mount procfs only for a PID namespace it owns.
 */
#include "isolate/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/path_trust.h"
#include "util/error.h"
#include "util/safe_path.h"

/* Existing host directories the staging tmpfs may cover, first that exists. */
static const char *const staging_candidates[] = {"/tmp", "/mnt", "/run", "/var/tmp"};

static int out_of_memory(struct moat_error *error)
{
	return moat_error_set(error, -ENOMEM, "out of memory building the mount plan");
}

static const char *concatenate(struct moat_isolate_plan *plan, const char *left, const char *right)
{
	size_t left_length = strlen(left), right_length = strlen(right);
	char *text = moat_arena_alloc(&plan->arena, left_length + right_length + 1);

	if (text) {
		memcpy(text, left, left_length);
		memcpy(text + left_length, right, right_length + 1);
	}
	return text;
}

static int choose_staging(struct moat_isolate_plan *plan, struct moat_error *error)
{
	char real[PATH_MAX];
	struct stat status;

	for (size_t i = 0; i < sizeof(staging_candidates) / sizeof(staging_candidates[0]); i++) {
		if (stat(staging_candidates[i], &status) < 0 || !S_ISDIR(status.st_mode) ||
		    !realpath(staging_candidates[i], real) || !strcmp(real, "/"))
			continue;
		plan->staging = moat_arena_strdup(&plan->arena, real);
		plan->staging_new_root = concatenate(plan, real, MOAT_ISOLATE_NEW_ROOT);
		plan->staging_old_root = concatenate(plan, real, MOAT_ISOLATE_OLD_ROOT);
		if (!plan->staging || !plan->staging_new_root || !plan->staging_old_root)
			return out_of_memory(error);
		return 0;
	}
	return moat_error_set(error, -ENOENT,
	                      "[mounts]: none of /tmp, /mnt, /run, /var/tmp is a directory, and "
	                      "the new root is built on one of them");
}

/*
 * Binds are made with open_tree, mount_setattr and move_mount; the last
 * to arrive, mount_setattr, came with Linux 5.12. A kernel that lacks it
 * answers ENOSYS before it looks at the arguments.
 */
static int check_mount_api(struct moat_error *error)
{
	if (mount_setattr(-1, "", AT_EMPTY_PATH, NULL, 0) < 0 && errno == ENOSYS)
		return moat_error_set(error, -EOPNOTSUPP,
		                      "[mounts] needs Linux 5.12 or later (mount_setattr), to make "
		                      "binds read-only with everything mounted below them");
	return 0;
}

static bool has_dot_dot(const char *path)
{
	for (const char *part = path; (part = strstr(part, "..")); part += 2)
		if (part > path && part[-1] == '/' && (part[2] == '/' || part[2] == '\0'))
			return true;
	return false;
}

/* The earlier symlink statement `destination` lies below, or NULL. */
static const struct moat_mount *below_symlink(const struct moat_mounts_section *mounts,
                                              size_t index, const char *destination)
{
	for (size_t i = 0; i < index; i++) {
		const struct moat_mount *link = &mounts->mounts[i];
		size_t length = strlen(link->destination);

		if (link->kind == MOAT_MOUNT_SYMLINK &&
		    !strncmp(destination, link->destination, length) &&
		    (destination[length] == '/' || destination[length] == '\0'))
			return link;
	}
	return NULL;
}

static int check_destination(const struct moat_mounts_section *mounts, size_t index,
                             struct moat_error *error)
{
	const struct moat_mount *entry = &mounts->mounts[index];
	const struct moat_mount *link = below_symlink(mounts, index, entry->destination);

	if (has_dot_dot(entry->destination))
		return moat_error_set_at(error, -EINVAL, &entry->location,
		                         "'%s': '..' is not allowed in a mount destination",
		                         entry->destination);
	if (link)
		return moat_error_set_at(error, -EINVAL, &entry->location,
		                         "'%s' lies below the symlink %s made at line %u; name "
		                         "the symlink's target instead",
		                         entry->destination, link->destination,
		                         link->location.line);
	if (strlen(entry->destination) + sizeof(MOAT_ISOLATE_NEW_ROOT) + MOAT_ISOLATE_SUFFIX_ROOM >
	    PATH_MAX)
		return moat_error_set_at(error, -ENAMETOOLONG, &entry->location,
		                         "'%s': the destination is too long", entry->destination);
	return 0;
}

/* 1 when the entry is kept, 0 when its optional source is absent. */
static int prepare_bind(struct moat_isolate_plan *plan, struct moat_isolate_mount *mount,
                        const struct moat_path_trust *trust, struct moat_error *error)
{
	const struct moat_mount *entry = mount->entry;
	struct moat_safe_path found;
	struct stat status;
	int fd = moat_safe_path_open(entry->source, trust, &found), result = 0;

	if (fd == -ELOOP && found.symlink[0])
		return moat_safe_path_refused(error, &entry->location, "bind source", entry->source,
		                              &found);
	if (fd >= 0 && fstat(fd, &status) < 0)
		result = -errno;
	if (fd >= 0)
		close(fd);
	else
		result = fd;
	if (result == -ENOENT && entry->optional)
		return 0;
	if (result < 0)
		return moat_error_set_at(error, result, &entry->location, "bind source '%s': %s",
		                         entry->source, moat_isolate_strerror(result));
	mount->directory = S_ISDIR(status.st_mode);
	mount->source = concatenate(plan, MOAT_ISOLATE_OLD_ROOT, found.resolved);
	return mount->source ? 1 : out_of_memory(error);
}

static int prepare_tmpfs(struct moat_isolate_plan *plan, struct moat_isolate_mount *mount,
                         struct moat_error *error)
{
	const struct moat_mount *entry = mount->entry;
	char options[64] = "";
	int used = 0;

	if (entry->size)
		used = snprintf(options, sizeof(options), "size=%llu",
		                (unsigned long long)entry->size);
	if (entry->has_mode)
		snprintf(options + used, sizeof(options) - (size_t)used, "%smode=0%o",
		         used ? "," : "", entry->mode);
	if (!options[0])
		return 1;
	mount->options = moat_arena_strdup(&plan->arena, options);
	return mount->options ? 1 : out_of_memory(error);
}

/* The options of dev's shm tmpfs: world-writable and sticky, as on a host, and bounded. */
static int prepare_dev(struct moat_isolate_plan *plan, struct moat_isolate_mount *mount,
                       struct moat_error *error)
{
	char options[64];

	snprintf(options, sizeof(options), "mode=1777,size=%llu",
	         (unsigned long long)mount->entry->size);
	mount->options = moat_arena_strdup(&plan->arena, options);
	return mount->options ? 1 : out_of_memory(error);
}

static int prepare_entry(struct moat_isolate_plan *plan, struct moat_isolate_mount *mount,
                         const struct moat_path_trust *trust, struct moat_error *error)
{
	const struct moat_mount *entry = mount->entry;

	switch (entry->kind) {
	case MOAT_MOUNT_BIND:
		return prepare_bind(plan, mount, trust, error);
	case MOAT_MOUNT_TMPFS:
		return prepare_tmpfs(plan, mount, error);
	case MOAT_MOUNT_PROC:
		if ((plan->namespaces & MOAT_NAMESPACE_USER) &&
		    !(plan->namespaces & MOAT_NAMESPACE_PID))
			return moat_error_set_at(
			        error, -EINVAL, &entry->location,
			        "`proc` in a user namespace needs `unshare pid`: the kernel lets a "
			        "user namespace mount procfs only for a PID namespace it owns%s",
			        plan->user_added ? " (moat adds the user namespace because the "
			                           "caller is not privileged)"
			                         : "");
		return 1;
	case MOAT_MOUNT_SYMLINK:
		mount->source = entry->source;
		return 1;
	case MOAT_MOUNT_DEV:
		return prepare_dev(plan, mount, error);
	}
	return 1;
}

int moat_isolate_mounts_build(struct moat_isolate_plan *plan, const struct moat_policy *policy,
                              struct moat_error *error)
{
	const struct moat_mounts_section *mounts = &policy->mounts;
	struct moat_path_trust trust;
	int result;

	if (!mounts->present)
		return 0;
	if (!(plan->namespaces & MOAT_NAMESPACE_MOUNT))
		return moat_error_set(error, -EINVAL,
		                      "[mounts] needs `unshare mount` in [namespaces]");
	plan->new_root = true;
	result = check_mount_api(error);
	if (result == 0)
		result = choose_staging(plan, error);
	if (result < 0)
		return result;
	if (moat_policy_path_trust(policy, MOAT_TRUST_HOST, &plan->arena, &trust) < 0)
		return out_of_memory(error);
	plan->mounts = moat_arena_array(&plan->arena, mounts->count ? mounts->count : 1,
	                                sizeof(*plan->mounts));
	if (!plan->mounts)
		return out_of_memory(error);
	for (size_t i = 0; i < mounts->count; i++) {
		struct moat_isolate_mount *mount = &plan->mounts[plan->mount_count];
		const char *destination = mounts->mounts[i].destination;

		result = check_destination(mounts, i, error);
		if (result < 0)
			return result;
		*mount = (struct moat_isolate_mount){0};
		mount->entry = &mounts->mounts[i];
		mount->target = strcmp(destination, "/")
		                        ? concatenate(plan, MOAT_ISOLATE_NEW_ROOT, destination)
		                        : MOAT_ISOLATE_NEW_ROOT;
		if (!mount->target)
			return out_of_memory(error);
		result = prepare_entry(plan, mount, &trust, error);
		if (result < 0)
			return result;
		plan->mount_count += (size_t)result;
	}
	return 0;
}
