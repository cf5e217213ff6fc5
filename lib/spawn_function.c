// SPDX-License-Identifier: MIT
/*
 * moat_spawn_function(): moat_spawn()'s child, set up the same way, that
 * calls a function of the caller where moat_spawn()'s would exec. The
 * child is cloned without CLONE_VM (lib/spawn.c), a copy of the caller as
 * fork(2) makes one, so the function shares no memory with the caller.
 *
 * moat_spawn()'s parent learns that the set-up is over when the error pipe
 * closes at execve. Without execve, the child writes a report without an
 * error instead, and then closes its end. Both calls already run under the
 * filter: `write` is one of the calls no `notify` rule may take from the
 * hand-off, and a policy that kills `write` or `close` kills the child
 * here, which its wait status then tells.
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "plan.h"
#include "util/error.h"

void moat_spawn_run_function(const struct moat_spawn_target *target, int report_fd,
                             int handoff_socket)
{
	struct moat_error ready;
	ssize_t ignored;

	memset(&ready, 0, sizeof(ready));
	ignored = write(report_fd, &ready, sizeof(ready));
	(void)ignored;
	close(report_fd);
	if (handoff_socket >= 0)
		close(handoff_socket);
	_exit(target->function(target->context));
}

/*
 * The calls the process makes under the filter before the function runs.
 * Refused now when the filter surely does not allow them: a kill routed to
 * a supervisor that nobody serves yet would leave moat_spawn_function()
 * waiting for a report that never comes.
 */
int moat_spawn_check_function(const struct moat_plan *plan, struct moat_error *error)
{
	static const struct {
		int number;
		const char *name;
	} needed[] = {{SYS_write, "write"}, {SYS_close, "close"}, {SYS_exit_group, "exit_group"}};

	if (!plan->policy->syscalls.present)
		return 0;
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		const struct moat_syscall_rules *rules =
		        moat_policy_find_syscall(plan->policy, needed[i].number);
		struct moat_action action;

		/* With conditions on its arguments, only the real call can tell. */
		if (rules && rules->conditional_count)
			continue;
		if (moat_filter_eval(plan->filter, needed[i].number, NULL, &action) < 0)
			return moat_error_set(error, -EINVAL,
			                      "cannot evaluate the compiled filter: the BPF "
			                      "interpreter refuses the program");
		if (action.kind != MOAT_ACTION_ALLOW && action.kind != MOAT_ACTION_LOG)
			return moat_error_set(error, -EPERM,
			                      "the policy does not allow %s, which the sandboxed "
			                      "process calls before and after the function; add "
			                      "`allow %s` (or @stdio) to [syscalls]",
			                      needed[i].name, needed[i].name);
	}
	return 0;
}

int moat_spawn_function(moat_child **child, const moat_policy *policy, moat_child_fn *function,
                        void *context, const struct moat_sandbox_options *options,
                        struct moat_error *error)
{
	struct moat_spawn_target target = {.function = function, .context = context};

	if (!function)
		return moat_error_set(error, -EINVAL, "no function to run");
	return moat_spawn_target(child, policy, &target, options, error);
}
