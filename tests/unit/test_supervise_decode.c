// SPDX-License-Identifier: MIT
/*
 * The broker's decoding of open, openat, openat2 and connect from a fake
 * sandbox memory (lib/supervise/decode.c): the kernel's own checks of
 * openat2's `struct open_how` and of connect's address length, strings cut
 * by the end of the readable memory, and the flags the kernel keeps. The
 * fuzzer (tests/fuzz/fuzz_broker_decode.c) explores the same functions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/syscall.h>

#include "supervise/supervise.h"

#define BASE UINT64_C(0x10000)

struct fake {
	unsigned char bytes[8192];
	size_t size;
};

static ssize_t read_fake(const void *context, uint64_t address, void *buffer, size_t size)
{
	const struct fake *fake = context;

	if (address < BASE || address - BASE >= fake->size)
		return -EFAULT;
	if (size > fake->size - (address - BASE))
		size = fake->size - (address - BASE);
	memcpy(buffer, fake->bytes + (address - BASE), size);
	return (ssize_t)size;
}

static struct fake fake;
static struct moat_open_call call;
static const struct moat_memory_source source = {read_fake, &fake};

/* The memory holds `path` at BASE and `how` (`how_size` bytes) at BASE + 4096. */
static int openat2(const char *path, const void *how, size_t how_size, uint64_t size_argument)
{
	uint64_t args[6] = {(uint64_t)AT_FDCWD, BASE, BASE + 4096, size_argument, 0, 0};

	memset(&fake, 0, sizeof(fake));
	strcpy((char *)fake.bytes, path);
	memcpy(fake.bytes + 4096, how, how_size);
	fake.size = 4096 + how_size;
	return moat_decode_open(SYS_openat2, args, &source, &call);
}

static void test_openat2_checks_how_as_the_kernel(void **state)
{
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_BENEATH};
	unsigned char bigger[64] = {0};

	(void)state;
	assert_int_equal(openat2("/data/x", &how, sizeof(how), sizeof(how)), 0);
	assert_string_equal(call.path, "/data/x");
	assert_int_equal(call.how.resolve, RESOLVE_BENEATH);
	assert_int_equal(call.dirfd, AT_FDCWD);
	/* Shorter than version 0, larger than a page, a non-zero tail. */
	assert_int_equal(openat2("/x", &how, sizeof(how), sizeof(how) - 1), -EINVAL);
	assert_int_equal(openat2("/x", &how, sizeof(how), 4097), -E2BIG);
	memcpy(bigger, &how, sizeof(how));
	assert_int_equal(openat2("/x", bigger, sizeof(bigger), sizeof(bigger)), 0);
	bigger[40] = 1;
	assert_int_equal(openat2("/x", bigger, sizeof(bigger), sizeof(bigger)), -E2BIG);
	/* A size past the readable memory, and a resolve flag the kernel does not know. */
	assert_int_equal(openat2("/x", &how, sizeof(how), 64), -EFAULT);
	how.resolve = 0x1000;
	assert_int_equal(openat2("/x", &how, sizeof(how), sizeof(how)), -EINVAL);
}

static void test_paths(void **state)
{
	struct open_how how = {0};
	uint64_t args[6] = {BASE, O_RDONLY, 0, 0, 0, 0};

	(void)state;
	assert_int_equal(openat2("", &how, sizeof(how), sizeof(how)), -ENOENT);
	/* A path that runs into the end of the readable memory. */
	memset(&fake, 'a', sizeof(fake.bytes));
	fake.size = 100;
	assert_int_equal(moat_decode_open(SYS_open, args, &source, &call), -EFAULT);
	/* A path with no NUL within PATH_MAX. */
	fake.size = sizeof(fake.bytes);
	assert_int_equal(moat_decode_open(SYS_open, args, &source, &call), -ENAMETOOLONG);
	/* Its control: one shorter than PATH_MAX is read whole. */
	fake.bytes[PATH_MAX - 1] = '\0';
	assert_int_equal(moat_decode_open(SYS_open, args, &source, &call), 0);
	assert_int_equal(strlen(call.path), PATH_MAX - 1);
	args[0] = 0x1000; /* not mapped */
	assert_int_equal(moat_decode_open(SYS_open, args, &source, &call), -EFAULT);
}

static void test_legacy_flags(void **state)
{
	uint64_t args[6] = {3, BASE, O_WRONLY | O_CREAT | 0x40000000, 0107777, 0, 0};

	(void)state;
	memset(&fake, 0, sizeof(fake));
	strcpy((char *)fake.bytes, "f");
	fake.size = 2;
	assert_int_equal(moat_decode_open(SYS_openat, args, &source, &call), 0);
	assert_int_equal(call.dirfd, 3);
	assert_int_equal(call.how.flags, O_WRONLY | O_CREAT); /* unknown bits dropped */
	assert_int_equal(call.how.mode, 07777);
	/* O_PATH keeps only its own flags, and becomes a read-only open. */
	args[2] = O_PATH | O_DIRECTORY | O_WRONLY | O_CREAT;
	assert_int_equal(moat_decode_open(SYS_openat, args, &source, &call), 0);
	assert_int_equal(call.how.flags, O_RDONLY | O_DIRECTORY);
	assert_int_equal(call.how.mode, 0);
}

static void test_sockaddr_lengths(void **state)
{
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(443)};
	struct sockaddr_storage address;
	uint64_t args[6] = {3, BASE, sizeof(in), 0, 0, 0};
	size_t length;

	(void)state;
	memset(&fake, 0, sizeof(fake));
	memcpy(fake.bytes, &in, sizeof(in));
	fake.size = sizeof(in);
	assert_int_equal(moat_decode_sockaddr(args, &source, &address, &length), 0);
	assert_int_equal(length, sizeof(in));
	assert_memory_equal(&address, &in, sizeof(in));
	args[2] = 1;
	assert_int_equal(moat_decode_sockaddr(args, &source, &address, &length), -EINVAL);
	args[2] = sizeof(address) + 1;
	assert_int_equal(moat_decode_sockaddr(args, &source, &address, &length), -EINVAL);
	args[2] = UINT64_C(0xffffffff00000010); /* connect reads an int: 16 */
	assert_int_equal(moat_decode_sockaddr(args, &source, &address, &length), 0);
	args[2] = sizeof(in) + 4; /* past the readable memory */
	assert_int_equal(moat_decode_sockaddr(args, &source, &address, &length), -EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_openat2_checks_how_as_the_kernel),
	        cmocka_unit_test(test_paths),
	        cmocka_unit_test(test_legacy_flags),
	        cmocka_unit_test(test_sockaddr_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
