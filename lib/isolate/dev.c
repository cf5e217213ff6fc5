// SPDX-License-Identifier: MIT
/*
 * `dev DEST`: a minimal /dev on a tmpfs of its own.
 *  - null zero full random urandom tty: bind mounts of the host's nodes
 *    (a process in a user namespace cannot create device nodes, and the
 *    kernel refuses to open one on a filesystem mounted inside a user
 *    namespace), nosuid and noexec; a node the host lacks is left out;
 *  - pts: a new devpts instance, so the sandbox sees only the terminals it
 *    opens itself, with ptmx -> pts/ptmx;
 *  - shm: a tmpfs for POSIX shared memory, mode 1777, of the size the
 *    statement gives (64M by default: policy/ir.h);
 *  - fd, stdin, stdout, stderr: the usual links into /proc/self/fd;
 * then the tmpfs itself is made read-only.
 */
#include "isolate/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/message.h"

static const char *const devices[] = {"null", "zero", "full", "random", "urandom", "tty"};

static const struct {
	const char *target;
	const char *name;
} links[] = {
        {"pts/ptmx", "ptmx"},          {"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"},
        {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
};

/* The host's node `name` bound on an empty file of the same name in `dev`. */
static int bind_device(int host_dev, int dev, const char *name)
{
	struct stat status;

	if (fstatat(host_dev, name, &status, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (mknodat(dev, name, S_IFREG | 0644, 0) < 0)
		return -errno;
	return moat_isolate_bind(host_dev, name, dev, name, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
}

static int mount_in(int dev, const char *name, const char *type, uint64_t attributes,
                    const char *options)
{
	if (mkdirat(dev, name, 0755) < 0)
		return -errno;
	return moat_isolate_mount_new(type, options, attributes, dev, name);
}

static int make_links(int dev, const char **what)
{
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		*what = links[i].name;
		if (symlinkat(links[i].target, dev, links[i].name) < 0)
			return -errno;
	}
	return 0;
}

/*
 * The nodes, pts, shm (with `shm_options`) and links, in the fresh tmpfs
 * `dev`; then it is made read-only.
 */
static int fill_dev(int dev, const char *shm_options, const char **what)
{
	struct mount_attr read_only = {.attr_set = MOUNT_ATTR_RDONLY};
	int host_dev = open(MOAT_ISOLATE_OLD_ROOT "/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int result = host_dev < 0 ? -errno : 0;

	for (size_t i = 0; result == 0 && i < sizeof(devices) / sizeof(devices[0]); i++) {
		*what = devices[i];
		result = bind_device(host_dev, dev, devices[i]);
	}
	if (host_dev >= 0)
		close(host_dev);
	if (result == 0) {
		*what = "pts";
		result = mount_in(dev, "pts", "devpts", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
		                  "newinstance,ptmxmode=0666,mode=620");
	}
	if (result == 0) {
		*what = "shm";
		result = mount_in(dev, "shm", "tmpfs", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
		                  shm_options);
	}
	if (result == 0)
		result = make_links(dev, what);
	if (result == 0) {
		*what = "the tmpfs";
		if (mount_setattr(dev, "", AT_EMPTY_PATH, &read_only, sizeof(read_only)) < 0)
			result = -errno;
	}
	return result;
}

static int build_dev(const char *target, const char *shm_options, const char **what)
{
	int mount_point = moat_isolate_open_target(target, true), dev, result;

	*what = "the tmpfs";
	if (mount_point < 0)
		return mount_point;
	result = moat_isolate_mount_new("tmpfs", "mode=0755",
	                                MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
	                                mount_point, "");
	close(mount_point);
	if (result < 0)
		return result;
	/* Opened again, the mount point now leads into the new tmpfs. */
	dev = moat_isolate_open_target(target, true);
	if (dev < 0)
		return dev;
	result = fill_dev(dev, shm_options, what);
	close(dev);
	return result;
}

int moat_isolate_mount_dev(const struct moat_isolate_mount *mount, struct moat_error *error)
{
	const char *what = "";
	int result = build_dev(mount->target, mount->options, &what);

	struct moat_message message;

	if (result == 0)
		return 0;
	message = moat_message_begin_at(error, result, &mount->entry->location);
	moat_message_put(&message, "dev ");
	moat_message_put(&message, mount->entry->destination);
	moat_message_put(&message, ": cannot make ");
	moat_message_put(&message, what);
	moat_message_put(&message, " in the new root: ");
	moat_message_put_reason(&message, -result);
	return moat_message_end(&message);
}
