// SPDX-License-Identifier: MIT
/*
 * `dev DEST`: a minimal /dev on a tmpfs of its own.
 *  - null zero full random urandom tty: bind mounts of the host's nodes
 *    (a process in a user namespace cannot create device nodes, and the
 *    kernel refuses to open one on a filesystem mounted inside a user
 *    namespace), nosuid and noexec; a node the host lacks is left out;
 *  - pts: a new devpts instance, so the sandbox sees only the terminals it
 *    opens itself, with ptmx -> pts/ptmx;
 *  - shm: a tmpfs for POSIX shared memory, mode 1777;
 *  - fd, stdin, stdout, stderr: the usual links into /proc/self/fd;
 * then the tmpfs itself is made read-only.
 */
#include "isolate/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"

static const char *const devices[] = {"/null", "/zero", "/full", "/random", "/urandom", "/tty"};

static const struct {
	const char *target;
	const char *name;
} links[] = {
        {"pts/ptmx", "/ptmx"},          {"/proc/self/fd", "/fd"},
        {"/proc/self/fd/0", "/stdin"},  {"/proc/self/fd/1", "/stdout"},
        {"/proc/self/fd/2", "/stderr"},
};

/* `*what` names the part that failed, for the message. */
static int bind_device(const char *target, const char *name, const char **what)
{
	char source[PATH_MAX], path[PATH_MAX];
	struct stat status;
	int result = moat_isolate_join(source, sizeof(source), MOAT_ISOLATE_OLD_ROOT "/dev", name);

	*what = name + 1;
	if (result == 0)
		result = moat_isolate_join(path, sizeof(path), target, name);
	if (result < 0)
		return result;
	if (stat(source, &status) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (mknod(path, S_IFREG | 0644, 0) < 0)
		return -errno;
	return moat_isolate_bind(source, path, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
}

static int mount_in(const char *target, const char *name, const char *type, unsigned long flags,
                    const char *options)
{
	char path[PATH_MAX];
	int result = moat_isolate_join(path, sizeof(path), target, name);

	if (result == 0 && mkdir(path, 0755) < 0)
		result = -errno;
	if (result == 0 && mount(type, path, type, flags, options) < 0)
		result = -errno;
	return result;
}

static int make_links(const char *target, const char **what)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		int result = moat_isolate_join(path, sizeof(path), target, links[i].name);

		*what = links[i].name + 1;
		if (result == 0 && symlink(links[i].target, path) < 0)
			result = -errno;
		if (result < 0)
			return result;
	}
	return 0;
}

static int build_dev(const char *target, const char **what)
{
	struct mount_attr read_only = {.attr_set = MOUNT_ATTR_RDONLY};
	int result;

	*what = "the tmpfs";
	result = moat_isolate_make_parents(target);
	if (result == 0 && mkdir(target, 0755) < 0 && errno != EEXIST)
		result = -errno;
	if (result == 0 &&
	    mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") < 0)
		result = -errno;
	for (size_t i = 0; result == 0 && i < sizeof(devices) / sizeof(devices[0]); i++)
		result = bind_device(target, devices[i], what);
	if (result == 0) {
		*what = "pts";
		result = mount_in(target, "/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		                  "newinstance,ptmxmode=0666,mode=620");
	}
	if (result == 0) {
		*what = "shm";
		result = mount_in(target, "/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	}
	if (result == 0)
		result = make_links(target, what);
	if (result == 0) {
		*what = "the tmpfs";
		if (mount_setattr(AT_FDCWD, target, 0, &read_only, sizeof(read_only)) < 0)
			result = -errno;
	}
	return result;
}

int moat_isolate_mount_dev(const struct moat_isolate_mount *mount, struct moat_error *error)
{
	const char *what = "";
	int result = build_dev(mount->target, &what);

	if (result < 0)
		return moat_error_set_at(error, result, &mount->entry->location,
		                         "dev %s: cannot make %s in the new root: %s",
		                         mount->entry->destination, what,
		                         moat_isolate_strerror(result));
	return 0;
}
