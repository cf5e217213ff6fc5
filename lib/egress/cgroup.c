// SPDX-License-Identifier: MIT
/*
 * The sandbox's cgroup v2: where the hierarchy is mounted (never assumed:
 * a hybrid layout has it at /sys/fs/cgroup/unified), making one named after
 * its owner, removing it, and removing the ones that a moat which died left
 * behind (docs/network.md "Cleanup").
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "egress/internal.h"
#include "util/error.h"

#define NAME_PREFIX "moat-egress-"

/* Undoes mountinfo's octal escapes (\040 for a blank) in place. */
static void unescape(char *text)
{
	char *out = text;

	for (char *in = text; *in; in++) {
		if (in[0] == '\\' && isdigit((unsigned char)in[1]) &&
		    isdigit((unsigned char)in[2]) && isdigit((unsigned char)in[3])) {
			*out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
			in += 3;
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
}

/* Fields 4 (root) and 5 (mount point) of a mountinfo line whose type after " - " is cgroup2. */
static bool parse_cgroup2_line(char *line, char **root, char **mount_point)
{
	char *separator = strstr(line, " - ");
	char *fields[5];
	char *cursor = line;

	if (!separator || strncmp(separator + 3, "cgroup2 ", 8) != 0)
		return false;
	*separator = '\0';
	for (int i = 0; i < 5; i++) {
		fields[i] = strsep(&cursor, " ");
		if (!fields[i])
			return false;
	}
	unescape(fields[3]);
	unescape(fields[4]);
	*root = fields[3];
	*mount_point = fields[4];
	return true;
}

int moat_egress_find_cgroup2(char *mount_point, size_t size, char *root, size_t root_size)
{
	FILE *mountinfo = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *found_root, *found_mount;
	size_t capacity = 0;
	int result = -ENOENT;

	if (!mountinfo)
		return -errno;
	while (result == -ENOENT && getline(&line, &capacity, mountinfo) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (!parse_cgroup2_line(line, &found_root, &found_mount))
			continue;
		if (strlen(found_mount) >= size || strlen(found_root) >= root_size)
			result = -ENAMETOOLONG;
		else {
			strcpy(mount_point, found_mount);
			strcpy(root, found_root);
			result = 0;
		}
	}
	free(line);
	fclose(mountinfo);
	return result;
}

int moat_egress_cgroup2_mounts(char mounts[][PATH_MAX], size_t capacity, size_t *count)
{
	FILE *mountinfo = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *root, *mount_point;
	size_t length = 0;
	int result = 0;

	*count = 0;
	if (!mountinfo)
		return -errno;
	while (result == 0 && getline(&line, &length, mountinfo) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (!parse_cgroup2_line(line, &root, &mount_point))
			continue;
		if (*count == capacity || strlen(mount_point) >= PATH_MAX)
			result = -E2BIG;
		else
			strcpy(mounts[(*count)++], mount_point);
	}
	free(line);
	fclose(mountinfo);
	return result;
}

/* This process's cgroup v2 path ("0::/PATH" in /proc/self/cgroup). */
static int own_cgroup(char *path, size_t size)
{
	FILE *file = fopen("/proc/self/cgroup", "re");
	char *line = NULL;
	size_t capacity = 0;
	int result = -ENOENT;

	if (!file)
		return -errno;
	while (result == -ENOENT && getline(&line, &capacity, file) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "0::", 3) != 0)
			continue;
		result = strlen(line + 3) < size ? 0 : -ENAMETOOLONG;
		if (result == 0)
			strcpy(path, line + 3);
	}
	free(line);
	fclose(file);
	return result;
}

/*
 * Where the sandbox's cgroup goes: under this process's own cgroup when the
 * mount shows it (delegated to us, or we are root), else at the top of the
 * hierarchy. A `root` other than "/" is a mount of a subtree (a cgroup
 * namespace or a bind mount): the own path is then relative to it.
 */
int moat_egress_cgroup_parents(const char *mount_point, const char *root, char parents[2][PATH_MAX])
{
	char own[PATH_MAX];
	size_t root_length = strcmp(root, "/") ? strlen(root) : 0;

	snprintf(parents[1], PATH_MAX, "%s", mount_point);
	if (own_cgroup(own, sizeof(own)) < 0 || strncmp(own, root, root_length) != 0 ||
	    !strcmp(own + root_length, "/") || !own[root_length]) {
		snprintf(parents[0], PATH_MAX, "%s", mount_point);
		return 0;
	}
	if ((size_t)snprintf(parents[0], PATH_MAX, "%s%s", mount_point, own + root_length) >=
	    PATH_MAX)
		snprintf(parents[0], PATH_MAX, "%s", mount_point);
	return 0;
}

/* Field 22 of /proc/PID/stat: the start time, which tells a reused pid apart. */
static int start_time(pid_t pid, unsigned long long *time)
{
	char path[64], buffer[1024];
	const char *cursor;
	ssize_t length;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	length = read(fd, buffer, sizeof(buffer) - 1);
	close(fd);
	if (length <= 0)
		return -EIO;
	buffer[length] = '\0';
	cursor = strrchr(buffer, ')'); /* the command name may hold blanks */
	if (!cursor)
		return -EIO;
	/* After ") " come fields 3 onwards; skip 19 of them to reach field 22. */
	cursor += 2;
	for (int field = 3; field < 22 && cursor; field++) {
		cursor = strchr(cursor, ' ');
		if (cursor)
			cursor++;
	}
	if (!cursor)
		return -EIO;
	*time = strtoull(cursor, NULL, 10);
	return 0;
}

int moat_egress_cgroup_name(char *name, size_t size)
{
	unsigned long long started;
	int result = start_time(getpid(), &started);

	if (result < 0)
		return result;
	snprintf(name, size, NAME_PREFIX "%d-%llu", (int)getpid(), started);
	return 0;
}

/* Whether the moat that made cgroup `name` is gone (its pid ended or was reused). */
static bool owner_gone(const char *name)
{
	unsigned long long named_start, start;
	int pid;

	if (sscanf(name, NAME_PREFIX "%d-%llu", &pid, &named_start) != 2)
		return false;
	if (start_time(pid, &start) < 0)
		return true;
	return start != named_start;
}

void moat_egress_sweep_stale(const char *parent)
{
	DIR *directory = opendir(parent);
	struct dirent *entry;

	if (!directory)
		return;
	while ((entry = readdir(directory))) {
		if (strncmp(entry->d_name, NAME_PREFIX, strlen(NAME_PREFIX)) != 0 ||
		    !owner_gone(entry->d_name))
			continue;
		/* A cgroup whose processes still run fails with EBUSY and waits for a later run. */
		unlinkat(dirfd(directory), entry->d_name, AT_REMOVEDIR);
	}
	closedir(directory);
}

static int write_file_at(int directory, const char *name, const char *text)
{
	int fd = openat(directory, name, O_WRONLY | O_CLOEXEC);
	ssize_t written;

	if (fd < 0)
		return -errno;
	written = write(fd, text, strlen(text));
	close(fd);
	return written < 0 ? -errno : 0;
}

/*
 * Kills what the sandbox left running in its cgroup (cgroup.kill, Linux
 * 5.14) and removes the cgroup, which detaches and frees the programs.
 * The kernel empties the cgroup shortly after the kill: removal is retried
 * for a bounded time while it reports EBUSY.
 */
int moat_egress_cgroup_remove(int parent, const char *name)
{
	struct timespec pause = {.tv_nsec = 1000 * 1000};
	int cgroup = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (cgroup >= 0) {
		write_file_at(cgroup, "cgroup.kill", "1");
		close(cgroup);
	}
	for (int attempt = 0; attempt < 2000; attempt++) {
		if (unlinkat(parent, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		nanosleep(&pause, NULL);
	}
	return -EBUSY;
}
