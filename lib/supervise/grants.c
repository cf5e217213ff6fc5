// SPDX-License-Identifier: MIT
/*
 * One sandbox's [broker] rules, ready to serve: each granted path is opened
 * O_PATH when the sandbox is added, and every later open is resolved from
 * that descriptor, never from the path again. So a grant names what the
 * path was when the sandbox started; renaming things on the way to it later
 * moves nothing in or out of the grant.
 *
 * Granted paths are opened with moat_safe_path_open(): never through a
 * symlink that a sandbox could have planted in an earlier run (one whose
 * directory the policy lets it write, or that root does not own), since the
 * next run's grant would then cover whatever the link points to. A granted
 * unix socket is pinned the same way, and connected to through
 * /proc/self/fd/N of that descriptor, never by its path again.
 *
 * Paths the sandbox asks for are matched to grants by name: the name the
 * policy wrote and the name the kernel reports for the opened descriptor
 * (they differ when the written path goes through a symlink). Matching is
 * only the first step; the kernel's RESOLVE_BENEATH decides the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <unistd.h>

#include "policy/path_trust.h"
#include "supervise/supervise.h"
#include "util/error.h"
#include "util/safe_path.h"

int moat_path_normalise(const char *path, char *out, size_t size)
{
	size_t length = 0;
	bool directory = false;

	if (size < 2)
		return -ENAMETOOLONG;
	out[length++] = '/';
	while (*path) {
		size_t part;

		while (*path == '/')
			path++;
		part = strcspn(path, "/");
		directory = part == 0 || (part == 1 && path[0] == '.');
		if (directory) {
			path += part;
			continue;
		}
		if (length + (length > 1) + part + 2 > size)
			return -ENAMETOOLONG;
		if (length > 1)
			out[length++] = '/';
		memcpy(out + length, path, part);
		length += part;
		path += part;
	}
	if (directory && length > 1)
		out[length++] = '/';
	out[length] = '\0';
	return (int)length;
}

const char *moat_grant_below(const struct moat_grant_name *name, const char *path)
{
	const char *rest;

	if (name->length == 1) /* the root */
		rest = path + 1;
	else if (strncmp(path, name->path, name->length) != 0)
		return NULL;
	else if (path[name->length] == '\0')
		return ".";
	else if (path[name->length] != '/')
		return NULL;
	else
		rest = path + name->length + 1;
	if (!name->grant->directory)
		return NULL; /* a file grant covers its own name only */
	return *rest ? rest : ".";
}

/* The path the kernel reports for `fd`, when it is a plain absolute one. */
static char *kernel_path(struct moat_arena *arena, int fd)
{
	char link[64], target[PATH_MAX];
	ssize_t length;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	length = readlink(link, target, sizeof(target) - 1);
	if (length <= 0 || target[0] != '/')
		return NULL;
	target[length] = '\0';
	return moat_arena_strdup(arena, target);
}

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U /* 5.8 */
#endif

/* Records the grant's mount when it is not procfs (see struct moat_open_grant). */
static void note_plain_mount(struct moat_open_grant *grant)
{
	struct statx status;
	struct statfs filesystem;

	if (statx(grant->fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &status) < 0 ||
	    !(status.stx_mask & STATX_MNT_ID) || fstatfs(grant->fd, &filesystem) < 0 ||
	    filesystem.f_type == PROC_SUPER_MAGIC)
		return;
	grant->plain_mount_known = true;
	grant->plain_mount = status.stx_mnt_id;
}

/* Opens a granted path safely; the descriptor, or a negative errno with `error` filled. */
static int open_safely(const char *path, const struct moat_path_trust *trust,
                       const struct moat_location *location, struct moat_error *error)
{
	struct moat_safe_path found;
	int fd = moat_safe_path_open(path, trust, &found);

	if (fd == -ELOOP && found.symlink[0])
		return moat_safe_path_refused(error, location, "granted path", path, &found);
	if (fd < 0)
		return moat_error_set_at(error, fd, location, "cannot open the granted path %s: %s",
		                         path, strerrordesc_np(-fd));
	return fd;
}

static int open_grant(struct moat_grants *grants, struct moat_open_grant *grant,
                      const struct moat_broker_open *rule, const struct moat_path_trust *trust,
                      struct moat_error *error)
{
	char name[PATH_MAX];
	struct stat status;

	grant->write = rule->write;
	if (moat_path_normalise(rule->path, name, sizeof(name)) < 0)
		return moat_error_set_at(error, -ENAMETOOLONG, &rule->location,
		                         "granted path is too long: %s", rule->path);
	grant->fd = open_safely(rule->path, trust, &rule->location, error);
	if (grant->fd < 0)
		return grant->fd;
	if (fstat(grant->fd, &status) < 0)
		return moat_error_set_at(error, -errno, &rule->location, "cannot stat %s: %s",
		                         rule->path, strerrordesc_np(errno));
	grant->directory = S_ISDIR(status.st_mode);
	note_plain_mount(grant);
	/* A granted directory is named without its trailing slash. */
	if (grant->directory && name[1] && name[strlen(name) - 1] == '/')
		name[strlen(name) - 1] = '\0';
	grant->name = moat_arena_strdup(&grants->arena, name);
	grant->real = kernel_path(&grants->arena, grant->fd);
	if (grant->real && !strcmp(grant->real, grant->name))
		grant->real = NULL;
	return grant->name ? 0 : moat_error_set(error, -ENOMEM, "out of memory");
}

/*
 * A `connect` grant: TCP addresses are connected to as written; a unix
 * socket is opened now and connected to through /proc/self/fd/N.
 */
static int pin_connect(struct moat_connect_grant *grant, const struct moat_broker_connect *rule,
                       const struct moat_path_trust *trust, struct moat_error *error)
{
	const struct sockaddr_un *address = (const void *)&rule->address;
	struct sockaddr_un *target = (void *)&grant->target;
	struct stat status;

	grant->address = rule->address;
	grant->length = rule->address_length;
	grant->target = rule->address;
	grant->target_length = rule->address_length;
	if (rule->family != AF_UNIX)
		return 0;
	grant->fd = open_safely(address->sun_path, trust, &rule->location, error);
	if (grant->fd < 0)
		return grant->fd;
	if (fstat(grant->fd, &status) < 0 || !S_ISSOCK(status.st_mode))
		return moat_error_set_at(error, -ENOTSOCK, &rule->location,
		                         "the granted path %s is not a unix socket",
		                         address->sun_path);
	memset(target->sun_path, 0, sizeof(target->sun_path));
	snprintf(target->sun_path, sizeof(target->sun_path), "/proc/self/fd/%d", grant->fd);
	grant->target_length =
	        (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(target->sun_path) + 1);
	return 0;
}

/* Longer names first, so the most specific grant is tried first. */
static int longer_first(const void *a, const void *b)
{
	const struct moat_grant_name *left = a, *right = b;

	if (left->length != right->length)
		return left->length < right->length ? 1 : -1;
	return left->grant < right->grant ? -1 : left->grant > right->grant;
}

static int index_names(struct moat_grants *grants)
{
	grants->names = moat_arena_array(&grants->arena, 2 * grants->open_count + 1,
	                                 sizeof(*grants->names));
	if (!grants->names)
		return -ENOMEM;
	for (size_t i = 0; i < grants->open_count; i++) {
		const struct moat_open_grant *grant = &grants->opens[i];
		const char *names[2] = {grant->name, grant->real};

		for (size_t k = 0; k < 2; k++) {
			if (names[k])
				grants->names[grants->name_count++] =
				        (struct moat_grant_name){grant, names[k], strlen(names[k])};
		}
	}
	qsort(grants->names, grants->name_count, sizeof(*grants->names), longer_first);
	return 0;
}

int moat_grants_build(struct moat_grants *grants, const struct moat_policy *policy,
                      struct moat_error *error)
{
	const struct moat_broker_section *broker = policy ? &policy->broker : NULL;
	struct moat_path_trust trust;
	int result = 0;

	memset(grants, 0, sizeof(*grants));
	if (!broker)
		return 0;
	if (moat_policy_path_trust(policy, MOAT_TRUST_HOST, &grants->arena, &trust) < 0)
		return moat_error_set(error, -ENOMEM, "out of memory");
	grants->opens =
	        moat_arena_array(&grants->arena, broker->open_count + 1, sizeof(*grants->opens));
	grants->connects = moat_arena_array(&grants->arena, broker->connect_count + 1,
	                                    sizeof(*grants->connects));
	if (!grants->opens || !grants->connects)
		result = moat_error_set(error, -ENOMEM, "out of memory");
	for (size_t i = 0; result == 0 && i < broker->open_count; i++) {
		grants->opens[i].fd = -1;
		grants->open_count++;
		result = open_grant(grants, &grants->opens[i], &broker->opens[i], &trust, error);
	}
	for (size_t i = 0; result == 0 && i < broker->connect_count; i++) {
		grants->connects[i].fd = -1;
		grants->connect_count++;
		result = pin_connect(&grants->connects[i], &broker->connects[i], &trust, error);
	}
	if (result == 0 && index_names(grants) < 0)
		result = moat_error_set(error, -ENOMEM, "out of memory");
	if (result < 0)
		moat_grants_release(grants);
	return result;
}

void moat_grants_release(struct moat_grants *grants)
{
	for (size_t i = 0; i < grants->open_count; i++) {
		if (grants->opens[i].fd >= 0)
			close(grants->opens[i].fd);
	}
	for (size_t i = 0; i < grants->connect_count; i++) {
		if (grants->connects[i].fd >= 0)
			close(grants->connects[i].fd);
	}
	moat_arena_release(&grants->arena);
	memset(grants, 0, sizeof(*grants));
}
