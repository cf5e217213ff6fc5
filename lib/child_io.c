// SPDX-License-Identifier: MIT
/*
 * Descriptors for a sandboxed child under numbers of the caller's choice
 * (moat_sandbox_options.fd_map), and pipes to its standard streams.
 *
 * The map is applied in the child after Landlock (whose rules' O_PATH
 * descriptors it may then overwrite) and before the descriptors step, which
 * keeps every mapped number open. moat's own descriptors that the child
 * still needs after the map (the error pipe, the hand-off socket, init's
 * status pipe) are moved above every mapped number before the child
 * starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "util/error.h"
#include "util/message.h"

#define MAXIMUM_MAPPED 64

int moat_fd_map_check(const struct moat_sandbox_options *options, struct moat_error *error)
{
	const struct moat_fd_map *map = options ? options->fd_map : NULL;
	size_t count = options ? options->fd_map_count : 0;

	if (count > MAXIMUM_MAPPED)
		return moat_error_set(error, -EINVAL, "at most 64 descriptors can be mapped");
	if (count && !map)
		return moat_error_set(error, -EINVAL, "fd_map_count without fd_map");
	for (size_t i = 0; i < count; i++) {
		if (map[i].parent_fd < 0 || map[i].child_fd < 0)
			return moat_error_set(error, -EBADF,
			                      "fd_map[%zu] has a negative descriptor", i);
		if (fcntl(map[i].parent_fd, F_GETFD) < 0)
			return moat_error_set(error, -EBADF,
			                      "fd_map[%zu]: descriptor %d is not open", i,
			                      map[i].parent_fd);
		for (size_t j = 0; j < i; j++) {
			if (map[j].child_fd == map[i].child_fd)
				return moat_error_set(error, -EINVAL,
				                      "fd_map gives the child descriptor %d twice",
				                      map[i].child_fd);
		}
	}
	return 0;
}

int moat_fd_map_highest(const struct moat_fd_map *map, size_t count)
{
	int highest = -1;

	for (size_t i = 0; i < count; i++) {
		if (map[i].child_fd > highest)
			highest = map[i].child_fd;
	}
	return highest;
}

int moat_fd_lift(int *fd, int floor)
{
	int lifted;

	if (*fd > floor)
		return 0;
	lifted = fcntl(*fd, F_DUPFD_CLOEXEC, floor + 1);
	if (lifted < 0)
		return -errno;
	close(*fd);
	*fd = lifted;
	return 0;
}

int moat_fd_map_apply(const struct moat_fd_map *map, size_t count, struct moat_error *error)
{
	int copies[MAXIMUM_MAPPED], floor = moat_fd_map_highest(map, count);

	for (size_t i = 0; i < count; i++) {
		if (map[i].parent_fd > floor)
			floor = map[i].parent_fd;
	}
	/* First copies above every number involved, so that no target overwrites a source. */
	for (size_t i = 0; i < count; i++) {
		copies[i] = fcntl(map[i].parent_fd, F_DUPFD_CLOEXEC, floor + 1);
		if (copies[i] < 0)
			return moat_message_set(error, -errno, "cannot copy a mapped descriptor");
	}
	for (size_t i = 0; i < count; i++) {
		if (dup2(copies[i], map[i].child_fd) < 0)
			return moat_message_set(error, -errno,
			                        "cannot give a mapped descriptor its number");
	}
	for (size_t i = 0; i < count; i++)
		close(copies[i]);
	return 0;
}

static void close_end(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int moat_stdio_pipes_open(struct moat_stdio_pipes *pipes, unsigned streams,
                          struct moat_error *error)
{
	memset(pipes, 0, sizeof(*pipes));
	for (int stream = 0; stream < 3; stream++)
		pipes->parent[stream] = pipes->child[stream] = -1;
	for (int stream = 0; stream < 3; stream++) {
		int ends[2];

		if (!(streams & (1U << stream)))
			continue;
		if (pipe2(ends, O_CLOEXEC) < 0) {
			int code = -errno;

			moat_stdio_pipes_close(pipes);
			return moat_error_set(error, code, "cannot create a pipe");
		}
		/* stdin: the child reads ends[0]; stdout and stderr: it writes ends[1]. */
		pipes->child[stream] = stream == 0 ? ends[0] : ends[1];
		pipes->parent[stream] = stream == 0 ? ends[1] : ends[0];
		pipes->map[pipes->map_count++] =
		        (struct moat_fd_map){.parent_fd = pipes->child[stream], .child_fd = stream};
	}
	return 0;
}

void moat_stdio_pipes_spawned(struct moat_stdio_pipes *pipes)
{
	for (int stream = 0; stream < 3; stream++)
		close_end(&pipes->child[stream]);
}

void moat_stdio_pipes_close(struct moat_stdio_pipes *pipes)
{
	for (int stream = 0; stream < 3; stream++) {
		close_end(&pipes->child[stream]);
		close_end(&pipes->parent[stream]);
	}
}
