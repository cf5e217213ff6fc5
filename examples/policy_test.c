// SPDX-License-Identifier: MIT
/*
 * Unit tests of a policy with cmocka: what the policy decides for a few
 * syscalls, paths and ports, and which statement decided. Copy this file
 * into your own test suite and point POLICY at your policy. Nothing runs in
 * a sandbox: the decisions come from the policy and its compiled filter.
 *
 *   cc policy_test.c $(pkg-config --cflags --libs moat cmocka)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <moat.h>

static const char POLICY[] = "moat 1\n"
                             "[syscalls]\n"
                             "default kill\n"
                             "allow read write close exit_group\n"
                             "errno EACCES openat if arg2 & O_ACCMODE != O_RDONLY\n"
                             "allow openat\n"
                             "errno EAFNOSUPPORT socket if arg0 != AF_UNIX\n"
                             "allow socket\n"
                             "[filesystem]\n"
                             "read /usr\n"
                             "write /tmp\n"
                             "[network]\n"
                             "connect tcp 443\n";

struct fixture {
	moat_policy *policy;
	moat_filter *filter;
};

static int load(void **state)
{
	static struct fixture fixture;
	struct moat_error error = {0};

	if (moat_policy_load_string(&fixture.policy, "app.policy", POLICY, strlen(POLICY), NULL,
	                            &error) < 0 ||
	    moat_filter_compile(&fixture.filter, fixture.policy, &error) < 0) {
		fprintf(stderr, "%s:%u:%u: error: %s\n", error.file, error.line, error.column,
		        error.message);
		return -1;
	}
	*state = &fixture;
	return 0;
}

static int release(void **state)
{
	struct fixture *fixture = *state;

	moat_filter_free(fixture->filter);
	moat_policy_free(fixture->policy);
	return 0;
}

/* The rule on line 5 refuses a write open; line 6 allows a read-only one. */
static void test_openat(void **state)
{
	struct fixture *fixture = *state;
	const uint64_t write_only[6] = {(uint64_t)AT_FDCWD, 0, O_WRONLY};
	const uint64_t read_only[6] = {(uint64_t)AT_FDCWD, 0, O_RDONLY};
	struct moat_decision decision;

	assert_int_equal(moat_decide_syscall(fixture->filter, SYS_openat, write_only, &decision),
	                 0);
	assert_int_equal(decision.action.kind, MOAT_ACTION_ERRNO);
	assert_int_equal(decision.action.errno_value, EACCES);
	assert_int_equal(decision.location.line, 5);

	assert_int_equal(moat_decide_syscall(fixture->filter, SYS_openat, read_only, &decision), 0);
	assert_true(decision.allowed);
	assert_string_equal(decision.statement, "allow openat");
}

static void test_unlisted_syscall_is_killed(void **state)
{
	struct fixture *fixture = *state;
	struct moat_decision decision;

	assert_int_equal(moat_decide_syscall(fixture->filter, SYS_ptrace, NULL, &decision), 0);
	assert_int_equal(decision.action.kind, MOAT_ACTION_KILL_PROCESS);
	assert_string_equal(decision.statement, "default kill");
}

static void test_paths(void **state)
{
	struct fixture *fixture = *state;
	struct moat_decision decision;

	assert_int_equal(moat_decide_path(fixture->policy, "/usr/bin", "read", &decision, NULL), 0);
	assert_true(decision.allowed);
	assert_int_equal(moat_decide_path(fixture->policy, "/usr/bin", "write", &decision, NULL),
	                 0);
	assert_false(decision.allowed);
	assert_string_equal(decision.statement, "[filesystem]");
	assert_int_equal(moat_decide_path(fixture->policy, "/etc", "read", &decision, NULL), 0);
	assert_false(decision.allowed);
}

static void test_ports(void **state)
{
	struct fixture *fixture = *state;
	struct moat_decision decision;

	assert_int_equal(moat_decide_port(fixture->policy, MOAT_PORT_CONNECT, 443, &decision, NULL),
	                 0);
	assert_true(decision.allowed);
	assert_int_equal(moat_decide_port(fixture->policy, MOAT_PORT_CONNECT, 80, &decision, NULL),
	                 0);
	assert_false(decision.allowed);
	assert_int_equal(decision.location.line, 13);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_openat),
	        cmocka_unit_test(test_unlisted_syscall_is_killed),
	        cmocka_unit_test(test_paths),
	        cmocka_unit_test(test_ports),
	};

	return cmocka_run_group_tests(tests, load, release);
}
