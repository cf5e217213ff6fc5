// SPDX-License-Identifier: MIT
/*
 * Fuzzes the broker's decoding of a notified call (lib/supervise/decode.c)
 * from a fake sandbox memory: the input picks the call (open, openat,
 * openat2 or connect) and its six arguments, often addresses inside the
 * fake memory, which is the rest of the input. Whatever decodes is then
 * matched as the broker matches it: a path normalised and tried against
 * directory and file grants, an address against inet, inet6 and unix
 * grants. The invariants checked are those the broker's safety rests on.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "supervise/supervise.h"

/* Where the fake memory starts in the sandbox's address space. */
#define MEMORY_BASE UINT64_C(0x10000)

struct input {
	const uint8_t *bytes;
	size_t size;
	size_t used;
};

struct fake_memory {
	const uint8_t *bytes;
	size_t size;
};

/*
 * The call the input's first byte picks with 0: open(2) where the
 * architecture has it, else openat(2) (aarch64 and riscv64 have no open, and
 * the broker's decoder knows none there), so that the corpus means the same
 * on x86_64 and still replays on the others.
 */
#ifdef SYS_open
#define OPEN_OR_OPENAT SYS_open
#else
#define OPEN_OR_OPENAT SYS_openat
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t take(struct input *input, size_t count)
{
	uint64_t value = 0;

	for (size_t i = 0; i < count && input->used < input->size; i++)
		value |= (uint64_t)input->bytes[input->used++] << (8 * i);
	return value;
}

/* An argument: an address in the fake memory, a small number, a negative one, or any. */
static uint64_t argument(struct input *input)
{
	switch (take(input, 1) % 4) {
	case 0:
		return MEMORY_BASE + take(input, 2);
	case 1:
		return take(input, 2);
	case 2:
		return (uint64_t) - (int64_t)take(input, 1);
	default:
		return take(input, 8);
	}
}

/* Like process_vm_readv: the bytes up to the end of the mapping, -EFAULT outside it. */
static ssize_t read_fake(const void *context, uint64_t address, void *buffer, size_t size)
{
	const struct fake_memory *memory = context;
	uint64_t offset = address - MEMORY_BASE;
	size_t available;

	if (address < MEMORY_BASE || offset >= memory->size)
		return -EFAULT;
	available = memory->size - (size_t)offset;
	if (size > available)
		size = available;
	memcpy(buffer, memory->bytes + offset, size);
	return (ssize_t)size;
}

static const struct moat_open_grant directory_grant = {.fd = -1, .directory = true};
static const struct moat_open_grant file_grant = {.fd = -1};
static const struct moat_grant_name grant_names[] = {
        {&directory_grant, "/data/sub", 9},
        {&file_grant, "/etc/passwd", 11},
        {&directory_grant, "/data", 5},
        {&directory_grant, "/", 1},
};

static void check_normalised(const char *path)
{
	size_t length = strlen(path);

	if (path[0] != '/' || strstr(path, "//") || strstr(path, "/./") ||
	    (length >= 2 && !strcmp(path + length - 2, "/.")))
		abort();
}

static void check_open(const struct moat_open_call *call)
{
	char normalised[PATH_MAX];
	size_t length = strnlen(call->path, sizeof(call->path));
	int result;

	if (length == 0 || length == sizeof(call->path))
		abort(); /* a decoded path is a non-empty string */
	if ((call->how.flags & O_PATH) && !(call->how.flags & ~(uint64_t)MOAT_O_PATH_FLAGS))
		abort(); /* an O_PATH open the broker cannot inject was left as it was */
	result = moat_path_normalise(call->path, normalised, sizeof(normalised));
	if (result == -ENAMETOOLONG)
		return;
	if (result < 0 || (size_t)result != strlen(normalised))
		abort();
	check_normalised(normalised);
	for (size_t i = 0; i < sizeof(grant_names) / sizeof(grant_names[0]); i++) {
		const struct moat_grant_name *name = &grant_names[i];
		const char *below = moat_grant_below(name, normalised);

		if (!below)
			continue;
		if (below[0] == '/' || !*below)
			abort(); /* the rest is relative to the grant, never absolute or empty */
		if (!name->grant->directory && strcmp(normalised, name->path) != 0)
			abort(); /* a file grant covers its own name only */
		if (name->length > 1 && strncmp(normalised, name->path, name->length) != 0)
			abort();
	}
}

static void connect_grants(struct moat_connect_grant grants[3])
{
	struct sockaddr_in *in = (void *)&grants[0].address;
	struct sockaddr_in6 *in6 = (void *)&grants[1].address;
	struct sockaddr_un *un = (void *)&grants[2].address;

	memset(grants, 0, 3 * sizeof(*grants));
	in->sin_family = AF_INET;
	in->sin_port = htons(443);
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(443);
	in6->sin6_addr = in6addr_loopback;
	un->sun_family = AF_UNIX;
	strcpy(un->sun_path, "/run/socket");
}

static void check_connect(const struct sockaddr_storage *address, size_t length)
{
	struct moat_connect_grant grants[3];

	if (length < sizeof(address->ss_family) || length > sizeof(*address))
		abort();
	connect_grants(grants);
	for (size_t i = 0; i < 3; i++) {
		if (!moat_connect_grant_matches(&grants[i], address, length))
			continue;
		if (address->ss_family != grants[i].address.ss_family)
			abort();
		if (address->ss_family == AF_INET &&
		    memcmp(address, &grants[i].address, sizeof(struct sockaddr_in) - 8) != 0)
			abort(); /* family, port and address all equal */
		if (address->ss_family == AF_UNIX &&
		    strncmp(((const struct sockaddr_un *)(const void *)address)->sun_path,
		            "/run/socket", length - offsetof(struct sockaddr_un, sun_path)) != 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int calls[] = {OPEN_OR_OPENAT, SYS_openat, SYS_openat2, SYS_connect};
	struct input input = {data, size, 0};
	int syscall = calls[take(&input, 1) % 4];
	uint64_t args[6];
	struct fake_memory memory;
	struct moat_memory_source source = {read_fake, &memory};

	for (unsigned i = 0; i < 6; i++)
		args[i] = argument(&input);
	memory = (struct fake_memory){data + input.used, size - input.used};
	if (syscall == SYS_connect) {
		struct sockaddr_storage address;
		size_t length;

		if (moat_decode_sockaddr(args, &source, &address, &length) == 0)
			check_connect(&address, length);
	} else {
		static struct moat_open_call call; /* PATH_MAX: too big for the fuzzer's stack */

		if (moat_decode_open(syscall, args, &source, &call) == 0)
			check_open(&call);
	}
	return 0;
}
