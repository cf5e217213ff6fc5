// SPDX-License-Identifier: MIT
/*
 * The walk of safe_path.h: one openat(O_PATH | O_NOFOLLOW) per component,
 * the remaining path kept in a buffer that a followed symlink's target is
 * put in front of, as the kernel's own resolution does.
 */
#include "util/safe_path.h"
#include "util/message.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

/* The kernel's limit on symlinks followed in one resolution. */
#define MAX_SYMLINKS 40

/* How many ".." steps up from a directory before giving up (and refusing). */
#define MAX_DEPTH 4096

#define PATH_FLAGS (O_PATH | O_NOFOLLOW | O_CLOEXEC)

static bool same_inode(const struct stat *left, const struct stat *right)
{
	return left->st_dev == right->st_dev && left->st_ino == right->st_ino;
}

/* True when `status` is one of the writable directories. */
static bool is_writable_directory(const struct stat *status, const struct moat_path_trust *trust)
{
	for (size_t i = 0; i < trust->writable_count; i++) {
		struct stat candidate;

		if (stat(trust->writable[i], &candidate) == 0 && same_inode(&candidate, status))
			return true;
	}
	return false;
}

/* True when `status` lies on a filesystem made for this run. */
static bool on_fresh_filesystem(const struct stat *status, const struct moat_path_trust *trust)
{
	for (size_t i = 0; i < trust->fresh_count; i++) {
		struct stat mount;

		if (stat(trust->fresh[i], &mount) == 0 && mount.st_dev == status->st_dev)
			return true;
	}
	return false;
}

/*
 * True when `directory` is at or below a writable directory, or when that
 * cannot be told (an error refuses rather than follows).
 */
static bool below_writable(int directory, const struct moat_path_trust *trust)
{
	int current = fcntl(directory, F_DUPFD_CLOEXEC, 0);
	bool below = true;

	if (current < 0)
		return true;
	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		struct stat here, up;
		int parent;

		if (fstat(current, &here) < 0)
			break;
		if (is_writable_directory(&here, trust))
			break;
		parent = openat(current, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (parent < 0 || fstat(parent, &up) < 0) {
			if (parent >= 0)
				close(parent);
			break;
		}
		close(current);
		current = parent;
		if (same_inode(&here, &up)) {
			below = false; /* the root, and nothing writable on the way */
			break;
		}
	}
	close(current);
	return below;
}

/* Why a symlink in `directory` may not be followed, or NULL when it may. */
static const char *distrust(int directory, const struct moat_path_trust *trust)
{
	struct stat status;

	if (fstat(directory, &status) < 0)
		return "its directory cannot be examined";
	if (on_fresh_filesystem(&status, trust))
		return NULL;
	if (status.st_uid != 0)
		return "its directory is not owned by root";
	if (status.st_mode & (S_IWGRP | S_IWOTH))
		return "its directory is writable by group or others";
	if (below_writable(directory, trust))
		return "the policy lets the sandbox write its directory";
	return NULL;
}

/* Appends "/name" to `path` (or "name" after the root). */
static int append(char *path, const char *name, size_t length)
{
	size_t used = strlen(path), slash = used > 1;

	if (used + slash + length + 1 > PATH_MAX)
		return -ENAMETOOLONG;
	if (slash)
		path[used++] = '/';
	memcpy(path + used, name, length);
	path[used + length] = '\0';
	return 0;
}

static void drop_last(char *path)
{
	char *slash = strrchr(path, '/');

	if (slash == path)
		path[1] = '\0';
	else if (slash)
		*slash = '\0';
}

/* Puts `target` in front of `rest` in `pending`: the path still to walk. */
static int continue_at(char *pending, size_t size, const char *target, const char *rest)
{
	size_t target_length = strlen(target), rest_length = strlen(rest);

	if (target_length + 1 + rest_length + 1 > size)
		return -ENAMETOOLONG;
	memmove(pending + target_length + 1, rest, rest_length + 1);
	memcpy(pending, target, target_length);
	pending[target_length] = '/';
	return 0;
}

struct walk {
	int directory; /* where the walk is */
	char pending[2 * PATH_MAX];
	int symlinks;
	struct moat_safe_path *found;
};

/*
 * The symlink `link`, named `name` in the walk's directory: refused, or its
 * target put in front of the rest of the path (returns 1: walk from the
 * start of the buffer again).
 */
static int follow(struct walk *walk, int link, const char *name, size_t length, const char *rest,
                  const struct moat_path_trust *trust)
{
	char target[PATH_MAX];
	const char *reason = distrust(walk->directory, trust);
	ssize_t size;
	int result;

	if (reason) {
		memcpy(walk->found->symlink, walk->found->resolved, PATH_MAX);
		walk->found->reason = reason;
		return append(walk->found->symlink, name, length) < 0 ? -ENAMETOOLONG : -ELOOP;
	}
	if (++walk->symlinks > MAX_SYMLINKS)
		return -ELOOP;
	size = readlinkat(link, "", target, sizeof(target) - 1);
	if (size <= 0)
		return size < 0 ? -errno : -ENOENT;
	target[size] = '\0';
	if (target[0] == '/') {
		int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (root < 0)
			return -errno;
		close(walk->directory);
		walk->directory = root;
		strcpy(walk->found->resolved, "/");
	}
	result = continue_at(walk->pending, sizeof(walk->pending), target, rest);
	return result < 0 ? result : 1;
}

/*
 * One component of `walk->pending`, `length` bytes at `name`, the rest
 * after it. Returns 0, 1 when a symlink rewrote the buffer, or an error.
 */
static int step(struct walk *walk, const char *name, size_t length,
                const struct moat_path_trust *trust)
{
	char component[NAME_MAX + 1];
	struct stat status;
	int next, result;

	if (length > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(component, name, length);
	component[length] = '\0';
	if (!strcmp(component, "."))
		return 0;
	if (!strcmp(component, "..")) {
		next = openat(walk->directory, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (next < 0)
			return -errno;
		close(walk->directory);
		walk->directory = next;
		walk->found->directory = true;
		drop_last(walk->found->resolved);
		return 0;
	}
	next = openat(walk->directory, component, PATH_FLAGS);
	if (next < 0)
		return -errno;
	if (fstat(next, &status) < 0) {
		result = -errno;
	} else if (S_ISLNK(status.st_mode)) {
		result = follow(walk, next, component, length, name + length, trust);
	} else {
		result = append(walk->found->resolved, component, length);
		if (result == 0) {
			close(walk->directory);
			walk->directory = next;
			walk->found->directory = S_ISDIR(status.st_mode);
			return 0;
		}
	}
	close(next);
	return result;
}

/*
 * `path` as the walk names it when it meets no symlink: "." dropped, ".."
 * taking off the last name, one slash between names. Returns false when it
 * does not fit (the walk then says why).
 */
static bool resolve_without_symlinks(const char *path, char *resolved)
{
	strcpy(resolved, "/");
	for (size_t at = 0;;) {
		size_t part;

		while (path[at] == '/')
			at++;
		if (!path[at])
			return true;
		part = strcspn(path + at, "/");
		if (part == 2 && !strncmp(path + at, "..", 2))
			drop_last(resolved);
		else if (!(part == 1 && path[at] == '.') && append(resolved, path + at, part) < 0)
			return false;
		at += part;
	}
}

/*
 * The walk in one system call, for the usual path that goes through no
 * symlink at all: openat2 with RESOLVE_NO_SYMLINKS opens exactly what the
 * walk would (the walk only ever differs at a symlink) and fails with ELOOP
 * at the first symlink, magic links included. Any failure (a symlink, an
 * absent file, a kernel before 5.6) returns -1 and leaves the answer to the
 * walk, so every refusal and every error message stays the walk's.
 */
static int open_without_symlinks(const char *path, struct moat_safe_path *found)
{
	struct open_how how = {
	        .flags = O_PATH | O_CLOEXEC,
	        .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	struct stat status;
	int fd;

	if (!resolve_without_symlinks(path, found->resolved))
		return -1;
	fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0)
		return -1;
	if (fstat(fd, &status) < 0) {
		close(fd);
		return -1;
	}
	found->directory = S_ISDIR(status.st_mode);
	return fd;
}

int moat_safe_path_open(const char *path, const struct moat_path_trust *trust,
                        struct moat_safe_path *found)
{
	struct walk walk = {.found = found};
	size_t length = strlen(path);
	int result = 0;

	strcpy(found->resolved, "/");
	found->symlink[0] = '\0';
	found->reason = NULL;
	found->directory = true; /* the root, until a component is opened */
	if (path[0] != '/')
		return -EINVAL;
	if (length >= sizeof(walk.pending))
		return -ENAMETOOLONG;
	result = open_without_symlinks(path, found);
	if (result >= 0)
		return result;
	result = 0;
	strcpy(found->resolved, "/");
	memcpy(walk.pending, path, length + 1);
	walk.directory = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (walk.directory < 0)
		return -errno;
	for (size_t at = 0; result == 0;) {
		size_t part;

		while (walk.pending[at] == '/')
			at++;
		if (!walk.pending[at])
			break;
		part = strcspn(walk.pending + at, "/");
		result = step(&walk, walk.pending + at, part, trust);
		if (result == 1) {
			result = 0;
			at = 0;
		} else {
			at += part;
		}
	}
	if (result == 0 && path[length - 1] == '/' && !found->directory)
		result = -ENOTDIR;
	if (result < 0) {
		close(walk.directory);
		return result;
	}
	return walk.directory;
}

int moat_safe_path_refused(struct moat_error *error, const struct moat_location *location,
                           const char *what, const char *path, const struct moat_safe_path *found)
{
	struct moat_message message = moat_message_begin(error, -ELOOP);

	moat_message_put_location(&message, location);
	moat_message_put(&message, what);
	moat_message_put(&message, " '");
	moat_message_put(&message, path);
	moat_message_put(&message, "' goes through the symlink ");
	moat_message_put(&message, found->symlink);
	moat_message_put(&message, ", which a sandbox could have planted (");
	moat_message_put(&message, found->reason);
	moat_message_put(&message, "); name the symlink's target instead");
	return -ELOOP;
}
