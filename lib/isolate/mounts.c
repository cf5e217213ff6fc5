// SPDX-License-Identifier: MIT
/*
 * One [mounts] entry, made in the child below the new root while the
 * staging root is the process's root (pivot.c): sources are read below
 * OLD_ROOT, destinations made below NEW_ROOT, parent directories created
 * as needed.
 *
 * Every mount is nosuid and nodev (dev's device nodes keep dev, and are
 * noexec instead). A bind is recursive and made read-only, unless `rw`,
 * on every mount it contains, with mount_setattr(AT_RECURSIVE) on a
 * detached copy before it is attached: a read-only remount of the top
 * mount alone, as mount(2) does it, would leave writable whatever is
 * mounted below the source, and a bind that is not recursive is refused
 * for a tree the kernel locked in an unprivileged user namespace. Its
 * propagation is private, so nothing mounted on either side shows on the
 * other.
 */
#include "isolate/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* What `proc` makes read-only over itself: what a process that is root inside could write. */
static const char *const proc_read_only[] = {"/sys", "/sysrq-trigger", "/irq", "/bus"};

int moat_isolate_join(char *buffer, size_t size, const char *left, const char *right)
{
	size_t left_length = strlen(left), right_length = strlen(right);

	if (left_length + right_length >= size)
		return -ENAMETOOLONG;
	memcpy(buffer, left, left_length);
	memcpy(buffer + left_length, right, right_length + 1);
	return 0;
}

int moat_isolate_make_parents(const char *path)
{
	char buffer[PATH_MAX];
	int result = moat_isolate_join(buffer, sizeof(buffer), path, "");

	if (result < 0)
		return result;
	for (char *slash = strchr(buffer + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(buffer, 0755) < 0 && errno != EEXIST)
			return -errno;
		*slash = '/';
	}
	return 0;
}

static int make_directory(const char *path)
{
	int result = moat_isolate_make_parents(path);

	if (result == 0 && mkdir(path, 0755) < 0 && errno != EEXIST)
		result = -errno;
	return result;
}

/* An empty regular file to bind a file on; an existing one will do. */
static int make_file(const char *path)
{
	int result = moat_isolate_make_parents(path);

	if (result == 0 && mknod(path, S_IFREG | 0644, 0) < 0 && errno != EEXIST)
		result = -errno;
	return result;
}

int moat_isolate_bind(const char *source, const char *target, uint64_t attributes)
{
	struct mount_attr attribute = {.attr_set = attributes, .propagation = MS_PRIVATE};
	int tree = open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	int result = 0;

	if (tree < 0)
		return -errno;
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attribute, sizeof(attribute)) <
	            0 ||
	    move_mount(tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		result = -errno;
	close(tree);
	return result;
}

static int bind_entry(const struct moat_isolate_mount *planned)
{
	uint64_t attributes = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	int result =
	        planned->directory ? make_directory(planned->target) : make_file(planned->target);

	if (planned->entry->read_only)
		attributes |= MOUNT_ATTR_RDONLY;
	if (result == 0)
		result = moat_isolate_bind(planned->source, planned->target, attributes);
	return result;
}

static int tmpfs_entry(const struct moat_isolate_mount *planned)
{
	int result = make_directory(planned->target);

	if (result == 0 &&
	    mount("tmpfs", planned->target, "tmpfs", MS_NOSUID | MS_NODEV, planned->options) < 0)
		result = -errno;
	return result;
}

/*
 * A new procfs, which shows the processes of the PID namespace of the
 * process that mounts it: pid 1 of the sandbox's.
 */
static int proc_entry(const struct moat_isolate_mount *planned)
{
	char path[PATH_MAX];
	int result = make_directory(planned->target);

	if (result == 0 &&
	    mount("proc", planned->target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		result = -errno;
	for (size_t i = 0; result == 0 && i < sizeof(proc_read_only) / sizeof(proc_read_only[0]);
	     i++) {
		result = moat_isolate_join(path, sizeof(path), planned->target, proc_read_only[i]);
		if (result == 0)
			result = moat_isolate_bind(path, path,
			                           MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
			                                   MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
		if (result == -ENOENT)
			result = 0;
	}
	return result;
}

static int symlink_entry(const struct moat_isolate_mount *planned)
{
	int result = moat_isolate_make_parents(planned->target);

	if (result == 0 && symlink(planned->source, planned->target) < 0)
		result = -errno;
	return result;
}

static const char *kind_name(enum moat_mount_kind kind)
{
	switch (kind) {
	case MOAT_MOUNT_BIND:
		return "bind";
	case MOAT_MOUNT_TMPFS:
		return "tmpfs";
	case MOAT_MOUNT_PROC:
		return "proc";
	case MOAT_MOUNT_DEV:
		return "dev";
	case MOAT_MOUNT_SYMLINK:
		return "symlink";
	}
	return "mount";
}

int moat_isolate_apply_mount(const struct moat_isolate_mount *planned, struct moat_error *error)
{
	const struct moat_mount *entry = planned->entry;
	int result = 0;

	switch (entry->kind) {
	case MOAT_MOUNT_BIND:
		result = bind_entry(planned);
		break;
	case MOAT_MOUNT_TMPFS:
		result = tmpfs_entry(planned);
		break;
	case MOAT_MOUNT_PROC:
		result = proc_entry(planned);
		break;
	case MOAT_MOUNT_DEV:
		return moat_isolate_mount_dev(planned, error);
	case MOAT_MOUNT_SYMLINK:
		result = symlink_entry(planned);
		break;
	}
	if (result < 0)
		return moat_error_set_at(error, result, &entry->location,
		                         "%s %s%s%s: cannot make it in the new root: %s",
		                         kind_name(entry->kind), entry->source ? entry->source : "",
		                         entry->source ? " " : "", entry->destination,
		                         moat_isolate_strerror(result));
	return 0;
}
