// SPDX-License-Identifier: MIT
/*
 * `close-fds yes` (the default): the sandbox starts with descriptors 0, 1
 * and 2 and those passed on purpose, nothing it happened to inherit (a
 * listening socket, a file opened without O_CLOEXEC, a descriptor of the
 * caller's terminal or of a directory outside the sandbox's root).
 */
#include "process/plan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdalign.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/message.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

static bool is_kept(const int *keep, size_t keep_count, int fd)
{
	size_t i;

	for (i = 0; i < keep_count; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

/* The smallest kept descriptor above `after`, or -1. */
static int next_kept(const int *keep, size_t keep_count, int after)
{
	int next = -1;
	size_t i;

	for (i = 0; i < keep_count; i++)
		if (keep[i] > after && (next < 0 || keep[i] < next))
			next = keep[i];
	return next;
}

/* close_range(2) (Linux 5.9) over the gaps between the kept descriptors. */
static int close_ranges(const int *keep, size_t keep_count)
{
	int handled = 2; /* every descriptor up to this one is dealt with */

	for (;;) {
		int kept = next_kept(keep, keep_count, handled);
		unsigned first = (unsigned)handled + 1;
		unsigned last = kept < 0 ? ~0U : (unsigned)kept - 1;

		if (first <= last && syscall(SYS_close_range, first, last, 0) < 0)
			return -errno;
		if (kept < 0)
			return 0;
		handled = kept;
	}
}

/* The descriptor a /proc/self/fd entry names, or -1 for "." and "..". */
static int parse_fd(const char *name)
{
	int fd = 0;

	if (*name == '\0')
		return -1;
	for (; *name; name++) {
		if (*name < '0' || *name > '9' || fd > (__INT_MAX__ - 9) / 10)
			return -1;
		fd = fd * 10 + (*name - '0');
	}
	return fd;
}

/*
 * For kernels without close_range: the entries of /proc/self/fd. The
 * directory's position is the descriptor number, so closing the ones
 * already listed does not disturb the listing.
 */
static int close_listed(const int *keep, size_t keep_count)
{
	alignas(struct dirent64) char buffer[4096];
	int directory = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ssize_t length;
	int result = 0;

	if (directory < 0)
		return -errno;
	while ((length = getdents64(directory, buffer, sizeof(buffer))) > 0) {
		ssize_t offset = 0;

		while (offset < length) {
			const struct dirent64 *entry = (const void *)(buffer + offset);
			int fd = parse_fd(entry->d_name);

			offset += entry->d_reclen;
			if (fd > 2 && fd != directory && !is_kept(keep, keep_count, fd))
				close(fd);
		}
	}
	if (length < 0)
		result = -errno;
	close(directory);
	return result;
}

static int not_open(int fd, struct moat_error *error)
{
	struct moat_message message = moat_message_begin(error, -errno);

	moat_message_put(&message, "descriptor ");
	moat_message_put_number(&message, fd);
	moat_message_put(&message, ", passed to the sandbox, is not open");
	return moat_message_end(&message);
}

int moat_process_apply_descriptors(const struct moat_process_plan *plan, const int *keep,
                                   size_t keep_count, struct moat_error *error)
{
	size_t i;
	int result;

	for (i = 0; i < keep_count; i++) {
		int flags = fcntl(keep[i], F_GETFD);

		if (flags < 0 || fcntl(keep[i], F_SETFD, flags & ~FD_CLOEXEC) < 0)
			return not_open(keep[i], error);
	}
	if (!plan->close_fds)
		return 0;
	result = close_ranges(keep, keep_count);
	if (result == -ENOSYS)
		result = close_listed(keep, keep_count);
	if (result < 0)
		return moat_message_set(error, result,
		                        "cannot close the inherited descriptors (close_range, "
		                        "/proc/self/fd)");
	return 0;
}
