// SPDX-License-Identifier: MIT
/*
 * The mount namespace, in the child:
 *
 *  1. Every mount becomes private (MS_REC | MS_PRIVATE), first: the new
 *     namespace starts as a copy whose mounts still share propagation with
 *     the host's, so a mount made here would otherwise appear there.
 *  2. With [mounts], a tmpfs (the staging root) covers an existing host
 *     directory, and holds NEW_ROOT, a second tmpfs (mode 0755) that
 *     becomes the sandbox's root, and OLD_ROOT. pivot_root makes the
 *     staging tmpfs the root, with the host's root at OLD_ROOT; the
 *     directory it covered is uncovered again, so a bind source inside it
 *     still resolves.
 *  3. The [mounts] entries, in the order written (mounts.c).
 *  4. OLD_ROOT is detached (umount2 MNT_DETACH): from here on nothing of
 *     the host is reachable by any path. A second pivot_root makes
 *     NEW_ROOT the root, and the staging root, stacked on top of it, is
 *     detached too; chdir("/") leaves no working directory outside.
 *  5. The new root is made read-only: it holds only the directories and
 *     files the mounts were attached to and the symlinks, and nothing
 *     needs to write there once they are made. What must be writable gets
 *     a tmpfs or a `rw` bind.
 */
#include "isolate/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/message.h"

static int pivot_root(const char *new_root, const char *put_old)
{
	return syscall(SYS_pivot_root, new_root, put_old) < 0 ? -errno : 0;
}

static int failed(struct moat_error *error, int code, const char *what)
{
	struct moat_message message = moat_message_begin(error, code);

	moat_message_put(&message, "cannot ");
	moat_message_put(&message, what);
	moat_message_put(&message, ": ");
	moat_message_put_reason(&message, -code);
	return moat_message_end(&message);
}

static int enter_staging(const struct moat_isolate_plan *plan, struct moat_error *error)
{
	if (mount("tmpfs", plan->staging, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0 ||
	    mkdir(plan->staging_new_root, 0755) < 0 || mkdir(plan->staging_old_root, 0755) < 0 ||
	    mount("tmpfs", plan->staging_new_root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return failed(error, -errno, "mount the tmpfs the new root is built on");
	if (pivot_root(plan->staging, plan->staging_old_root) < 0 || chdir("/") < 0)
		return failed(error, -errno, "pivot_root into the staging root");
	return 0;
}

static int leave_staging(struct moat_error *error)
{
	struct mount_attr read_only = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
	                                           MOUNT_ATTR_NODEV};

	if (umount2(MOAT_ISOLATE_OLD_ROOT, MNT_DETACH) < 0)
		return failed(error, -errno, "detach the old root");
	if (chdir(MOAT_ISOLATE_NEW_ROOT) < 0 || pivot_root(".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return failed(error, -errno, "pivot_root into the new root");
	if (mount_setattr(AT_FDCWD, "/", 0, &read_only, sizeof(read_only)) < 0)
		return failed(error, -errno, "make the new root read-only");
	return 0;
}

int moat_isolate_build_root(const struct moat_isolate_plan *plan, struct moat_error *error)
{
	int result;

	if (!(plan->namespaces & MOAT_NAMESPACE_MOUNT))
		return 0;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return failed(error, -errno, "make the mounts of the new mount namespace private");
	if (!plan->new_root)
		return 0;
	result = enter_staging(plan, error);
	for (size_t i = 0; result == 0 && i < plan->mount_count; i++)
		result = moat_isolate_apply_mount(&plan->mounts[i], error);
	if (result == 0)
		result = leave_staging(error);
	return result;
}
