// SPDX-License-Identifier: MIT
/*
 * The seccomp closures of what an older Landlock lacks (landlock/closures.c)
 * and their placement in the filter (policy/narrow.c): for each ABI, the
 * compiled filter refuses the hole only where the policy lets the call
 * through, leaves a stricter rule of the policy deciding, names the
 * closure's statement, and adds nothing where the kernel has the right or
 * where a closure would refuse what the policy's grants need. Each closure
 * is checked beside its control: the same call on a kernel with the right.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <setjmp.h>
#include <cmocka.h>

#include "landlock/closures.h"
#include "moat.h"
#include "policy/ir.h"

/* A filter of `text` as moat run compiles it on a kernel with Landlock ABI `abi`. */
struct closed {
	moat_policy *policy;
	struct moat_landlock_closures closures;
	moat_filter *filter;
};

static void close_shaped(struct closed *closed, const char *text, int abi,
                         struct moat_sandbox_shape shape)
{
	struct moat_landlock_features features;
	struct moat_error error;

	assert_int_equal(moat_policy_load_string(&closed->policy, "closures.policy", text,
	                                         strlen(text), NULL, &error),
	                 0);
	moat_landlock_features_for_abi(&features, abi);
	assert_int_equal(moat_landlock_closures_build(&closed->closures, closed->policy, &features,
	                                              &shape, &error),
	                 0);
	assert_int_equal(moat_filter_compile(&closed->filter, &closed->closures.policy, &error), 0);
}

/* Without namespaces, as moat_enter() applies a policy. */
static void close_for(struct closed *closed, const char *text, int abi)
{
	close_shaped(closed, text, abi, (struct moat_sandbox_shape){false, false});
}

static void release(struct closed *closed)
{
	moat_filter_free(closed->filter);
	moat_landlock_closures_release(&closed->closures);
	moat_policy_free(closed->policy);
}

/* The filter's action for one call: "allow", "errno 13", "kill". */
static const char *decide(const struct closed *closed, int number, uint64_t arg0, uint64_t arg1,
                          uint64_t arg2)
{
	static char text[32];
	uint64_t args[6] = {arg0, arg1, arg2, 0, 0, 0};
	struct moat_action action;

	assert_int_equal(moat_filter_eval(closed->filter, number, args, &action), 0);
	if (action.kind == MOAT_ACTION_ERRNO)
		snprintf(text, sizeof(text), "errno %d", action.errno_value);
	else
		snprintf(text, sizeof(text), "%s",
		         action.kind == MOAT_ACTION_ALLOW ? "allow" : "other");
	return text;
}

static bool has_line(const struct closed *closed, enum moat_coverage coverage, const char *text)
{
	for (size_t i = 0; i < closed->closures.line_count; i++) {
		const struct moat_coverage_line *line = &closed->closures.lines[i];

		if (line->coverage == coverage && strstr(line->text, text))
			return true;
	}
	return false;
}

/* Grants reading only; allows the calls whose closures are tested, and one stricter rule each. */
static const char read_only[] = "moat 1\n"
                                "[syscalls]\n"
                                "default allow\n"
                                "errno EPERM truncate if arg1 == 7\n"
                                "kill openat if arg2 == 0x7fff\n"
                                "allow ioctl if arg1 in {TCGETS, TIOCSTI}\n"
                                "errno EPERM ioctl\n"
                                "[filesystem]\n"
                                "read /usr\n";

#define READ_TRUNC (O_RDONLY | O_TRUNC)

static void test_truncate_closed_below_abi3(void **state)
{
	struct closed closed;

	(void)state;
	for (int abi = 1; abi <= 2; abi++) {
		close_for(&closed, read_only, abi);
		assert_string_equal(decide(&closed, SYS_truncate, 0, 0, 0), "errno 13");
		assert_string_equal(decide(&closed, SYS_truncate, 0, 7, 0), "errno 1");
		assert_string_equal(decide(&closed, SYS_openat, 0, 0, READ_TRUNC), "errno 13");
		assert_string_equal(decide(&closed, SYS_openat, 0, 0, O_RDONLY), "allow");
		assert_string_equal(decide(&closed, SYS_openat, 0, 0, O_WRONLY | O_TRUNC), "allow");
		assert_string_equal(decide(&closed, SYS_openat, 0, 0, 0x7fff), "other");
		assert_string_equal(decide(&closed, SYS_open, 0, READ_TRUNC, 0), "errno 13");
		assert_string_equal(decide(&closed, SYS_openat2, 0, 0, 0), "errno 38");
		assert_true(has_line(&closed, MOAT_COVERAGE_SECCOMP, "truncate (Landlock ABI 3)"));
		release(&closed);
	}
	/* The control: ABI 3 has the right, so the filter is the policy's own. */
	close_for(&closed, read_only, 3);
	assert_string_equal(decide(&closed, SYS_truncate, 0, 0, 0), "allow");
	assert_string_equal(decide(&closed, SYS_openat, 0, 0, READ_TRUNC), "allow");
	assert_string_equal(decide(&closed, SYS_openat2, 0, 0, 0), "allow");
	assert_int_equal(closed.closures.rule_count, 1); /* ioctl's */
	release(&closed);
}

static void test_closure_names_its_statement(void **state)
{
	const struct moat_syscall_rules *rules;
	struct closed closed;

	(void)state;
	close_for(&closed, read_only, 2);
	rules = moat_policy_find_syscall(&closed.closures.policy, SYS_openat);
	assert_non_null(rules);
	assert_true(rules->conditional_count >= 2);
	/* The policy's kill comes first; the closure before the default's allow. */
	assert_int_equal(rules->conditional[0].action.kind, MOAT_ACTION_KILL_PROCESS);
	assert_string_equal(rules->conditional[1].statement.text,
	                    "compat: no Landlock truncate before ABI 3 (no rule grants truncate)");
	/* The caller's policy is untouched. */
	assert_null(moat_policy_find_syscall(closed.policy, SYS_openat2));
	release(&closed);
}

static void test_write_grant_leaves_truncate_open(void **state)
{
	static const char writes[] = "moat 1\n[syscalls]\ndefault allow\n"
	                             "[filesystem]\nread /usr\nwrite /tmp\n";
	struct closed closed;

	(void)state;
	close_for(&closed, writes, 2);
	assert_string_equal(decide(&closed, SYS_truncate, 0, 0, 0), "allow");
	assert_string_equal(decide(&closed, SYS_openat, 0, 0, READ_TRUNC), "allow");
	assert_true(has_line(&closed, MOAT_COVERAGE_OPEN, "outside the write grants"));
	release(&closed);
}

static void test_write_file_on_a_file_is_reported(void **state)
{
	static const char writes[] = "moat 1\n[syscalls]\ndefault allow\n[filesystem]\n"
	                             "allow read-file,write-file /dev/null /etc/hostname\n";
	struct closed closed;

	(void)state;
	close_for(&closed, writes, 2);
	assert_string_equal(decide(&closed, SYS_truncate, 0, 0, 0), "errno 13");
	assert_true(has_line(&closed, MOAT_COVERAGE_OPEN, "/etc/hostname"));
	assert_false(has_line(&closed, MOAT_COVERAGE_OPEN, "/dev/null"));
	release(&closed);
}

static void test_ioctl_closed_below_abi5(void **state)
{
	struct closed closed;

	(void)state;
	for (int abi = 1; abi <= 4; abi++) {
		close_for(&closed, read_only, abi);
		assert_string_equal(decide(&closed, SYS_ioctl, 0, TCGETS, 0), "allow");
		assert_string_equal(decide(&closed, SYS_ioctl, 0, TIOCSTI, 0), "errno 13");
		/* Never widened: an ioctl the policy refuses stays refused its way. */
		assert_string_equal(decide(&closed, SYS_ioctl, 0, TIOCSPGRP, 0), "errno 1");
		assert_true(has_line(&closed, MOAT_COVERAGE_SECCOMP, "ioctl-dev (Landlock ABI 5)"));
		release(&closed);
	}
	close_for(&closed, read_only, 5);
	assert_string_equal(decide(&closed, SYS_ioctl, 0, TIOCSTI, 0), "allow");
	assert_true(has_line(&closed, MOAT_COVERAGE_LANDLOCK, "ioctl-dev"));
	release(&closed);
}

static void test_named_ioctl_dev_is_not_closed(void **state)
{
	static const char named[] = "moat 1\ncompat best-effort\n[syscalls]\ndefault allow\n"
	                            "[filesystem]\nallow read-file,ioctl-dev /dev/null\n";
	struct closed closed;

	(void)state;
	close_for(&closed, named, 4);
	assert_string_equal(decide(&closed, SYS_ioctl, 0, TIOCSTI, 0), "allow");
	assert_true(has_line(&closed, MOAT_COVERAGE_OPEN, "a rule names ioctl-dev"));
	release(&closed);
}

/* `ioctl-dev?` below ABI 5: the grant is given up and the closure holds on every descriptor. */
static void test_optional_ioctl_dev_is_closed(void **state)
{
	static const char optional[] = "moat 1\n[syscalls]\ndefault allow\n"
	                               "[filesystem]\nallow read-file,ioctl-dev? /dev/null\n";
	struct closed closed;

	(void)state;
	for (int abi = 1; abi <= 4; abi++) {
		close_for(&closed, optional, abi);
		assert_string_equal(decide(&closed, SYS_ioctl, 0, TIOCSTI, 0), "errno 13");
		assert_string_equal(decide(&closed, SYS_ioctl, 0, TCGETS, 0), "allow");
		assert_true(has_line(&closed, MOAT_COVERAGE_LANDLOCK,
		                     "optional right ioctl-dev dropped: needs Landlock ABI 5"));
		assert_true(has_line(&closed, MOAT_COVERAGE_LANDLOCK, "not granted on /dev/null"));
		assert_true(has_line(&closed, MOAT_COVERAGE_SECCOMP, "ioctl-dev (Landlock ABI 5)"));
		release(&closed);
	}
	close_for(&closed, optional, 5);
	assert_string_equal(decide(&closed, SYS_ioctl, 0, TIOCSTI, 0), "allow");
	assert_false(has_line(&closed, MOAT_COVERAGE_LANDLOCK, "optional right"));
	release(&closed);
}

/* `truncate?` below ABI 3: no grant to keep open, so the closure refuses truncate(2). */
static void test_optional_truncate_is_closed(void **state)
{
	static const char optional[] = "moat 1\n[syscalls]\ndefault allow\n[filesystem]\n"
	                               "allow read-file,write-file,truncate? /dev/null\n";
	static const char named[] = "moat 1\ncompat best-effort\n[syscalls]\ndefault allow\n"
	                            "[filesystem]\nallow read-file,write-file,truncate /dev/null\n";
	struct closed closed;

	(void)state;
	close_for(&closed, optional, 2);
	assert_string_equal(decide(&closed, SYS_truncate, 0, 0, 0), "errno 13");
	assert_true(has_line(&closed, MOAT_COVERAGE_LANDLOCK, "optional right truncate dropped"));
	release(&closed);
	/* The control: named, the grant keeps truncate(2) open. */
	close_for(&closed, named, 2);
	assert_string_equal(decide(&closed, SYS_truncate, 0, 0, 0), "allow");
	release(&closed);
}

static void test_tcp_closed_below_abi4(void **state)
{
	static const char no_tcp[] = "moat 1\ncompat best-effort\n[syscalls]\ndefault allow\n"
	                             "[network]\nconnect tcp none\nbind tcp none\n";
	static const char some_tcp[] = "moat 1\ncompat best-effort\n[syscalls]\ndefault allow\n"
	                               "[network]\nconnect tcp 443\nbind tcp none\n";
	struct closed closed;

	(void)state;
	close_for(&closed, no_tcp, 3);
	assert_string_equal(decide(&closed, SYS_socket, AF_INET, SOCK_STREAM, 0), "errno 13");
	assert_string_equal(decide(&closed, SYS_socket, AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0),
	                    "errno 13");
	assert_string_equal(decide(&closed, SYS_socket, AF_INET, SOCK_DGRAM, 0), "allow");
	assert_string_equal(decide(&closed, SYS_socket, AF_UNIX, SOCK_STREAM, 0), "allow");
	release(&closed);
	/* The controls: ABI 4 enforces it with Landlock; a port list cannot be closed. */
	close_for(&closed, no_tcp, 4);
	assert_string_equal(decide(&closed, SYS_socket, AF_INET, SOCK_STREAM, 0), "allow");
	release(&closed);
	close_for(&closed, some_tcp, 3);
	assert_string_equal(decide(&closed, SYS_socket, AF_INET, SOCK_STREAM, 0), "allow");
	assert_true(has_line(&closed, MOAT_COVERAGE_OPEN, "TCP connect and bind"));
	release(&closed);
}

#define HELD_TCP    (MOAT_LANDLOCK_HELD_CONNECT_TCP | MOAT_LANDLOCK_HELD_BIND_TCP)
#define HELD_SCOPES (MOAT_LANDLOCK_HELD_SCOPE_ABSTRACT_UNIX | MOAT_LANDLOCK_HELD_SCOPE_SIGNAL)

/* program-base's [syscalls] and [network], in short. */
static const char no_sockets[] = "moat 1\n[syscalls]\ndefault kill\n"
                                 "allow socketpair if arg0 == AF_UNIX\nerrno EACCES socket\n"
                                 "[network]\nconnect tcp none\nbind tcp none\n"
                                 "scope abstract-unix signal\n";

static void test_program_base_holds_on_every_abi(void **state)
{
	const struct moat_sandbox_shape spawned = {.pid_namespace = true};
	struct closed closed;

	(void)state;
	for (int abi = 1; abi <= 5; abi++) {
		close_shaped(&closed, no_sockets, abi, spawned);
		assert_int_equal(closed.closures.held, (abi < 4 ? HELD_TCP : 0) | HELD_SCOPES);
		assert_true(has_line(&closed, MOAT_COVERAGE_HELD, "held by the PID namespace"));
		assert_true(has_line(
		        &closed, MOAT_COVERAGE_HELD,
		        "scope abstract-unix (Landlock ABI 6): held by the seccomp filter"));
		/* A datagram pair sends to any address: closed; a stream pair stays allowed. */
		assert_string_equal(decide(&closed, SYS_socketpair, AF_UNIX, SOCK_DGRAM, 0),
		                    "errno 13");
		assert_string_equal(
		        decide(&closed, SYS_socketpair, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0),
		        "errno 13");
		assert_string_equal(decide(&closed, SYS_socketpair, AF_UNIX, SOCK_STREAM, 0),
		                    "allow");
		release(&closed);
	}
	/* ABI 6 enforces it all: no closure of the pairs. */
	close_shaped(&closed, no_sockets, 6, spawned);
	assert_int_equal(closed.closures.held, 0);
	assert_string_equal(decide(&closed, SYS_socketpair, AF_UNIX, SOCK_DGRAM, 0), "allow");
	release(&closed);
}

static void test_scope_signal_needs_a_pid_namespace(void **state)
{
	struct closed closed;

	(void)state;
	close_for(&closed, no_sockets, 5);
	assert_int_equal(closed.closures.held, MOAT_LANDLOCK_HELD_SCOPE_ABSTRACT_UNIX);
	assert_true(has_line(&closed, MOAT_COVERAGE_OPEN, "processes outside the sandbox"));
	release(&closed);
}

static void test_abstract_unix_with_unix_sockets(void **state)
{
	static const char unix_sockets[] = "moat 1\n[syscalls]\ndefault kill\n"
	                                   "allow socket if arg0 == AF_UNIX\n"
	                                   "[network]\nscope abstract-unix\n";
	static const char inet_only[] = "moat 1\n[syscalls]\ndefault kill\n"
	                                "allow socket if arg0 in {AF_INET, AF_INET6}\n"
	                                "errno EACCES socket\n"
	                                "[network]\nscope abstract-unix\n";
	struct closed closed;

	(void)state;
	close_for(&closed, unix_sockets, 5);
	assert_int_equal(closed.closures.held, 0);
	release(&closed);
	close_shaped(&closed, unix_sockets, 5, (struct moat_sandbox_shape){.net_namespace = true});
	assert_int_equal(closed.closures.held, MOAT_LANDLOCK_HELD_SCOPE_ABSTRACT_UNIX);
	assert_true(has_line(&closed, MOAT_COVERAGE_HELD, "held by the network namespace"));
	release(&closed);
	/* Only inet sockets pass: unix ones are refused. */
	close_for(&closed, inet_only, 5);
	assert_int_equal(closed.closures.held, MOAT_LANDLOCK_HELD_SCOPE_ABSTRACT_UNIX);
	release(&closed);
}

static void test_tcp_none_held_by_the_filter(void **state)
{
	static const char closable[] = "moat 1\n[syscalls]\ndefault allow\nkill io_uring_setup\n"
	                               "[network]\nconnect tcp none\nbind tcp none\n";
	static const char with_io_uring[] = "moat 1\n[syscalls]\ndefault allow\n"
	                                    "[network]\nconnect tcp none\nbind tcp none\n";
	static const char notified[] = "moat 1\n[syscalls]\ndefault allow\nkill io_uring_setup\n"
	                               "notify socket if arg0 == AF_INET\n"
	                               "[network]\nconnect tcp none\nbind tcp none\n";
	static const char unix_only[] = "moat 1\n[syscalls]\ndefault kill\n"
	                                "allow socket if arg0 == AF_UNIX\n"
	                                "[network]\nconnect tcp none\n";
	struct closed closed;

	(void)state;
	close_for(&closed, closable, 3);
	assert_int_equal(closed.closures.held, HELD_TCP);
	assert_string_equal(decide(&closed, SYS_socket, AF_INET, SOCK_STREAM, 0), "errno 13");
	release(&closed);
	/* io_uring creates sockets past seccomp; a supervisor may let one through. */
	close_for(&closed, with_io_uring, 3);
	assert_int_equal(closed.closures.held, 0);
	release(&closed);
	close_for(&closed, notified, 3);
	assert_int_equal(closed.closures.held, 0);
	assert_string_equal(decide(&closed, SYS_socket, AF_INET6, SOCK_STREAM, 0), "errno 13");
	release(&closed);
	/* connect alone: no closure (bind is allowed), but the policy's own rules hold it. */
	close_for(&closed, unix_only, 3);
	assert_int_equal(closed.closures.held, MOAT_LANDLOCK_HELD_CONNECT_TCP);
	assert_int_equal(closed.closures.rule_count, 0);
	release(&closed);
}

static void test_no_filter_no_closure(void **state)
{
	static const char no_syscalls[] = "moat 1\n[filesystem]\nread /usr\n";
	struct closed closed;

	(void)state;
	close_for(&closed, no_syscalls, 1);
	assert_int_equal(closed.closures.rule_count, 0);
	assert_true(has_line(&closed, MOAT_COVERAGE_OPEN, "no [syscalls] section"));
	release(&closed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_truncate_closed_below_abi3),
	        cmocka_unit_test(test_closure_names_its_statement),
	        cmocka_unit_test(test_write_grant_leaves_truncate_open),
	        cmocka_unit_test(test_write_file_on_a_file_is_reported),
	        cmocka_unit_test(test_ioctl_closed_below_abi5),
	        cmocka_unit_test(test_named_ioctl_dev_is_not_closed),
	        cmocka_unit_test(test_optional_ioctl_dev_is_closed),
	        cmocka_unit_test(test_optional_truncate_is_closed),
	        cmocka_unit_test(test_tcp_closed_below_abi4),
	        cmocka_unit_test(test_no_filter_no_closure),
	        cmocka_unit_test(test_program_base_holds_on_every_abi),
	        cmocka_unit_test(test_scope_signal_needs_a_pid_namespace),
	        cmocka_unit_test(test_abstract_unix_with_unix_sockets),
	        cmocka_unit_test(test_tcp_none_held_by_the_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
