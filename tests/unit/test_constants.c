// SPDX-License-Identifier: MIT
/*
 * The named constants of the policy language: the table's shape (sorted,
 * unique, names a policy can spell), values checked against numbers written
 * out by hand, and the errno, capability and signal tables checked in both
 * directions, the errno and signal ones against glibc's own name lists.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "policy/constants.h"

/* The suggestion search skips longer table names (see constants.c). */
#define NAME_LENGTH_MAX 64

static uint64_t value_of(const char *name)
{
	uint64_t value = 0;

	if (!moat_constant_value(name, &value))
		fail_msg("constant %s is unknown", name);
	return value;
}

static void test_table_sorted_and_unique(void **state)
{
	size_t count;
	const struct moat_constant *table = moat_constant_table(&count);

	(void)state;
	assert_true(count > 1000);
	for (size_t i = 1; i < count; i++) {
		if (strcmp(table[i - 1].name, table[i].name) >= 0)
			fail_msg("table out of order or repeated: %s before %s", table[i - 1].name,
			         table[i].name);
	}
}

/*
 * Every name is a policy word a condition can spell, and short enough to
 * suggest. The row holds the name as a char array, which must keep its NUL
 * (MOAT_TERMINATED() makes the compiler refuse a name that would not).
 */
static void test_names_are_policy_words(void **state)
{
	size_t count;
	const struct moat_constant *table = moat_constant_table(&count);

	(void)state;
	for (size_t i = 0; i < count; i++) {
		const char *name = table[i].name;
		size_t length;

		if (!memchr(name, '\0', sizeof(table[i].name)))
			fail_msg("the name of row %zu is not terminated: raise "
			         "MOAT_CONSTANT_NAME_SIZE",
			         i);
		length = strlen(name);

		if (length == 0 || length > NAME_LENGTH_MAX)
			fail_msg("bad length for %s", name);
		if (isdigit((unsigned char)name[0]))
			fail_msg("%s starts with a digit and would read as a number", name);
		for (size_t j = 0; j < length; j++) {
			if (!isalnum((unsigned char)name[j]) && name[j] != '_')
				fail_msg("%s has a character outside [A-Za-z0-9_]", name);
		}
	}
}

/* Every entry can be found, and finding gives the entry's own value. */
static void test_every_entry_found(void **state)
{
	size_t count;
	const struct moat_constant *table = moat_constant_table(&count);

	(void)state;
	for (size_t i = 0; i < count; i++)
		assert_int_equal(value_of(table[i].name), table[i].value);
}

/* Values that are the same on every Linux architecture. */
static void test_known_values(void **state)
{
	(void)state;
	assert_int_equal(value_of("AF_UNSPEC"), 0);
	assert_int_equal(value_of("AF_UNIX"), 1);
	assert_int_equal(value_of("AF_LOCAL"), 1);
	assert_int_equal(value_of("AF_INET"), 2);
	assert_int_equal(value_of("AF_INET6"), 10);
	assert_int_equal(value_of("AF_NETLINK"), 16);
	assert_int_equal(value_of("PF_INET"), 2);
	assert_int_equal(value_of("IPPROTO_TCP"), 6);
	assert_int_equal(value_of("IPPROTO_UDP"), 17);
	assert_int_equal(value_of("IPPROTO_SMC"), 256);
	assert_int_equal(value_of("O_RDONLY"), 0);
	assert_int_equal(value_of("O_WRONLY"), 1);
	assert_int_equal(value_of("O_RDWR"), 2);
	assert_int_equal(value_of("O_ACCMODE"), 3);
	assert_int_equal(value_of("O_CLOEXEC"), 02000000);
	assert_int_equal(value_of("PROT_NONE"), 0);
	assert_int_equal(value_of("PROT_READ"), 1);
	assert_int_equal(value_of("PROT_WRITE"), 2);
	assert_int_equal(value_of("PROT_EXEC"), 4);
	assert_int_equal(value_of("MAP_SHARED"), 1);
	assert_int_equal(value_of("MAP_PRIVATE"), 2);
	assert_int_equal(value_of("MAP_FIXED"), 0x10);
	assert_int_equal(value_of("MAP_DROPPABLE"), 0x08);
	assert_int_equal(value_of("MAP_HUGE_2MB"), 21U << 26);
	assert_int_equal(value_of("MAP_HUGE_16GB"), 34U << 26);
	assert_int_equal(value_of("MFD_CLOEXEC"), 1);
	assert_int_equal(value_of("MFD_NOEXEC_SEAL"), 8);
	assert_int_equal(value_of("MFD_EXEC"), 0x10);
	assert_int_equal(value_of("MADV_DONTNEED"), 4);
	assert_int_equal(value_of("MADV_COLLAPSE"), 25);
	assert_int_equal(value_of("MADV_GUARD_INSTALL"), 102);
	assert_int_equal(value_of("CLONE_VM"), 0x100);
	assert_int_equal(value_of("CLONE_NEWTIME"), 0x80);
	assert_int_equal(value_of("CLONE_NEWNS"), 0x20000);
	assert_int_equal(value_of("CLONE_NEWUSER"), 0x10000000);
	assert_int_equal(value_of("CLONE_NEWNET"), 0x40000000);
	assert_int_equal(value_of("CLONE_IO"), 0x80000000);
	assert_int_equal(value_of("CLONE_CLEAR_SIGHAND"), 0x100000000ULL);
	assert_int_equal(value_of("CLONE_INTO_CGROUP"), 0x200000000ULL);
	assert_int_equal(value_of("F_DUPFD"), 0);
	assert_int_equal(value_of("F_SETFL"), 4);
	assert_int_equal(value_of("F_DUPFD_CLOEXEC"), 1030);
	assert_int_equal(value_of("F_DUPFD_QUERY"), 1027);
	assert_int_equal(value_of("F_SEAL_EXEC"), 0x20);
	assert_int_equal(value_of("FD_CLOEXEC"), 1);
	assert_int_equal(value_of("AT_EMPTY_PATH"), 0x1000);
	assert_int_equal(value_of("AT_RECURSIVE"), 0x8000);
	assert_int_equal(value_of("AT_EXECVE_CHECK"), 0x10000);
	assert_int_equal(value_of("RESOLVE_BENEATH"), 0x08);
	assert_int_equal(value_of("RESOLVE_NO_MAGICLINKS"), 0x02);
	assert_int_equal(value_of("PR_SET_NO_NEW_PRIVS"), 38);
	assert_int_equal(value_of("PR_SET_SECCOMP"), 22);
	assert_int_equal(value_of("PR_SET_MDWE"), 65);
	assert_int_equal(value_of("PR_FUTEX_HASH"), 78);
	assert_int_equal(value_of("PR_SET_PTRACER_ANY"), UINT64_MAX);
	assert_int_equal(value_of("FUTEX_WAIT"), 0);
	assert_int_equal(value_of("FUTEX_WAKE_PRIVATE"), 129);
	assert_int_equal(value_of("FUTEX2_SIZE_U32"), 2);
	assert_int_equal(value_of("GRND_NONBLOCK"), 1);
	assert_int_equal(value_of("SECCOMP_SET_MODE_FILTER"), 1);
	assert_int_equal(value_of("SECCOMP_FILTER_FLAG_NEW_LISTENER"), 8);
	assert_int_equal(value_of("SECCOMP_FILTER_FLAG_TSYNC_ESRCH"), 16);
	assert_int_equal(value_of("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"), 32);
	assert_int_equal(value_of("SECCOMP_RET_KILL_PROCESS"), 0x80000000);
	assert_int_equal(value_of("SECCOMP_RET_ALLOW"), 0x7fff0000);
	assert_int_equal(value_of("SIGKILL"), 9);
	assert_int_equal(value_of("SIGSYS"), 31);
	assert_int_equal(value_of("P_PIDFD"), 3);
	assert_int_equal(value_of("WNOHANG"), 1);
	assert_int_equal(value_of("__WALL"), 0x40000000);
	assert_int_equal(value_of("CLOCK_MONOTONIC"), 1);
	assert_int_equal(value_of("ADDR_NO_RANDOMIZE"), 0x0040000);
	assert_int_equal(value_of("READ_IMPLIES_EXEC"), 0x0400000);
	assert_int_equal(value_of("PER_LINUX"), 0);
	assert_int_equal(value_of("S_IFMT"), 0170000);
	assert_int_equal(value_of("S_IFREG"), 0100000);
	assert_int_equal(value_of("X_OK"), 1);
	assert_int_equal(value_of("SEEK_HOLE"), 4);
	assert_int_equal(value_of("LOCK_EX"), 2);
	assert_int_equal(value_of("IPC_CREAT"), 01000);
	assert_int_equal(value_of("KEYCTL_JOIN_SESSION_KEYRING"), 1);
	assert_int_equal(value_of("RWF_NOWAIT"), 8);
	assert_int_equal(value_of("STATX_BASIC_STATS"), 0x7ff);
	assert_int_equal(value_of("CAP_NET_BIND_SERVICE"), 10);
	assert_int_equal(value_of("CAP_CHECKPOINT_RESTORE"), 40);
}

/* Negative kernel values are sign-extended to 64 bits. */
static void test_negative_values_sign_extended(void **state)
{
	(void)state;
	assert_int_equal(value_of("AT_FDCWD"), 0xffffffffffffff9cULL);
	assert_int_equal(value_of("KEY_SPEC_THREAD_KEYRING"), UINT64_MAX);
	assert_int_equal(value_of("KEY_SPEC_SESSION_KEYRING"), (uint64_t)-3);
	assert_int_equal(value_of("WAIT_ANY"), UINT64_MAX);
}

/*
 * Only the names below may hold a value wider than 32 bits: the negative
 * ones (sign-extended) and the clone3-only flags. Anything else above
 * UINT32_MAX means an int with bit 31 set was sign-extended by mistake.
 */
static void test_values_fit_32_bits_unless_known(void **state)
{
	static const char *const wide[] = {
	        "AT_FDCWD",
	        "CLONE_CLEAR_SIGHAND",
	        "CLONE_INTO_CGROUP",
	        "FUTEX_CMD_MASK",
	        "KEY_REQKEY_DEFL_NO_CHANGE",
	        "KEY_SPEC_GROUP_KEYRING",
	        "KEY_SPEC_PROCESS_KEYRING",
	        "KEY_SPEC_REQKEY_AUTH_KEY",
	        "KEY_SPEC_REQUESTOR_KEYRING",
	        "KEY_SPEC_SESSION_KEYRING",
	        "KEY_SPEC_THREAD_KEYRING",
	        "KEY_SPEC_USER_KEYRING",
	        "KEY_SPEC_USER_SESSION_KEYRING",
	        "PR_SET_PTRACER_ANY",
	        "WAIT_ANY",
	};
	size_t count;
	const struct moat_constant *table = moat_constant_table(&count);
	size_t wide_found = 0;

	(void)state;
	for (size_t i = 0; i < count; i++) {
		bool allowed = false;

		if (table[i].value <= UINT32_MAX)
			continue;
		for (size_t j = 0; j < sizeof(wide) / sizeof(wide[0]); j++)
			allowed = allowed || strcmp(table[i].name, wide[j]) == 0;
		if (!allowed)
			fail_msg("%s = 0x%llx is wider than 32 bits", table[i].name,
			         (unsigned long long)table[i].value);
		wide_found++;
	}
	assert_int_equal(wide_found, sizeof(wide) / sizeof(wide[0]));
}

/* Values that depend on the architecture, written out for x86-64. */
static void test_known_values_x86_64(void **state)
{
	(void)state;
#if defined(__x86_64__)
	assert_int_equal(value_of("SOCK_STREAM"), 1);
	assert_int_equal(value_of("SOCK_DGRAM"), 2);
	assert_int_equal(value_of("SOCK_NONBLOCK"), 04000);
	assert_int_equal(value_of("SOCK_CLOEXEC"), 02000000);
	assert_int_equal(value_of("SOL_SOCKET"), 1);
	assert_int_equal(value_of("SO_REUSEADDR"), 2);
	assert_int_equal(value_of("SO_PEERCRED"), 17);
	assert_int_equal(value_of("O_CREAT"), 0100);
	assert_int_equal(value_of("O_DIRECTORY"), 0200000);
	assert_int_equal(value_of("O_PATH"), 010000000);
	assert_int_equal(value_of("O_TMPFILE"), 020200000);
	assert_int_equal(value_of("MAP_ANONYMOUS"), 0x20);
	assert_int_equal(value_of("MAP_32BIT"), 0x40);
	assert_int_equal(value_of("TCGETS"), 0x5401);
	assert_int_equal(value_of("TCSETS"), 0x5402);
	assert_int_equal(value_of("TCSETSW"), 0x5403);
	assert_int_equal(value_of("TCSETSF"), 0x5404);
	assert_int_equal(value_of("TIOCSCTTY"), 0x540e);
	assert_int_equal(value_of("TIOCGPGRP"), 0x540f);
	assert_int_equal(value_of("TIOCSPGRP"), 0x5410);
	assert_int_equal(value_of("TIOCSTI"), 0x5412);
	assert_int_equal(value_of("TIOCGWINSZ"), 0x5413);
	assert_int_equal(value_of("TIOCSWINSZ"), 0x5414);
	assert_int_equal(value_of("FIONREAD"), 0x541b);
	assert_int_equal(value_of("TIOCLINUX"), 0x541c);
	assert_int_equal(value_of("FIONBIO"), 0x5421);
	assert_int_equal(value_of("TIOCNOTTY"), 0x5422);
	assert_int_equal(value_of("FIONCLEX"), 0x5450);
	assert_int_equal(value_of("FIOCLEX"), 0x5451);
	assert_int_equal(value_of("FIOASYNC"), 0x5452);
	assert_int_equal(value_of("TIOCGPTN"), 0x80045430);
	assert_int_equal(value_of("TCGETS2"), 0x802c542a);
	assert_int_equal(value_of("SECCOMP_IOCTL_NOTIF_ID_VALID"), 0x40082102);
	assert_int_equal(value_of("SECCOMP_IOCTL_NOTIF_SET_FLAGS"), 0x40082104);
	assert_int_equal(value_of("EFD_NONBLOCK"), 04000);
	assert_int_equal(value_of("EPOLL_CLOEXEC"), 02000000);
	assert_int_equal(value_of("SIGCHLD"), 17);
#else
	print_message("SKIP: the expected values are those of x86_64\n");
	skip();
#endif
}

static void test_unknown_names(void **state)
{
	static const char *const unknown[] = {
	        "",
	        "AF_NOPE",
	        "af_inet",     /* names are case-sensitive */
	        "AF_INET ",    /* no trimming */
	        "AF_",         /* a prefix is not a name */
	        "AF_MAX",      /* a count, not a value */
	        "O_LARGEFILE", /* 0 to glibc, 0100000 to the kernel */
	        "SIGRTMIN",    /* 32 to the kernel, 34 to glibc */
	        "SIG_DFL",     /* a pointer */
	        "EPERM",       /* errno names are for the errno action */
	        "12",
	};
	uint64_t value = 0x1234;

	(void)state;
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		if (moat_constant_value(unknown[i], &value))
			fail_msg("'%s' should be unknown", unknown[i]);
	}
	assert_false(moat_constant_value(NULL, &value));
	assert_int_equal(value, 0x1234);
}

static void test_constant_suggestions(void **state)
{
	(void)state;
	assert_string_equal(moat_constant_suggest("AF_INTE"), "AF_INET");
	assert_string_equal(moat_constant_suggest("af_inet"), "AF_INET");
	assert_string_equal(moat_constant_suggest("AF_UNX"), "AF_UNIX");
	assert_string_equal(moat_constant_suggest("SOCK_STRAEM"), "SOCK_STREAM");
	assert_string_equal(moat_constant_suggest("O_RDONY"), "O_RDONLY");
	assert_string_equal(moat_constant_suggest("O_ACCMOD"), "O_ACCMODE");
	assert_string_equal(moat_constant_suggest("CLONE_NEWUSR"), "CLONE_NEWUSER");
	assert_string_equal(moat_constant_suggest("TIOCSTII"), "TIOCSTI");
	assert_string_equal(moat_constant_suggest("PR_SET_NO_NEW_PRIV"), "PR_SET_NO_NEW_PRIVS");
	assert_null(moat_constant_suggest("XYZZY_PLUGH"));
	assert_null(moat_constant_suggest("totally unrelated words"));
	assert_null(moat_constant_suggest(""));
	assert_null(moat_constant_suggest(NULL));
}

static void test_suggestion_of_long_input(void **state)
{
	char name[4096];

	(void)state;
	memset(name, 'A', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_null(moat_constant_suggest(name));
	/* Just past the longest name: far from everything, still no crash. */
	name[NAME_LENGTH_MAX + 2] = '\0';
	assert_null(moat_constant_suggest(name));
}

/* glibc's strerrorname_np() is the reference for names and canonical choices. */
static void test_errno_matches_glibc(void **state)
{
	int named = 0;

	(void)state;
	for (int number = 1; number <= 4095; number++) {
		const char *expected = strerrorname_np(number);
		const char *name = moat_errno_name(number);

		if (!expected) {
			if (name)
				fail_msg("errno %d has name %s, glibc knows none", number, name);
			continue;
		}
		if (!name || strcmp(name, expected) != 0)
			fail_msg("errno %d: expected %s, got %s", number, expected,
			         name ? name : "(none)");
		assert_int_equal(moat_errno_number(expected), number);
		named++;
	}
	assert_true(named >= 131); /* 1..133 less the unused 41 and 58 */
}

static void test_errno_names(void **state)
{
	(void)state;
	assert_int_equal(moat_errno_number("EPERM"), 1);
	assert_int_equal(moat_errno_number("ENOENT"), 2);
	assert_int_equal(moat_errno_number("EACCES"), 13);
	assert_int_equal(moat_errno_number("ENOSYS"), 38);
	assert_int_equal(moat_errno_number("EHWPOISON"), 133);
	assert_int_equal(moat_errno_number("EWOULDBLOCK"), 11);
	assert_int_equal(moat_errno_number("EDEADLOCK"), 35);
	assert_int_equal(moat_errno_number("ENOTSUP"), 95);
	assert_string_equal(moat_errno_name(1), "EPERM");
	assert_string_equal(moat_errno_name(11), "EAGAIN");
	assert_string_equal(moat_errno_name(35), "EDEADLK");
	assert_string_equal(moat_errno_name(95), "EOPNOTSUPP");
	assert_null(moat_errno_name(0));
	assert_null(moat_errno_name(-1));
	assert_null(moat_errno_name(41)); /* a gap in the numbering */
	assert_null(moat_errno_name(4095));
	assert_int_equal(moat_errno_number("eperm"), -1);
	assert_int_equal(moat_errno_number("EFOO"), -1);
	assert_int_equal(moat_errno_number(""), -1);
	assert_int_equal(moat_errno_number("1"), -1);
	assert_int_equal(moat_errno_number(NULL), -1);
	assert_string_equal(moat_errno_suggest("EPRM"), "EPERM");
	assert_string_equal(moat_errno_suggest("EACCESS"), "EACCES");
	assert_string_equal(moat_errno_suggest("eperm"), "EPERM");
	/* A swap of neighbours is one edit: a short name allows only one. */
	assert_string_equal(moat_errno_suggest("EOI"), "EIO");
	assert_null(moat_errno_suggest("NOT_AN_ERRNO_AT_ALL"));
	assert_null(moat_errno_suggest(NULL));
}

static void test_capability_round_trips(void **state)
{
	(void)state;
	assert_int_equal(moat_capability_last(), 40);
	for (int number = 0; number <= moat_capability_last(); number++) {
		const char *name = moat_capability_name(number);
		char lower[64];
		size_t length;

		assert_non_null(name);
		length = strlen(name);
		assert_true(length < sizeof(lower));
		assert_memory_equal(name, "CAP_", 4);
		for (size_t i = 0; i <= length; i++)
			lower[i] = (char)tolower((unsigned char)name[i]);
		assert_int_equal(moat_capability_number(name), number);
		assert_int_equal(moat_capability_number(lower), number);
		assert_int_equal(moat_capability_number(name + 4), number);
		assert_int_equal(moat_capability_number(lower + 4), number);
		/* The constant table agrees with the capability table. */
		assert_int_equal(value_of(name), number);
	}
	assert_null(moat_capability_name(-1));
	assert_null(moat_capability_name(41));
}

static void test_capability_names(void **state)
{
	(void)state;
	assert_string_equal(moat_capability_name(0), "CAP_CHOWN");
	assert_string_equal(moat_capability_name(10), "CAP_NET_BIND_SERVICE");
	assert_string_equal(moat_capability_name(21), "CAP_SYS_ADMIN");
	assert_string_equal(moat_capability_name(38), "CAP_PERFMON");
	assert_string_equal(moat_capability_name(39), "CAP_BPF");
	assert_string_equal(moat_capability_name(40), "CAP_CHECKPOINT_RESTORE");
	assert_int_equal(moat_capability_number("CAP_NET_BIND_SERVICE"), 10);
	assert_int_equal(moat_capability_number("cap_net_bind_service"), 10);
	assert_int_equal(moat_capability_number("Net_Bind_Service"), 10);
	assert_int_equal(moat_capability_number("CAP_"), -1);
	assert_int_equal(moat_capability_number(""), -1);
	assert_int_equal(moat_capability_number("CAP_NOPE"), -1);
	assert_int_equal(moat_capability_number("CAP_CAP_CHOWN"), -1);
	assert_int_equal(moat_capability_number("10"), -1);
	assert_int_equal(moat_capability_number(NULL), -1);
	assert_string_equal(moat_capability_suggest("CAP_NET_BIND_SERVCE"), "CAP_NET_BIND_SERVICE");
	assert_string_equal(moat_capability_suggest("net_admn"), "CAP_NET_ADMIN");
	assert_string_equal(moat_capability_suggest("cap_sys_admn"), "CAP_SYS_ADMIN");
	assert_null(moat_capability_suggest("completely_different"));
	assert_null(moat_capability_suggest(NULL));
}

/* glibc's sigabbrev_np() names every standard signal; all of them must resolve. */
static void test_signals_match_glibc(void **state)
{
	(void)state;
	for (int number = 1; number < 32; number++) {
		const char *abbreviation = sigabbrev_np(number);
		const char *name = moat_signal_name(number);
		char full[32];

		assert_non_null(abbreviation);
		assert_non_null(name);
		snprintf(full, sizeof(full), "SIG%s", abbreviation);
		assert_int_equal(moat_signal_number(full), number);
		assert_int_equal(moat_signal_number(abbreviation), number);
		assert_int_equal(moat_signal_number(name), number);
		assert_int_equal(value_of(name), number);
	}
}

static void test_signal_names(void **state)
{
	(void)state;
	assert_int_equal(moat_signal_number("SIGTERM"), 15);
	assert_int_equal(moat_signal_number("TERM"), 15);
	assert_int_equal(moat_signal_number("sigterm"), 15);
	assert_int_equal(moat_signal_number("term"), 15);
	assert_int_equal(moat_signal_number("SIGIOT"), 6);
	assert_int_equal(moat_signal_number("SIGPOLL"), 29);
	assert_int_equal(moat_signal_number("SIGCLD"), 17);
	assert_string_equal(moat_signal_name(15), "SIGTERM");
	assert_string_equal(moat_signal_name(6), "SIGABRT");
	assert_string_equal(moat_signal_name(29), "SIGIO");
	assert_string_equal(moat_signal_name(17), "SIGCHLD");
	assert_int_equal(moat_signal_number("SIGRTMIN"), -1);
	assert_int_equal(moat_signal_number("SIG"), -1);
	assert_int_equal(moat_signal_number(""), -1);
	assert_int_equal(moat_signal_number("SIGSIGTERM"), -1);
	assert_int_equal(moat_signal_number("15"), -1);
	assert_int_equal(moat_signal_number(NULL), -1);
	assert_null(moat_signal_name(0));
	assert_null(moat_signal_name(32));
	assert_null(moat_signal_name(64));
	assert_null(moat_signal_name(-1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_table_sorted_and_unique),
	        cmocka_unit_test(test_names_are_policy_words),
	        cmocka_unit_test(test_every_entry_found),
	        cmocka_unit_test(test_known_values),
	        cmocka_unit_test(test_negative_values_sign_extended),
	        cmocka_unit_test(test_values_fit_32_bits_unless_known),
	        cmocka_unit_test(test_known_values_x86_64),
	        cmocka_unit_test(test_unknown_names),
	        cmocka_unit_test(test_constant_suggestions),
	        cmocka_unit_test(test_suggestion_of_long_input),
	        cmocka_unit_test(test_errno_matches_glibc),
	        cmocka_unit_test(test_errno_names),
	        cmocka_unit_test(test_capability_round_trips),
	        cmocka_unit_test(test_capability_names),
	        cmocka_unit_test(test_signals_match_glibc),
	        cmocka_unit_test(test_signal_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
