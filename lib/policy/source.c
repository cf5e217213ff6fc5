// SPDX-License-Identifier: MIT
#include "policy/source.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"

/* A policy is a few kilobytes; anything this large is not one. */
#define MAXIMUM_POLICY_SIZE (1024 * 1024)

bool moat_source_is_ancestor(const struct moat_source *ancestor, const struct moat_source *source)
{
	for (const struct moat_source *s = source ? source->parent : NULL; s; s = s->parent) {
		if (s == ancestor)
			return true;
	}
	return false;
}

static const char *directory_of(struct moat_arena *arena, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return ".";
	if (slash == path)
		return "/";
	return moat_arena_strndup(arena, path, (size_t)(slash - path));
}

static int read_all(int fd, char *buffer, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t count = read(fd, buffer + done, size - done);

		if (count < 0 && errno == EINTR)
			continue;
		if (count < 0)
			return -errno;
		if (count == 0)
			return -EIO; /* the file shrank while we read it */
		done += (size_t)count;
	}
	return 0;
}

static int read_file(int fd, struct moat_arena *arena, struct moat_source *source)
{
	struct stat status;
	char *text;
	int result;

	if (fstat(fd, &status) < 0)
		return -errno;
	if (S_ISDIR(status.st_mode))
		return -EISDIR;
	if (!S_ISREG(status.st_mode))
		return -EINVAL;
	if (status.st_size > MAXIMUM_POLICY_SIZE)
		return -EFBIG;
	text = moat_arena_alloc(arena, (size_t)status.st_size + 1);
	if (!text)
		return -ENOMEM;
	result = read_all(fd, text, (size_t)status.st_size);
	if (result < 0)
		return result;
	source->text = text;
	source->length = (size_t)status.st_size;
	source->device = status.st_dev;
	source->inode = status.st_ino;
	return 0;
}

int moat_source_read(struct moat_source **out, struct moat_arena *arena, const char *path,
                     const struct moat_source *parent, const struct moat_location *included_at)
{
	struct moat_source *source = moat_arena_alloc(arena, sizeof(*source));
	int fd, result;

	if (!source)
		return -ENOMEM;
	source->name = moat_arena_strdup(arena, path);
	source->directory = directory_of(arena, path);
	if (!source->name || !source->directory)
		return -ENOMEM;
	source->parent = parent;
	if (parent) {
		source->included_at = *included_at;
		source->depth = parent->depth + 1;
	}
	/* Non-blocking, so that a FIFO is refused below instead of waited on. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	result = read_file(fd, arena, source);
	close(fd);
	if (result < 0)
		return result;
	*out = source;
	return 0;
}

int moat_source_from_text(struct moat_source **out, struct moat_arena *arena, const char *name,
                          const char *text, size_t length)
{
	struct moat_source *source = moat_arena_alloc(arena, sizeof(*source));

	if (!source)
		return -ENOMEM;
	source->name = moat_arena_strdup(arena, name);
	source->directory = directory_of(arena, name);
	source->text = moat_arena_strndup(arena, text, length);
	if (!source->name || !source->directory || !source->text)
		return -ENOMEM;
	source->length = length;
	*out = source;
	return 0;
}
