// SPDX-License-Identifier: MIT
/*
 * Reading the memory of a thread that waits in a notified call, with
 * process_vm_readv(2). The pid in a notification may be reused as soon as
 * the thread dies, so bytes read are trusted only when the notification is
 * still valid afterwards: a valid notification means the thread has been
 * waiting (alive, its pid not reused) since before the read.
 */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "supervise/supervise.h"

/* Strings are read a page at a time, so a short one next to an unmapped page still reads. */
#define PAGE 4096

ssize_t moat_memory_read_raw(const struct moat_memory *memory, uint64_t address, void *buffer,
                             size_t size)
{
	size_t done = 0;

	while (done < size) {
		struct iovec local = {(char *)buffer + done, size - done};
		struct iovec remote = {(void *)(uintptr_t)(address + done), size - done};
		ssize_t got = process_vm_readv(memory->pid, &local, 1, &remote, 1, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return done ? (ssize_t)done : -errno;
		if (got == 0)
			break;
		done += (size_t)got;
	}
	return (ssize_t)done;
}

static ssize_t read_thread(const void *context, uint64_t address, void *buffer, size_t size)
{
	return moat_memory_read_raw(context, address, buffer, size);
}

struct moat_memory_source moat_memory_source(const struct moat_memory *memory)
{
	return (struct moat_memory_source){read_thread, memory};
}

int moat_memory_read_string_raw(const struct moat_memory *memory, uint64_t address, char *buffer,
                                size_t size)
{
	struct moat_memory_source source = moat_memory_source(memory);

	return moat_memory_source_read_string(&source, address, buffer, size);
}

int moat_memory_source_read_string(const struct moat_memory_source *source, uint64_t address,
                                   char *buffer, size_t size)
{
	size_t done = 0;

	while (done < size) {
		size_t chunk = PAGE - (size_t)((address + done) % PAGE);
		ssize_t got;
		char *end;

		if (chunk > size - done)
			chunk = size - done;
		got = source->read(source->context, address + done, buffer + done, chunk);
		if (got < 0)
			return (int)got;
		end = memchr(buffer + done, '\0', (size_t)got);
		if (end)
			return (int)(end - buffer);
		if ((size_t)got < chunk)
			return -EFAULT;
		done += chunk;
	}
	return -ENAMETOOLONG;
}

int moat_memory_read(moat_memory *memory, uint64_t address, void *buffer, size_t size)
{
	ssize_t got = moat_memory_read_raw(memory, address, buffer, size);

	if (!moat_notify_id_valid(memory->listener, memory->id))
		return -ESRCH;
	if (got < 0)
		return (int)got;
	return (size_t)got == size ? 0 : -EFAULT;
}

int moat_memory_read_string(moat_memory *memory, uint64_t address, char *buffer, size_t size)
{
	int length = moat_memory_read_string_raw(memory, address, buffer, size);

	if (!moat_notify_id_valid(memory->listener, memory->id))
		return -ESRCH;
	return length;
}
