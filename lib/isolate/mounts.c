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
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/message.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* What `proc` makes read-only over itself: what a process that is root inside could write. */
static const char *const proc_read_only[] = {"sys", "sysrq-trigger", "irq", "bus"};

int moat_isolate_open_beneath(int directory, const char *name, int flags)
{
	struct open_how how = {
	        .flags = (uint64_t)(flags | O_CLOEXEC),
	        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, directory, name, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

/* The directory `name` below `directory`, made if missing. */
static int step_into(int directory, const char *name)
{
	int next = moat_isolate_open_beneath(directory, name, O_PATH | O_DIRECTORY);

	if (next == -ENOENT) {
		if (mkdirat(directory, name, 0755) < 0 && errno != EEXIST)
			return -errno;
		next = moat_isolate_open_beneath(directory, name, O_PATH | O_DIRECTORY);
	}
	return next;
}

/* The directory that holds `path`, made as needed; `*leaf` is the last component. */
static int open_parent(const char *path, const char **leaf)
{
	char component[NAME_MAX + 1];
	int directory = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (directory < 0)
		return -errno;
	for (path++;; path += strlen(component) + 1) {
		size_t length = strcspn(path, "/");
		int next;

		if (path[length] == '\0') {
			*leaf = path;
			return directory;
		}
		if (length == 0 || length > NAME_MAX) {
			close(directory);
			return -EINVAL;
		}
		memcpy(component, path, length);
		component[length] = '\0';
		next = step_into(directory, component);
		close(directory);
		if (next < 0)
			return next;
		directory = next;
	}
}

int moat_isolate_open_target(const char *path, bool directory)
{
	const char *leaf;
	int parent = open_parent(path, &leaf), made, fd;

	if (parent < 0)
		return parent;
	made = directory ? mkdirat(parent, leaf, 0755) : mknodat(parent, leaf, S_IFREG | 0644, 0);
	fd = made < 0 && errno != EEXIST
	             ? -errno
	             : moat_isolate_open_beneath(parent, leaf,
	                                         O_PATH | (directory ? O_DIRECTORY : 0));
	close(parent);
	return fd;
}

int moat_isolate_bind(int source_directory, const char *source, int target, const char *name,
                      uint64_t attributes)
{
	struct mount_attr attribute = {.attr_set = attributes, .propagation = MS_PRIVATE};
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
	                       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	int origin = (int)syscall(SYS_openat2, source_directory, source, &how, sizeof(how));
	int tree, result = 0;

	if (origin < 0)
		return -errno;
	tree = open_tree(origin, "",
	                 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	close(origin);
	if (tree < 0)
		return -errno;
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attribute, sizeof(attribute)) <
	            0 ||
	    move_mount(tree, "", target, name,
	               MOVE_MOUNT_F_EMPTY_PATH | (*name ? 0 : MOVE_MOUNT_T_EMPTY_PATH)) < 0)
		result = -errno;
	close(tree);
	return result;
}

/* "key=value" sets a string, a bare "key" a flag. */
static int configure(int context, char *option)
{
	char *equals = strchr(option, '=');

	if (equals)
		*equals = '\0';
	if (fsconfig(context, equals ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, option,
	             equals ? equals + 1 : NULL, 0) < 0)
		return -errno;
	return 0;
}

static int configure_all(int context, const char *options)
{
	char buffer[256];
	int result = 0;

	if (!options)
		return 0;
	if (strlen(options) >= sizeof(buffer))
		return -ENAMETOOLONG;
	strcpy(buffer, options);
	for (char *option = buffer, *next; option && result == 0; option = next) {
		next = strchr(option, ',');
		if (next)
			*next++ = '\0';
		if (*option)
			result = configure(context, option);
	}
	return result;
}

int moat_isolate_mount_new(const char *type, const char *options, uint64_t attributes, int target,
                           const char *name)
{
	int context = fsopen(type, FSOPEN_CLOEXEC), mounted = -1, result;

	if (context < 0)
		return -errno;
	result = configure_all(context, options);
	if (result == 0 && fsconfig(context, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		result = -errno;
	if (result == 0) {
		mounted = fsmount(context, FSMOUNT_CLOEXEC, (unsigned)attributes);
		if (mounted < 0)
			result = -errno;
	}
	if (result == 0 &&
	    move_mount(mounted, "", target, name,
	               MOVE_MOUNT_F_EMPTY_PATH | (*name ? 0 : MOVE_MOUNT_T_EMPTY_PATH)) < 0)
		result = -errno;
	if (mounted >= 0)
		close(mounted);
	close(context);
	return result;
}

static int bind_entry(const struct moat_isolate_mount *planned)
{
	uint64_t attributes = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	int target = moat_isolate_open_target(planned->target, planned->directory), result;

	if (target < 0)
		return target;
	if (planned->entry->read_only)
		attributes |= MOUNT_ATTR_RDONLY;
	result = moat_isolate_bind(AT_FDCWD, planned->source, target, "", attributes);
	close(target);
	return result;
}

static int tmpfs_entry(const struct moat_isolate_mount *planned)
{
	int target = moat_isolate_open_target(planned->target, true), result;

	if (target < 0)
		return target;
	result = moat_isolate_mount_new("tmpfs", planned->options,
	                                MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, target, "");
	close(target);
	return result;
}

/*
 * A new procfs, which shows the processes of the PID namespace of the
 * process that mounts it: pid 1 of the sandbox's. What a process that is
 * root inside could write there is bound read-only over itself.
 */
static int proc_entry(const struct moat_isolate_mount *planned)
{
	uint64_t read_only =
	        MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	int target = moat_isolate_open_target(planned->target, true), proc, result;

	if (target < 0)
		return target;
	result = moat_isolate_mount_new(
	        "proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, target, "");
	close(target);
	/* Opened again, the mount point now leads into the new procfs. */
	proc = result < 0 ? result : moat_isolate_open_target(planned->target, true);
	for (size_t i = 0;
	     proc >= 0 && result == 0 && i < sizeof(proc_read_only) / sizeof(proc_read_only[0]);
	     i++) {
		result = moat_isolate_bind(proc, proc_read_only[i], proc, proc_read_only[i],
		                           read_only);
		if (result == -ENOENT)
			result = 0;
	}
	if (proc >= 0)
		close(proc);
	return proc < 0 ? proc : result;
}

static int symlink_entry(const struct moat_isolate_mount *planned)
{
	const char *leaf;
	int parent = open_parent(planned->target, &leaf), result = 0;

	if (parent < 0)
		return parent;
	if (symlinkat(planned->source, parent, leaf) < 0)
		result = -errno;
	close(parent);
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

static int entry_failed(const struct moat_mount *entry, int code, struct moat_error *error)
{
	struct moat_message message = moat_message_begin_at(error, code, &entry->location);

	moat_message_put(&message, kind_name(entry->kind));
	moat_message_put(&message, " ");
	if (entry->source) {
		moat_message_put(&message, entry->source);
		moat_message_put(&message, " ");
	}
	moat_message_put(&message, entry->destination);
	moat_message_put(&message, ": cannot make it in the new root: ");
	moat_message_put_reason(&message, -code);
	return moat_message_end(&message);
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
		return entry_failed(entry, result, error);
	return 0;
}
