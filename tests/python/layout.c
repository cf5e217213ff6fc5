// SPDX-License-Identifier: MIT
/*
 * layout: prints what the C compiler makes of <moat.h>, for the Python
 * binding's layout test (tests/python/test_abi.py): each struct's size and
 * each field's offset, and the constants the binding copies. One line each,
 * `size STRUCT N`, `offset STRUCT FIELD N`, `constant NAME N`. A field or
 * constant the header lost fails the build of this program.
 */
#include <stddef.h>
#include <stdio.h>

#include <moat.h>

#define SIZE(type)         printf("size %s %zu\n", #type, sizeof(struct type))
#define FIELD(type, field) printf("offset %s %s %zu\n", #type, #field, offsetof(struct type, field))
#define CONSTANT(name)     printf("constant %s %lld\n", #name, (long long)(name))

int main(void)
{
	SIZE(moat_error);
	FIELD(moat_error, code);
	FIELD(moat_error, line);
	FIELD(moat_error, column);
	FIELD(moat_error, file);
	FIELD(moat_error, message);
	FIELD(moat_error, step);
	FIELD(moat_error, reserved);
	SIZE(moat_action);
	FIELD(moat_action, kind);
	FIELD(moat_action, errno_value);
	SIZE(moat_location);
	FIELD(moat_location, file);
	FIELD(moat_location, line);
	FIELD(moat_location, column);
	SIZE(moat_diagnostic);
	FIELD(moat_diagnostic, severity);
	FIELD(moat_diagnostic, location);
	FIELD(moat_diagnostic, message);
	FIELD(moat_diagnostic, included_from);
	FIELD(moat_diagnostic, included_from_count);
	SIZE(moat_load_options);
	FIELD(moat_load_options, version);
	FIELD(moat_load_options, policy_path);
	FIELD(moat_load_options, environment);
	FIELD(moat_load_options, on_diagnostic);
	FIELD(moat_load_options, diagnostic_context);
	FIELD(moat_load_options, last_layer_name);
	FIELD(moat_load_options, last_layer);
	FIELD(moat_load_options, last_layer_length);
	SIZE(moat_decision);
	FIELD(moat_decision, allowed);
	FIELD(moat_decision, action);
	FIELD(moat_decision, location);
	FIELD(moat_decision, statement);
	SIZE(moat_fd_map);
	FIELD(moat_fd_map, parent_fd);
	FIELD(moat_fd_map, child_fd);
	SIZE(moat_sandbox_options);
	FIELD(moat_sandbox_options, version);
	FIELD(moat_sandbox_options, identity);
	FIELD(moat_sandbox_options, uid);
	FIELD(moat_sandbox_options, gid);
	FIELD(moat_sandbox_options, groups);
	FIELD(moat_sandbox_options, group_count);
	FIELD(moat_sandbox_options, environment);
	FIELD(moat_sandbox_options, keep_fds);
	FIELD(moat_sandbox_options, keep_fd_count);
	FIELD(moat_sandbox_options, on_diagnostic);
	FIELD(moat_sandbox_options, diagnostic_context);
	FIELD(moat_sandbox_options, landlock_abi_limit);
	FIELD(moat_sandbox_options, supervisor);
	FIELD(moat_sandbox_options, report);
	FIELD(moat_sandbox_options, fd_map);
	FIELD(moat_sandbox_options, fd_map_count);
	SIZE(moat_reported_call);
	FIELD(moat_reported_call, syscall);
	FIELD(moat_reported_call, args);
	FIELD(moat_reported_call, action);
	FIELD(moat_reported_call, file);
	FIELD(moat_reported_call, line);
	FIELD(moat_reported_call, column);
	FIELD(moat_reported_call, statement);
	FIELD(moat_reported_call, pid);
	FIELD(moat_reported_call, count);
	SIZE(moat_exit);
	FIELD(moat_exit, kind);
	FIELD(moat_exit, status);
	FIELD(moat_exit, code);
	FIELD(moat_exit, limit);
	FIELD(moat_exit, call);
	FIELD(moat_exit, cpu_time_us);
	FIELD(moat_exit, max_rss_kb);
	SIZE(moat_stdio_pipes);
	FIELD(moat_stdio_pipes, parent);
	FIELD(moat_stdio_pipes, child);
	FIELD(moat_stdio_pipes, map);
	FIELD(moat_stdio_pipes, map_count);
	SIZE(moat_supervisor_options);
	FIELD(moat_supervisor_options, version);
	FIELD(moat_supervisor_options, flags);
	FIELD(moat_supervisor_options, threads);
	CONSTANT(MOAT_LOAD_OPTIONS_VERSION);
	CONSTANT(MOAT_SANDBOX_OPTIONS_VERSION);
	CONSTANT(MOAT_SUPERVISOR_OPTIONS_VERSION);
	CONSTANT(MOAT_ACTION_KILL_PROCESS);
	CONSTANT(MOAT_ACTION_KILL_THREAD);
	CONSTANT(MOAT_ACTION_TRAP);
	CONSTANT(MOAT_ACTION_ERRNO);
	CONSTANT(MOAT_ACTION_NOTIFY);
	CONSTANT(MOAT_ACTION_LOG);
	CONSTANT(MOAT_ACTION_ALLOW);
	CONSTANT(MOAT_EXIT_EXITED);
	CONSTANT(MOAT_EXIT_SIGNALLED);
	CONSTANT(MOAT_EXIT_FILTER_KILLED);
	CONSTANT(MOAT_EXIT_LIMIT);
	CONSTANT(MOAT_EXIT_TIMEOUT);
	CONSTANT(MOAT_SEVERITY_ERROR);
	CONSTANT(MOAT_SEVERITY_WARNING);
	CONSTANT(MOAT_SEVERITY_NOTE);
	CONSTANT(MOAT_PORT_CONNECT);
	CONSTANT(MOAT_PORT_BIND);
	CONSTANT(MOAT_STDIN);
	CONSTANT(MOAT_STDOUT);
	CONSTANT(MOAT_STDERR);
	CONSTANT(MOAT_IDENTITY_UID);
	CONSTANT(MOAT_IDENTITY_GID);
	CONSTANT(MOAT_IDENTITY_GROUPS);
	CONSTANT(MOAT_REPORT_KILLS);
	CONSTANT(MOAT_REPORT_ERRNO);
	CONSTANT(MOAT_REPORT_KERNEL);
	CONSTANT(MOAT_WAIT_KILL);
	return 0;
}
