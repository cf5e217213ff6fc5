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
#include <unistd.h>

#include "child.h"
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

int moat_spawn_function(moat_child **child, const moat_policy *policy, moat_child_fn *function,
                        void *context, const struct moat_sandbox_options *options,
                        struct moat_error *error)
{
	struct moat_spawn_target target = {.function = function, .context = context};

	if (!function)
		return moat_error_set(error, -EINVAL, "no function to run");
	return moat_spawn_target(child, policy, &target, options, error);
}
