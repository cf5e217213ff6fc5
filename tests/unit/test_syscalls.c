// SPDX-License-Identifier: MIT
/*
 * The native syscall table: names and numbers against libseccomp and the
 * kernel headers, argument widths against the kernel prototypes and, for a
 * few arguments, against what the running kernel actually reads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscalls/syscalls.h"
#include "syscalls/table.h"

#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))

/* Every syscall the kernel has (Linux 7.0) has a number below this. */
#define FIRST_UNUSED_NUMBER     472
/* libseccomp's numbers stay below this on every architecture it supports. */
#define LIBSECCOMP_NUMBER_LIMIT 7000
#define UPPER_HALF(value)       ((long)(value) | (0x5a5aL << 32))

struct known_number {
	const char *name;
	int number;
};

static int count_syscalls(void)
{
	int count = 0;

	for (int n = moat_syscall_next(-1); n >= 0; n = moat_syscall_next(n))
		count++;
	return count;
}

static void test_native_audit_arch(void **state)
{
	(void)state;
	assert_int_equal(moat_native_audit_arch(), AUDIT_ARCH_X86_64);
	/* libseccomp's architecture tokens are the AUDIT_ARCH values. */
	assert_int_equal(moat_native_audit_arch(), seccomp_arch_native());
}

static void test_known_numbers(void **state)
{
	/* The kernel headers (Linux 6.1 on Debian 12) are a second source. */
	static const struct known_number from_headers[] = {
	        {"read", __NR_read},
	        {"write", __NR_write},
	        {"open", __NR_open},
	        {"mmap", __NR_mmap},
	        {"ioctl", __NR_ioctl},
	        {"clone", __NR_clone},
	        {"execve", __NR_execve},
	        {"kill", __NR_kill},
	        {"ptrace", __NR_ptrace},
	        {"_sysctl", __NR__sysctl},
	        {"arch_prctl", __NR_arch_prctl},
	        {"tuxcall", __NR_tuxcall},
	        {"openat", __NR_openat},
	        {"seccomp", __NR_seccomp},
	        {"bpf", __NR_bpf},
	        {"rseq", __NR_rseq},
	        {"pidfd_send_signal", __NR_pidfd_send_signal},
	        {"clone3", __NR_clone3},
	        {"openat2", __NR_openat2},
	        {"landlock_restrict_self", __NR_landlock_restrict_self},
	        {"set_mempolicy_home_node", __NR_set_mempolicy_home_node},
	};
	/* Newer than those headers: numbers from syscall_64.tbl. */
	static const struct known_number from_table[] = {
	        {"read", 0},
	        {"openat", 257},
	        {"clone3", 435},
	        {"uretprobe", 335},
	        {"uprobe", 336},
	        {"cachestat", 451},
	        {"fchmodat2", 452},
	        {"map_shadow_stack", 453},
	        {"futex_wake", 454},
	        {"futex_wait", 455},
	        {"futex_requeue", 456},
	        {"statmount", 457},
	        {"listmount", 458},
	        {"lsm_get_self_attr", 459},
	        {"lsm_set_self_attr", 460},
	        {"lsm_list_modules", 461},
	        {"mseal", 462},
	        {"setxattrat", 463},
	        {"getxattrat", 464},
	        {"listxattrat", 465},
	        {"removexattrat", 466},
	        {"open_tree_attr", 467},
	        {"file_getattr", 468},
	        {"file_setattr", 469},
	        {"listns", 470},
	        {"rseq_slice_yield", 471},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(from_headers); i++) {
		assert_int_equal(moat_syscall_number(from_headers[i].name), from_headers[i].number);
		assert_string_equal(moat_syscall_name(from_headers[i].number),
		                    from_headers[i].name);
	}
	for (size_t i = 0; i < ARRAY_SIZE(from_table); i++) {
		assert_int_equal(moat_syscall_number(from_table[i].name), from_table[i].number);
		assert_string_equal(moat_syscall_name(from_table[i].number), from_table[i].name);
	}
}

static void test_round_trip(void **state)
{
	(void)state;
	for (int n = moat_syscall_next(-1); n >= 0; n = moat_syscall_next(n)) {
		const char *name = moat_syscall_name(n);

		assert_non_null(name);
		assert_int_equal(moat_syscall_number(name), n);
	}
	/* libseccomp 2.5.4 knows 368 x86_64 syscalls; moat adds 17. */
	assert_true(count_syscalls() >= 385);
}

static void test_enumeration(void **state)
{
	int previous = -1, count = 0;

	(void)state;
	assert_int_equal(moat_syscall_next(-1), 0);
	assert_int_equal(moat_syscall_next(INT_MIN), 0);
	for (int n = moat_syscall_next(-1); n >= 0; n = moat_syscall_next(n)) {
		assert_true(n > previous);
		/* No x32 syscall: neither the x32 range nor the x32 bit. */
		assert_true(n < 512);
		assert_int_equal(n & 0x40000000, 0);
		previous = n;
		count++;
	}
	assert_int_equal(previous, FIRST_UNUSED_NUMBER - 1);
	assert_int_equal(moat_syscall_next(previous), -1);
	assert_int_equal(moat_syscall_next(INT_MAX), -1);
	/* The gap x86_64 leaves after uprobe. */
	assert_int_equal(moat_syscall_next(336), 424);
	assert_int_equal(moat_syscall_next(400), 424);
	assert_int_equal(count, count_syscalls());
}

/* Every name libseccomp gives an x86_64 number has that number here too. */
static void test_libseccomp_numbers(void **state)
{
	int known = 0;

	(void)state;
	for (int n = 0; n < 1024; n++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, n);

		if (!name)
			continue;
		known++;
		assert_int_equal(moat_syscall_number(name), n);
		assert_string_equal(moat_syscall_name(n), name);
		free(name);
	}
	assert_true(known >= 300);
	assert_true(count_syscalls() >= known);
}

/*
 * Names libseccomp knows only on other architectures (it resolves them to
 * negative pseudo-numbers for x86_64) must stay unknown here, and moat's
 * own entries must be names libseccomp does not know at all or agrees on.
 */
static void test_libseccomp_names(void **state)
{
	static const uint32_t arches[] = {
	        SCMP_ARCH_X86,     SCMP_ARCH_X86_64, SCMP_ARCH_X32,    SCMP_ARCH_ARM,
	        SCMP_ARCH_AARCH64, SCMP_ARCH_MIPS,   SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS64N32,
	        SCMP_ARCH_PPC,     SCMP_ARCH_PPC64,  SCMP_ARCH_S390X,  SCMP_ARCH_PARISC,
	        SCMP_ARCH_RISCV64,
	};
	int foreign = 0;

	(void)state;
	for (size_t a = 0; a < ARRAY_SIZE(arches); a++) {
		for (int n = 0; n < LIBSECCOMP_NUMBER_LIMIT; n++) {
			char *name = seccomp_syscall_resolve_num_arch(arches[a], n);
			int native;

			if (!name)
				continue;
			native = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name);
			if (native >= 0) {
				assert_int_equal(moat_syscall_number(name), native);
			} else {
				assert_int_equal(moat_syscall_number(name), -1);
				foreign++;
			}
			free(name);
		}
	}
	/* socketcall, _llseek, mmap2 and friends were seen. */
	assert_true(foreign > 0);
	for (int n = moat_syscall_next(-1); n >= 0; n = moat_syscall_next(n)) {
		int known =
		        seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, moat_syscall_name(n));

		assert_true(known == n || known == __NR_SCMP_ERROR);
	}
}

static void test_unknown(void **state)
{
	static const char *const names[] = {
	        "",      "nosuchcall", "READ", "read ",    " read",    "socketcall", "_llseek",
	        "mmap2", "fstatat64",  "ipc",  "x32_read", "sys_read", "readx",
	};
	static const int numbers[] = {
	        -1,         INT_MIN,          337,     387, 423, FIRST_UNUSED_NUMBER, 511, 512, 547,
	        0x40000000, 0x40000000 | 257, INT_MAX,
	};
	char long_name[4096];

	(void)state;
	assert_int_equal(moat_syscall_number(NULL), -1);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		assert_int_equal(moat_syscall_number(names[i]), -1);
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(moat_syscall_number(long_name), -1);
	for (size_t i = 0; i < ARRAY_SIZE(numbers); i++) {
		assert_null(moat_syscall_name(numbers[i]));
		assert_int_equal(moat_syscall_argument_count(numbers[i]), -1);
		assert_int_equal(moat_syscall_argument_bits(numbers[i], 0), 64);
	}
}

/*
 * Every architecture's rows hold their names as char arrays: each name ends
 * inside its array, so the generator's size check held.
 */
static void test_names_fit_their_rows(void **state)
{
	const struct moat_syscalls_table *tables[] = {
	        &moat_syscalls_x86_64,
	        &moat_syscalls_aarch64,
	        &moat_syscalls_riscv64,
	};

	(void)state;
	for (size_t t = 0; t < ARRAY_SIZE(tables); t++) {
		assert_true(tables[t]->count > 300);
		for (size_t row = 0; row < tables[t]->count; row++) {
			const char *name = tables[t]->rows[row].name;

			if (!memchr(name, '\0', MOAT_SYSCALL_NAME_SIZE) || name[0] == '\0')
				fail_msg("table %zu row %zu: name empty or not terminated", t, row);
		}
	}
}

/* Every syscall has a row: an argument count and a width for each argument. */
static void test_every_syscall_has_widths(void **state)
{
	(void)state;
	for (int n = moat_syscall_next(-1); n >= 0; n = moat_syscall_next(n)) {
		int count = moat_syscall_argument_count(n);

		assert_in_range(count, 0, 6);
		for (unsigned arg = 0; arg < 6; arg++) {
			unsigned bits = moat_syscall_argument_bits(n, arg);

			if ((int)arg >= count)
				assert_int_equal(bits, 64);
			else
				assert_true(bits == 8 || bits == 16 || bits == 32 || bits == 64);
		}
		assert_int_equal(moat_syscall_argument_bits(n, 6), 64);
		assert_int_equal(moat_syscall_argument_bits(n, UINT_MAX), 64);
	}
}

struct known_count {
	const char *name;
	int count;
};

static void test_argument_counts(void **state)
{
	static const struct known_count counts[] = {
	        {"read", 3},
	        {"getpid", 0},
	        {"rt_sigreturn", 0},
	        {"exit_group", 1},
	        {"socket", 3},
	        {"openat", 4},
	        {"mmap", 6},
	        {"clone", 5},
	        {"futex", 6},
	        {"ptrace", 4},
	        {"prctl", 5},
	        {"ioctl", 3},
	        {"statx", 5},
	        {"clone3", 2},
	        {"sendto", 6},
	        {"recvfrom", 6},
	        {"setsockopt", 5},
	        {"fanotify_mark", 5},
	        {"pselect6", 6},
	        {"splice", 6},
	        {"mseal", 3},
	        {"listns", 4},
	        {"rseq_slice_yield", 0},
	        {"uretprobe", 0},
	        {"_sysctl", 1},
	        {"uselib", 1},
	        {"lookup_dcookie", 3},
	        {"tuxcall", 0},
	        {"vserver", 0},
	        {"setxattrat", 6},
	        {"file_setattr", 5},
	        {"arch_prctl", 2},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
		int number = moat_syscall_number(counts[i].name);

		assert_true(number >= 0);
		assert_int_equal(moat_syscall_argument_count(number), counts[i].count);
	}
}

struct known_width {
	const char *name;
	unsigned arg;
	unsigned bits;
};

static void test_argument_widths(void **state)
{
	static const struct known_width widths[] = {
	        /* int, unsigned int and their typedefs: 32. */
	        {"socket", 0, 32},
	        {"socket", 1, 32},
	        {"write", 0, 32},
	        {"kill", 0, 32},
	        {"kill", 1, 32},
	        {"ioctl", 0, 32},
	        {"ioctl", 1, 32},
	        {"openat", 0, 32},
	        {"openat", 2, 32},
	        {"setuid", 0, 32},
	        {"prctl", 0, 32},
	        {"futex", 1, 32},
	        {"futex", 2, 32},
	        {"timer_settime", 0, 32},
	        {"mq_notify", 0, 32},
	        {"quotactl", 2, 32},
	        {"add_key", 4, 32},
	        {"preadv2", 5, 32},
	        {"landlock_add_rule", 1, 32}, /* an enum */
	        {"inotify_rm_watch", 1, 32},  /* __s32 */
	        {"shmget", 0, 32},            /* key_t */
	        /* umode_t: 16. */
	        {"openat", 3, 16},
	        {"open", 2, 16},
	        {"fchmod", 1, 16},
	        {"mkdirat", 2, 16},
	        {"mq_open", 2, 16},
	        /* Pointers, longs, sizes, offsets, u64: 64. */
	        {"mmap", 0, 64},
	        {"mmap", 1, 64},
	        {"mmap", 2, 64},
	        {"mmap", 5, 64},
	        {"read", 1, 64},
	        {"read", 2, 64},
	        {"ioctl", 2, 64},
	        {"clone", 1, 64},
	        {"clone", 4, 64},
	        {"lseek", 1, 64},
	        {"prctl", 1, 64},
	        {"unshare", 0, 64},
	        {"fanotify_mark", 2, 64},
	        {"io_submit", 1, 64},
	        {"msgrcv", 3, 64},
	        {"ptrace", 0, 64},
	        {"capget", 0, 64},
	        /*
	         * Declared unsigned long, read as 32 bits: clone's flags
	         * (lower_32_bits in kernel/fork.c), mmap's fd (fget), the
	         * vectored I/O fds (fdget) and ptrace's pid (pid_t lookup).
	         */
	        {"clone", 0, 32},
	        {"mmap", 4, 32},
	        {"readv", 0, 32},
	        {"pwritev2", 0, 32},
	        {"ptrace", 1, 32},
	        /* Past the argument count: 64. */
	        {"read", 3, 64},
	        {"getpid", 0, 64},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(widths); i++) {
		int number = moat_syscall_number(widths[i].name);

		assert_true(number >= 0);
		if (moat_syscall_argument_bits(number, widths[i].arg) != widths[i].bits)
			fail_msg("%s arg%u: %u bits, expected %u", widths[i].name, widths[i].arg,
			         moat_syscall_argument_bits(number, widths[i].arg), widths[i].bits);
	}
}

static int bits_of(const char *name, unsigned arg)
{
	return (int)moat_syscall_argument_bits(moat_syscall_number(name), arg);
}

/*
 * The running kernel ignores the upper half of arguments the table calls
 * 32-bit (a filter must therefore ignore it too) and reads every bit of one
 * it calls 64-bit (the positive control).
 */
static void test_kernel_reads_the_table_widths(void **state)
{
	char path[] = "/tmp/moat-test-syscalls-XXXXXX";
	char buffer[4] = {0};
	struct iovec iov = {.iov_base = buffer, .iov_len = sizeof(buffer)};
	void *mapping;
	pid_t child;
	int fd, status_code;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "moat", 4), 4);

	/* kill's pid is a pid_t. */
	assert_int_equal(bits_of("kill", 0), 32);
	assert_int_equal(syscall(SYS_kill, UPPER_HALF(getpid()), 0L), 0);

	/* readv's fd is declared unsigned long, but only 32 bits are read. */
	assert_int_equal(bits_of("readv", 0), 32);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(syscall(SYS_readv, UPPER_HALF(fd), &iov, 1L), 4);
	assert_memory_equal(buffer, "moat", 4);

	/* The same for mmap's fd. */
	assert_int_equal(bits_of("mmap", 4), 32);
	/* Every argument is passed as a long: a variadic int leaves the upper half undefined. */
	mapping = (void *)syscall(SYS_mmap, 0L, 4096L, (long)PROT_READ, (long)MAP_PRIVATE,
	                          UPPER_HALF(fd), 0L);
	assert_true(mapping != MAP_FAILED);
	assert_memory_equal(mapping, "moat", 4);
	assert_int_equal(munmap(mapping, 4096), 0);

	/* And for clone's flags: this is a fork with SIGCHLD. */
	assert_int_equal(bits_of("clone", 0), 32);
	child = (pid_t)syscall(SYS_clone, UPPER_HALF(SIGCHLD), 0L, NULL, NULL, 0L);
	if (child == 0)
		_exit(42);
	assert_true(child > 0);
	assert_int_equal(waitpid(child, &status_code, 0), child);
	assert_true(WIFEXITED(status_code));
	assert_int_equal(WEXITSTATUS(status_code), 42);

	/* Positive control: lseek's offset is 64 bits and all are read. */
	assert_int_equal(bits_of("lseek", 1), 64);
	assert_int_equal(syscall(SYS_lseek, (long)fd, 1L << 32, (long)SEEK_SET), 1L << 32);

	assert_int_equal(close(fd), 0);
	assert_int_equal(unlink(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_native_audit_arch),
	        cmocka_unit_test(test_known_numbers),
	        cmocka_unit_test(test_round_trip),
	        cmocka_unit_test(test_enumeration),
	        cmocka_unit_test(test_libseccomp_numbers),
	        cmocka_unit_test(test_libseccomp_names),
	        cmocka_unit_test(test_unknown),
	        cmocka_unit_test(test_names_fit_their_rows),
	        cmocka_unit_test(test_every_syscall_has_widths),
	        cmocka_unit_test(test_argument_counts),
	        cmocka_unit_test(test_argument_widths),
	        cmocka_unit_test(test_kernel_reads_the_table_widths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
