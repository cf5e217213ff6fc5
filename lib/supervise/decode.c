// SPDX-License-Identifier: MIT
/*
 * Decoding a brokered call: the arguments of open, openat, openat2 and
 * connect and what they point to in the sandbox's memory, turned into what
 * the broker acts on. Pure: the memory comes through a moat_memory_source,
 * and the caller checks afterwards that the notification still waits
 * (broker_open.c, broker_connect.c), so the fuzzer (tests/fuzz/) can feed
 * these functions a fake memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/un.h>

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

/* The kernel's OPEN_HOW_SIZE_VER0 (this struct), and the most openat2 reads before E2BIG. */
#define OPEN_HOW_SIZE_MINIMUM sizeof(struct open_how)
#define OPEN_HOW_SIZE_MAXIMUM 4096

/* The shortest sockaddr_in6 the kernel accepts (no sin6_scope_id). */
#define SOCKADDR_IN6_MINIMUM 24

/* openat2's `how`: the kernel's checks for a size it does not know, on our copy. */
static int read_how(const struct moat_memory_source *memory, uint64_t address, uint64_t size,
                    struct open_how *how)
{
	unsigned char copy[OPEN_HOW_SIZE_MAXIMUM] = {0};
	ssize_t got;

	if (size < OPEN_HOW_SIZE_MINIMUM)
		return -EINVAL;
	if (size > sizeof(copy))
		return -E2BIG;
	got = memory->read(memory->context, address, copy, size);
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
		how->flags &= MOAT_O_PATH_FLAGS;
	if (how->flags & (O_CREAT | TMPFILE_BIT))
		how->mode = (uint16_t)mode_argument & 07777;
}

int moat_decode_open(int syscall, const uint64_t args[6], const struct moat_memory_source *memory,
                     struct moat_open_call *call)
{
	uint64_t path_address;
	int result = 0;

	memset(&call->how, 0, sizeof(call->how));
	call->path[0] = '\0';
	switch (syscall) {
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
		result = read_how(memory, args[2], args[3], &call->how);
		break;
	}
	if (result == 0) {
		int length = moat_memory_source_read_string(memory, path_address, call->path,
		                                            sizeof(call->path));

		if (length < 0)
			result = length;
		else if (length == 0)
			result = -ENOENT;
	}
	/*
	 * The kernel cannot inject an O_PATH descriptor (ADDFD refuses them),
	 * so the sandbox gets a read-only one: what `open read` grants anyway.
	 */
	if ((call->how.flags & O_PATH) && !(call->how.flags & ~(uint64_t)MOAT_O_PATH_FLAGS))
		call->how.flags = O_RDONLY | (call->how.flags & ~(uint64_t)O_PATH);
	return result;
}

int moat_decode_sockaddr(const uint64_t args[6], const struct moat_memory_source *memory,
                         struct sockaddr_storage *address, size_t *length)
{
	int64_t size = (int)args[2];
	ssize_t got;

	memset(address, 0, sizeof(*address));
	*length = 0;
	if (size < (int64_t)sizeof(address->ss_family) || size > (int64_t)sizeof(*address))
		return -EINVAL;
	got = memory->read(memory->context, args[1], address, (size_t)size);
	if (got != size)
		return -EFAULT;
	*length = (size_t)size;
	return 0;
}

bool moat_connect_grant_matches(const struct moat_connect_grant *grant,
                                const struct sockaddr_storage *address, size_t length)
{
	if (grant->address.ss_family != address->ss_family)
		return false;
	switch (address->ss_family) {
	case AF_INET: {
		const struct sockaddr_in *want = (const void *)&grant->address;
		const struct sockaddr_in *got = (const void *)address;

		return length >= sizeof(*got) && want->sin_port == got->sin_port &&
		       want->sin_addr.s_addr == got->sin_addr.s_addr;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *want = (const void *)&grant->address;
		const struct sockaddr_in6 *got = (const void *)address;

		return length >= SOCKADDR_IN6_MINIMUM && want->sin6_port == got->sin6_port &&
		       !memcmp(&want->sin6_addr, &got->sin6_addr, sizeof(got->sin6_addr));
	}
	case AF_UNIX: {
		const struct sockaddr_un *want = (const void *)&grant->address;
		const struct sockaddr_un *got = (const void *)address;
		size_t offset = offsetof(struct sockaddr_un, sun_path);
		size_t path = length > offset ? strnlen(got->sun_path, length - offset) : 0;

		/* An abstract address (a leading NUL) is never a granted path. */
		return path > 0 && path == strlen(want->sun_path) &&
		       !memcmp(want->sun_path, got->sun_path, path);
	}
	}
	return false;
}
