// SPDX-License-Identifier: MIT
/*
 * Denial reports from C: moat_child_wait_result() names the call the
 * filter killed and the statement that decided; the call never ran; the
 * same program under a policy that allows the call runs it (positive
 * control). moat_call_format() writes arguments with the policy's constants.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "moat.h"

static char *const program[] = {"/usr/bin/python3", "-c",
                                "import socket\nsocket.socket(socket.AF_INET)\nexit(7)", NULL};

static void spawn_and_wait(const char *text, struct moat_exit *result, int *reports_kills)
{
	struct moat_supervisor *supervisor;
	struct moat_sandbox_options options = {.version = MOAT_SANDBOX_OPTIONS_VERSION,
	                                       .report = MOAT_REPORT_KILLS};
	struct moat_error error;
	moat_policy *policy;
	moat_child *child;

	assert_int_equal(
	        moat_policy_load_string(&policy, "report.policy", text, strlen(text), NULL, &error),
	        0);
	assert_int_equal(moat_supervisor_new(&supervisor, NULL, &error), 0);
	assert_int_equal(moat_supervisor_start(supervisor, &error), 0);
	options.supervisor = supervisor;
	assert_int_equal(moat_spawn(&child, policy, program[0], program, &options, &error), 0);
	*reports_kills = moat_child_reports_kills(child);
	assert_int_equal(moat_child_wait_result(child, result), 0);
	moat_child_free(child);
	moat_supervisor_free(supervisor);
	moat_policy_free(policy);
}

static void killed_call_is_named(void **state)
{
	struct moat_exit result;
	int reports_kills;
	char text[256];

	(void)state;
	spawn_and_wait("moat 1\n[syscalls]\ndefault allow\nkill socket if arg0 == AF_INET\n"
	               "errno EACCES socket\nkill @default-deny\n",
	               &result, &reports_kills);
	assert_int_equal(reports_kills, 1);
	assert_int_equal(result.kind, MOAT_EXIT_FILTER_KILLED);
	assert_true(WIFSIGNALED(result.status));
	assert_int_equal(WTERMSIG(result.status), SIGSYS);
	assert_int_equal(result.call.syscall, SYS_socket);
	assert_int_equal(result.call.args[0], AF_INET);
	assert_int_equal(result.call.action.kind, MOAT_ACTION_KILL_PROCESS);
	assert_string_equal(result.call.file, "report.policy");
	assert_int_equal(result.call.line, 4);
	assert_int_equal(result.call.column, 1);
	assert_string_equal(result.call.statement, "kill socket if arg0 == AF_INET");
	moat_call_format(result.call.syscall, result.call.args, text, sizeof(text));
	assert_string_equal(text, "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0)");
}

/* Positive control: allowed, the program makes the call and exits with its own status. */
static void allowed_call_runs(void **state)
{
	struct moat_exit result;
	int reports_kills;

	(void)state;
	spawn_and_wait("moat 1\n[syscalls]\ndefault allow\nkill @default-deny\n", &result,
	               &reports_kills);
	assert_int_equal(result.kind, MOAT_EXIT_EXITED);
	assert_int_equal(result.code, 7);
	assert_int_equal(result.call.count, 0);
}

static void call_format_uses_constants(void **state)
{
	uint64_t open_args[6] = {(uint64_t)(int64_t)AT_FDCWD, 0x7ffd1000, O_WRONLY | O_CREAT, 0644};
	uint64_t odd[6] = {12345};
	char text[256];

	(void)state;
	moat_call_format(SYS_openat, open_args, text, sizeof(text));
	assert_string_equal(text, "openat(AT_FDCWD, 0x7ffd1000, O_WRONLY|O_CREAT, 420)");
	moat_call_format(SYS_socket, odd, text, sizeof(text));
	assert_string_equal(text, "socket(12345, 0, 0)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(killed_call_is_named),
	        cmocka_unit_test(allowed_call_runs),
	        cmocka_unit_test(call_format_uses_constants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
