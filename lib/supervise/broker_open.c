// SPDX-License-Identifier: MIT
/*
 * open, openat and openat2 on the sandbox's behalf, below a granted path.
 *
 * The safety argument, step by step:
 *  1. Everything the call points to (the path, openat2's `struct open_how`)
 *     is copied out of the sandbox's memory once, and the copy is used only
 *     after SECCOMP_IOCTL_NOTIF_ID_VALID says the thread still waits: a
 *     second thread that rewrites the buffer meanwhile changes nothing.
 *  2. The copy is matched by name against the grants (lexically: repeated
 *     slashes and `.` go, `..` stays for the kernel), which gives a path
 *     relative to a granted directory.
 *  3. The supervisor opens that relative path with openat2(2) from the
 *     directory descriptor it opened itself when the sandbox was added, with
 *     RESOLVE_BENEATH (no `..`, absolute symlink or mount crossing out of
 *     it) and RESOLVE_NO_MAGICLINKS (no /proc/PID/fd or /proc/PID/root
 *     jumps). The kernel resolves each component once, so no rename or
 *     symlink swap can make the result lie outside the grant.
 *  4. The file is checked not to be on procfs (a grant that reaches a proc
 *     mount would otherwise open the supervisor's own /proc files), nor one
 *     of the devices that open something chosen by who opens them or by the
 *     console in front (/dev/tty would be the supervisor's terminal; a file
 *     on a nodev mount cannot be a device), then injected with
 *     SECCOMP_IOCTL_NOTIF_ADDFD. The call itself never runs:
 *     no SECCOMP_USER_NOTIF_FLAG_CONTINUE.
 * Relative paths and dirfd arguments are turned into absolute paths from
 * the name of the sandbox's directory (its cwd through /proc/TID/cwd, a
 * dirfd through pidfd_getfd(2)), after checking that the name leads to that
 * very directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h> /* ST_NODEV */
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "supervise/supervise.h"

/* O_TMPFILE without the O_DIRECTORY that glibc's definition includes. */
#define TMPFILE_BIT (O_TMPFILE & ~O_DIRECTORY)

/* The status flags F_SETFL changes. */
#define STATUS_FLAGS (O_APPEND | O_NONBLOCK | FASYNC | O_DIRECT | O_NOATIME)

static long openat2_call(int dirfd, const char *path, const struct open_how *how)
{
	return syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
}

/* Copies the call's arguments once (decode.c), then checks the thread still waits. */
static int read_call(const struct moat_request *request, struct moat_open_call *call)
{
	struct moat_memory_source memory = moat_memory_source(&request->memory);
	int result = moat_decode_open(request->notification.syscall, request->notification.args,
	                              &memory, call);

	if (!moat_notify_id_valid(request->memory.listener, request->memory.id))
		return -ESRCH;
	return result;
}

static bool needs_write(const struct open_how *how)
{
	return (how->flags & O_ACCMODE) != O_RDONLY ||
	       (how->flags & (O_CREAT | O_TRUNC | TMPFILE_BIT));
}

/* The sandbox's directory for a relative path: its cwd, or a dup of its dirfd. */
static int sandbox_directory(const struct moat_request *request, int dirfd)
{
	int fd, result;

	if (dirfd == AT_FDCWD) {
		char link[64];

		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)request->notification.pid);
		fd = open(link, O_PATH | O_DIRECTORY | O_CLOEXEC);
		result = fd < 0 ? -errno : 0;
	} else {
		int pidfd = moat_request_pidfd(request);

		if (pidfd < 0)
			return pidfd;
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, dirfd, 0);
		result = fd < 0 ? -errno : 0;
		close(pidfd);
	}
	if (fd < 0)
		return result == -ENOENT ? -ESRCH : result;
	/* The pid may have been reused: only a waiting notification proves it was the caller's. */
	if (!moat_notify_id_valid(request->memory.listener, request->memory.id)) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

static bool same_file(int left, int right)
{
	struct stat a, b;

	return fstat(left, &a) == 0 && fstat(right, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/*
 * The supervisor's name for the sandbox's directory `fd`: the path the
 * kernel reports, checked to lead to that directory from the supervisor's
 * root (a directory of another mount namespace may have a misleading name).
 */
static int directory_name(int fd, char *name, size_t size)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
	                       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	char link[64], target[PATH_MAX];
	struct stat status;
	ssize_t length;
	int check;

	if (fstat(fd, &status) < 0)
		return -errno;
	if (!S_ISDIR(status.st_mode))
		return -ENOTDIR;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	length = readlink(link, target, sizeof(target) - 1);
	if (length <= 0 || target[0] != '/')
		return -EACCES;
	target[length] = '\0';
	check = (int)openat2_call(AT_FDCWD, target, &how);
	if (check < 0)
		return -EACCES;
	length = same_file(fd, check) ? moat_path_normalise(target, name, size) : -EACCES;
	close(check);
	return length < 0 ? (int)length : 0;
}

/*
 * Character devices whose open reaches something picked by the opener or
 * the console, not the node: refused, whatever grant reaches them.
 */
static const struct {
	unsigned major, minor;
} opener_relative_devices[] = {
        {5, 0},   /* /dev/tty: the opener's controlling terminal */
        {5, 1},   /* /dev/console: the system console */
        {5, 2},   /* /dev/ptmx, /dev/pts/ptmx: a new pty in the opener's devpts */
        {4, 0},   /* /dev/tty0: the virtual console in front */
        {7, 0},   /* /dev/vcs: the text on that console */
        {7, 64},  /* /dev/vcsu */
        {7, 128}, /* /dev/vcsa */
};

/*
 * Checked on the opened file itself, so no swap of the name between check
 * and use matters. Opening one of them first is harmless: O_NOCTTY keeps
 * the terminal from becoming anyone's controlling terminal, and a pty that
 * /dev/ptmx made goes away with the descriptor, unread.
 */
static bool opener_relative(int fd)
{
	struct stat status;

	if (fstat(fd, &status) < 0)
		return true;
	if (!S_ISCHR(status.st_mode))
		return false;
	for (size_t i = 0; i < sizeof(opener_relative_devices) / sizeof(*opener_relative_devices);
	     i++) {
		if (major(status.st_rdev) == opener_relative_devices[i].major &&
		    minor(status.st_rdev) == opener_relative_devices[i].minor)
			return true;
	}
	return false;
}

/*
 * openat2 as the supervisor does it: never a controlling terminal, never
 * blocking on a FIFO or a lease (O_NONBLOCK, taken off again unless the
 * sandbox asked for it), close-on-exec in the supervisor, nothing on
 * procfs and no opener-relative device.
 */
static int open_checked(int dirfd, const char *path, const struct open_how *sandbox,
                        uint64_t resolve)
{
	struct open_how how = *sandbox;
	struct statfs filesystem;
	int fd;

	how.resolve = resolve;
	how.flags |= O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	fd = (int)openat2_call(dirfd, path, &how);
	if (fd < 0)
		return -errno;
	/*
	 * On a nodev mount the kernel refuses to open a device node (may_open():
	 * EACCES), so a file opened there is no device and needs no fstat.
	 */
	if (fstatfs(fd, &filesystem) < 0 || filesystem.f_type == PROC_SUPER_MAGIC ||
	    (!(filesystem.f_flags & ST_NODEV) && opener_relative(fd))) {
		close(fd);
		return -EACCES;
	}
	if (!(sandbox->flags & O_NONBLOCK) &&
	    fcntl(fd, F_SETFL, (int)(sandbox->flags & STATUS_FLAGS)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* The granted file itself: reopened through the supervisor's own descriptor. */
static int reopen_file(const struct moat_open_grant *grant, const struct open_how *sandbox)
{
	struct open_how how = *sandbox;
	char link[64];

	how.flags &= ~(uint64_t)O_NOFOLLOW; /* the link is the supervisor's own fd */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", grant->fd);
	return open_checked(AT_FDCWD, link, &how, 0);
}

static int open_below(const struct moat_open_grant *grant, const char *relative,
                      const struct open_how *sandbox)
{
	if (!grant->directory)
		return reopen_file(grant, sandbox);
	return open_checked(grant->fd, relative, sandbox,
	                    sandbox->resolve | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
}

/*
 * Tries the grants whose name covers `path`, most specific first. One that
 * the path escapes (EXDEV: `..` or a symlink out of it) gives way to the
 * next; any other answer is final. Returns an fd or a negative errno.
 */
static int open_granted(const struct moat_grants *grants, const char *path,
                        const struct open_how *how)
{
	bool write = needs_write(how);

	for (size_t i = 0; i < grants->name_count; i++) {
		const struct moat_grant_name *name = &grants->names[i];
		const char *relative = moat_grant_below(name, path);
		int fd;

		if (!relative || (write && !name->grant->write))
			continue;
		fd = open_below(name->grant, relative, how);
		if (fd != -EXDEV)
			return fd;
	}
	return -EACCES;
}

/*
 * RESOLVE_BENEATH or RESOLVE_IN_ROOT from the sandbox: the path must stay
 * below its directory, so it is resolved from that directory, reached from
 * a grant that covers it.
 */
static int open_from_directory(const struct moat_grants *grants, int directory,
                               const char *directory_path, const struct moat_open_call *call)
{
	struct open_how reach = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
	                         .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS |
	                                    RESOLVE_NO_SYMLINKS};
	bool write = needs_write(&call->how);

	for (size_t i = 0; i < grants->name_count; i++) {
		const struct moat_grant_name *name = &grants->names[i];
		const char *relative = moat_grant_below(name, directory_path);
		int below, fd;

		if (!relative || !name->grant->directory || (write && !name->grant->write))
			continue;
		below = (int)openat2_call(name->grant->fd, relative, &reach);
		if (below < 0)
			continue;
		fd = same_file(below, directory)
		             ? open_checked(below, call->path, &call->how,
		                            call->how.resolve | RESOLVE_NO_MAGICLINKS)
		             : -EACCES;
		close(below);
		return fd;
	}
	return -EACCES;
}

static int open_relative(const struct moat_request *request, const struct moat_open_call *call)
{
	char directory_path[PATH_MAX], joined[2 * PATH_MAX], path[PATH_MAX];
	int directory = sandbox_directory(request, call->dirfd);
	int result;

	if (directory < 0)
		return directory;
	result = directory_name(directory, directory_path, sizeof(directory_path));
	if (result == 0 && (call->how.resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT))) {
		result = open_from_directory(&request->sandbox->grants, directory, directory_path,
		                             call);
	} else if (result == 0) {
		snprintf(joined, sizeof(joined), "%s/%s", directory_path, call->path);
		result = moat_path_normalise(joined, path, sizeof(path));
		if (result >= 0)
			result = open_granted(&request->sandbox->grants, path, &call->how);
	}
	close(directory);
	return result;
}

void moat_broker_open(const struct moat_request *request, struct moat_reply *reply)
{
	struct moat_open_call call;
	char path[PATH_MAX];
	int result = read_call(request, &call);

	if (result == 0 && call.path[0] == '/' &&
	    !(call.how.resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT))) {
		result = moat_path_normalise(call.path, path, sizeof(path));
		if (result >= 0)
			result = open_granted(&request->sandbox->grants, path, &call.how);
	} else if (result == 0) {
		result = open_relative(request, &call);
	}
	if (result < 0) {
		reply->kind = MOAT_REPLY_ERRNO;
		reply->error = -result;
		return;
	}
	reply->kind = MOAT_REPLY_FD;
	reply->fd = result;
	reply->fd_flags = call.how.flags & O_CLOEXEC;
}
