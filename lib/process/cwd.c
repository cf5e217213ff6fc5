// SPDX-License-Identifier: MIT
/*
 * `cwd PATH`: the sandboxed program's working directory. The path is
 * resolved when the step runs, inside the sandbox's root (after
 * pivot_root), so it is not checked against the caller's filesystem.
 */
#include "process/plan.h"

#include <errno.h>
#include <unistd.h>

#include "util/error.h"
#include "util/message.h"

int moat_process_cwd_build(struct moat_process_plan *plan,
                           const struct moat_process_section *process, struct moat_error *error)
{
	plan->cwd = NULL;
	if (!process->cwd)
		return 0;
	if (process->cwd[0] != '/')
		return moat_error_set_at(error, -EINVAL, &process->cwd_location,
		                         "cwd: '%s' is not an absolute path", process->cwd);
	plan->cwd = moat_arena_strdup(&plan->arena, process->cwd);
	plan->cwd_location = process->cwd_location;
	if (!plan->cwd)
		return moat_error_set(error, -ENOMEM, "out of memory building the process plan");
	return 0;
}

int moat_process_apply_cwd(const struct moat_process_plan *plan, struct moat_error *error)
{
	struct moat_message message;

	if (!plan->cwd || chdir(plan->cwd) == 0)
		return 0;
	message = moat_message_begin_at(error, -errno, &plan->cwd_location);
	moat_message_put(&message, "cannot change to the working directory ");
	moat_message_put(&message, plan->cwd);
	moat_message_put(&message, ": ");
	moat_message_put_reason(&message, -message.code);
	return moat_message_end(&message);
}
