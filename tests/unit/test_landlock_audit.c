// SPDX-License-Identifier: MIT
/*
 * The Landlock audit reader's parsing and matching, fed records as the
 * kernel writes them (security/landlock/audit.c): only the refusals of a
 * domain whose allocated record names a watched process (or a child of
 * one) are reported, each distinct one once with its count; another
 * sandbox's refusals, and those of a domain never claimed, are not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "landlock/audit.h"
#include "landlock/landlock.h"

#define ACCESS 1423
#define DOMAIN 1424

static void feed(struct moat_landlock_audit *audit, int type, const char *format, ...)
        __attribute__((format(printf, 3, 4)));

static void feed(struct moat_landlock_audit *audit, int type, const char *format, ...)
{
	char text[1024];
	va_list arguments;
	int length;

	va_start(arguments, format);
	length = vsnprintf(text, sizeof(text), format, arguments);
	va_end(arguments);
	moat_landlock_audit_record(audit, type, text, (size_t)length);
}

static struct moat_landlock_audit *reader(void)
{
	struct moat_landlock_audit *audit = NULL;

	/* ABI 0: no socket is opened; records still parse as fed. */
	assert_int_equal(moat_landlock_audit_open_abi(&audit, 0, NULL), 0);
	assert_int_equal(moat_landlock_audit_visibility(audit), MOAT_AUDIT_OLD_LANDLOCK);
	assert_int_equal(moat_landlock_audit_fd(audit), -1);
	return audit;
}

static void allocated(struct moat_landlock_audit *audit, const char *domain, pid_t pid)
{
	feed(audit, DOMAIN,
	     "audit(1764971000.123:42): domain=%s status=allocated mode=enforcing pid=%d "
	     "uid=0 exe=\"/usr/bin/sh\" comm=\"sh\"",
	     domain, (int)pid);
}

static void test_watched_domain_counts(void **state)
{
	struct moat_landlock_audit *audit = reader();
	const struct moat_landlock_denial *denial;

	(void)state;
	moat_landlock_audit_watch(audit, getpid());
	for (int i = 0; i < 2; i++)
		feed(audit, ACCESS,
		     "audit(1764971000.123:4%d): domain=1f038bc65 blockers=fs.write_file "
		     "path=\"/etc/hostname\" dev=\"vda\" ino=733",
		     i);
	/* Refusals come before their domain's record: none is reported until it comes. */
	assert_int_equal(moat_landlock_audit_count(audit), 0);
	allocated(audit, "1f038bc65", getpid());
	feed(audit, ACCESS,
	     "audit(1764971000.125:45): domain=1f038bc65 blockers=net.connect_tcp "
	     "daddr=127.0.0.1 dest=9");
	feed(audit, ACCESS,
	     "audit(1764971000.125:46): domain=1f038bc65 blockers=net.bind_tcp saddr=0.0.0.0 "
	     "src=8080");
	/* A name with a space is written in hex (audit_log_untrustedstring). */
	feed(audit, ACCESS,
	     "audit(1764971000.126:47): domain=1f038bc65 blockers=fs.make_reg,fs.truncate "
	     "path=2F746D702F6120622E747874 dev=\"vda\" ino=1");
	/* A scope is no [filesystem] or [network] access: not reported. */
	feed(audit, ACCESS,
	     "audit(1764971000.126:48): domain=1f038bc65 blockers=scope.signal opid=1 ocomm=\"x\"");
	/* The domain's end is no refusal. */
	feed(audit, DOMAIN,
	     "audit(1764971000.127:49): domain=1f038bc65 status=deallocated denials=6");
	assert_int_equal(moat_landlock_audit_count(audit), 4);
	denial = moat_landlock_audit_denial(audit, 0);
	assert_int_equal(denial->kind, MOAT_LANDLOCK_DENIAL_PATH);
	assert_string_equal(denial->access, "write-file");
	assert_string_equal(denial->path, "/etc/hostname");
	assert_int_equal(denial->count, 2);
	denial = moat_landlock_audit_denial(audit, 1);
	assert_int_equal(denial->kind, MOAT_LANDLOCK_DENIAL_CONNECT);
	assert_string_equal(denial->access, "connect tcp");
	assert_int_equal(denial->port, 9);
	assert_int_equal(denial->count, 1);
	denial = moat_landlock_audit_denial(audit, 2);
	assert_int_equal(denial->kind, MOAT_LANDLOCK_DENIAL_BIND);
	assert_int_equal(denial->port, 8080);
	denial = moat_landlock_audit_denial(audit, 3);
	assert_string_equal(denial->access, "make-reg,truncate");
	assert_string_equal(denial->path, "/tmp/a b.txt");
	assert_null(moat_landlock_audit_denial(audit, 4));
	moat_landlock_audit_free(audit);
}

/* Another sandbox's domain: its pid is neither watched nor a watched process's child. */
static void test_foreign_domain_dropped(void **state)
{
	struct moat_landlock_audit *audit = reader();

	(void)state;
	moat_landlock_audit_watch(audit, getpid());
	feed(audit, ACCESS,
	     "audit(1.1:1): domain=aaa blockers=fs.read_file path=\"/etc/shadow\" dev=\"vda\" "
	     "ino=2");
	allocated(audit, "aaa", 1); /* init's domain, were it one */
	feed(audit, ACCESS,
	     "audit(1.1:2): domain=aaa blockers=fs.read_file path=\"/etc/shadow\" dev=\"vda\" "
	     "ino=2");
	/* A domain whose allocated record never came is never reported either. */
	feed(audit, ACCESS,
	     "audit(1.1:3): domain=bbb blockers=fs.read_file path=\"/etc/passwd\" dev=\"vda\" "
	     "ino=3");
	assert_int_equal(moat_landlock_audit_count(audit), 0);
	/* Positive control: the same refusal in a domain of a watched pid is reported. */
	allocated(audit, "bbb", getpid());
	assert_int_equal(moat_landlock_audit_count(audit), 1);
	assert_string_equal(moat_landlock_audit_denial(audit, 0)->path, "/etc/passwd");
	moat_landlock_audit_free(audit);
}

/* A process started after watch() whose parent is watched, as the program of an init. */
static void test_child_of_watched(void **state)
{
	struct moat_landlock_audit *audit = reader();
	pid_t child;

	(void)state;
	moat_landlock_audit_watch(audit, getpid());
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	feed(audit, ACCESS,
	     "audit(1.1:1): domain=ccc blockers=fs.execute path=\"/usr/bin/id\" dev=\"vda\" ino=4");
	allocated(audit, "ccc", child);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	assert_int_equal(moat_landlock_audit_count(audit), 1);
	assert_string_equal(moat_landlock_audit_denial(audit, 0)->access, "execute");
	moat_landlock_audit_free(audit);
}

/*
 * The public reader follows the running kernel's Landlock ABI, lowered by
 * the limit: below ABI 7 no record can come, so it opens no socket.
 */
static void test_public_open_follows_the_kernel(void **state)
{
	struct moat_landlock_features features = {0};
	moat_landlock_audit *audit = NULL;

	(void)state;
	assert_int_equal(moat_landlock_audit_open(NULL, 0, NULL), -EINVAL);
	assert_int_equal(moat_landlock_audit_open(&audit, 6, NULL), 0);
	assert_int_equal(moat_landlock_audit_visibility(audit), MOAT_AUDIT_OLD_LANDLOCK);
	assert_int_equal(moat_landlock_audit_fd(audit), -1);
	assert_int_equal(moat_landlock_audit_read(audit), 0);
	assert_int_equal(moat_landlock_audit_drain(audit, 10, 50), 0);
	assert_int_equal(moat_landlock_audit_lost(audit), 0);
	assert_int_equal(moat_landlock_audit_count(audit), 0);
	assert_null(moat_landlock_audit_denial(audit, 0));
	moat_landlock_audit_free(audit);
	if (moat_landlock_probe(&features) < 0 || features.abi < 7) {
		printf("the kernel has Landlock ABI %d, not 7: no control without the limit\n",
		       features.abi);
		return;
	}
	/* Control: without the limit, the same kernel's records are not refused as too old. */
	assert_int_equal(moat_landlock_audit_open(&audit, 0, NULL), 0);
	assert_int_not_equal(moat_landlock_audit_visibility(audit), MOAT_AUDIT_OLD_LANDLOCK);
	moat_landlock_audit_free(audit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_watched_domain_counts),
	        cmocka_unit_test(test_foreign_domain_dropped),
	        cmocka_unit_test(test_child_of_watched),
	        cmocka_unit_test(test_public_open_follows_the_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
