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
 *     console in front (/dev/tty would be the supervisor's terminal), then
 *     injected with SECCOMP_IOCTL_NOTIF_ADDFD. The call itself never runs:
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
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "supervise/supervise.h"

#ifndef RESOLVE_CACHED
#define RESOLVE_CACHED 0x20 /* 5.12 */
#endif

#define RESOLVE_KNOWN                                                                              \
	(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH |         \
	 RESOLVE_IN_ROOT | RESOLVE_CACHED)

/* The flags open(2) and openat(2) pass on; the kernel drops the others silently. */
#define OPEN_FLAGS                                                                                 \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_SYNC |      \
	 O_DSYNC | FASYNC | O_DIRECT | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | \
	 O_TMPFILE)

/* O_TMPFILE without the O_DIRECTORY that glibc's definition includes. */
#define TMPFILE_BIT (O_TMPFILE & ~O_DIRECTORY)

/* With O_PATH, open(2) ignores every flag but these. */
#define O_PATH_FLAGS (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* The status flags F_SETFL changes. */
#define STATUS_FLAGS (O_APPEND | O_NONBLOCK | FASYNC | O_DIRECT | O_NOATIME)

/* The kernel's OPEN_HOW_SIZE_VER0 (this struct), and the most openat2 reads before E2BIG. */
#define OPEN_HOW_SIZE_MINIMUM sizeof(struct open_how)
#define OPEN_HOW_SIZE_MAXIMUM 4096

struct open_call {
	int dirfd;
	struct open_how how;
	char path[PATH_MAX];
};

static long openat2_call(int dirfd, const char *path, const struct open_how *how)
{
	return syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
}

/* openat2's `how`: the kernel's checks for a size it does not know, on our copy. */
static int read_how(const struct moat_request *request, uint64_t address, uint64_t size,
                    struct open_how *how)
{
	unsigned char copy[OPEN_HOW_SIZE_MAXIMUM] = {0};
	ssize_t got;

	if (size < OPEN_HOW_SIZE_MINIMUM)
		return -EINVAL;
	if (size > sizeof(copy))
		return -E2BIG;
	got = moat_memory_read_raw(&request->memory, address, copy, size);
	if (got < 0 || (uint64_t)got < size)
		return -EFAULT;
	for (size_t i = sizeof(*how); i < size; i++) {
		if (copy[i])
			return -E2BIG;
	}
	memcpy(how, copy, sizeof(*how));
	if (how->resolve & ~(uint64_t)RESOLVE_KNOWN)
		return -EINVAL;
	return 0;
}

/* open(2) and openat(2) as the kernel's build_open_how() reads them. */
static void legacy_how(uint64_t flags_argument, uint64_t mode_argument, struct open_how *how)
{
	int flags = (int)flags_argument;

	how->flags = (unsigned)flags & OPEN_FLAGS;
	if (how->flags & O_PATH)
		how->flags &= O_PATH_FLAGS;
	if (how->flags & (O_CREAT | TMPFILE_BIT))
		how->mode = (uint16_t)mode_argument & 07777;
}

/* Copies the call's arguments once, then checks the thread still waits. */
static int read_call(const struct moat_request *request, struct open_call *call)
{
	const uint64_t *args = request->notification.args;
	uint64_t path_address;
	int result = 0;

	memset(&call->how, 0, sizeof(call->how));
	switch (request->notification.syscall) {
#ifdef SYS_open /* not on aarch64 and riscv64 */
	case SYS_open:
		call->dirfd = AT_FDCWD;
		path_address = args[0];
		legacy_how(args[1], args[2], &call->how);
		break;
#endif
	case SYS_openat:
		call->dirfd = (int)args[0];
		path_address = args[1];
		legacy_how(args[2], args[3], &call->how);
		break;
	default: /* SYS_openat2 */
		call->dirfd = (int)args[0];
		path_address = args[1];
		result = read_how(request, args[2], args[3], &call->how);
		break;
	}
	if (result == 0) {
		int length = moat_memory_read_string_raw(&request->memory, path_address, call->path,
		                                         sizeof(call->path));

		if (length < 0)
			result = length;
		else if (length == 0)
			result = -ENOENT;
	}
	if (!moat_notify_id_valid(request->memory.listener, request->memory.id))
		return -ESRCH;
	/*
	 * The kernel cannot inject an O_PATH descriptor (ADDFD refuses them),
	 * so the sandbox gets a read-only one: what `open read` grants anyway.
	 */
	if ((call->how.flags & O_PATH) && !(call->how.flags & ~(uint64_t)O_PATH_FLAGS))
		call->how.flags = O_RDONLY | (call->how.flags & ~(uint64_t)O_PATH);
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
	if (fstatfs(fd, &filesystem) < 0 || filesystem.f_type == PROC_SUPER_MAGIC ||
	    opener_relative(fd)) {
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
                               const char *directory_path, const struct open_call *call)
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

static int open_relative(const struct moat_request *request, const struct open_call *call)
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
	struct open_call call;
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
