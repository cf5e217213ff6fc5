// SPDX-License-Identifier: MIT
/*
 * Counting the threads of the calling process without allocating, so that
 * apply can refuse to bind a single thread of a multi-threaded process.
 */
#include "landlock/landlock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int moat_landlock_count_threads(void)
{
	/* struct dirent64 starts with 64-bit fields: the buffer must be aligned. */
	_Alignas(struct dirent64) char buffer[4096];
	int count = 0;
	int fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t length = getdents64(fd, buffer, sizeof(buffer));

		if (length < 0) {
			int code = -errno;

			close(fd);
			return code;
		}
		if (length == 0)
			break;
		for (ssize_t offset = 0; offset < length;) {
			const struct dirent64 *entry = (const void *)(buffer + offset);

			if (entry->d_name[0] != '.')
				count++;
			offset += entry->d_reclen;
		}
	}
	close(fd);
	return count;
}
