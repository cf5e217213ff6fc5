// SPDX-License-Identifier: MIT
/* Building and freeing the process plan; each concern fills its own part. */
#include "process/plan.h"

#include <errno.h>

#include "util/error.h"

int moat_process_plan_build(struct moat_process_plan **plan, const struct moat_policy *policy,
                            const char *const *caller_environment, struct moat_error *error)
{
	struct moat_arena arena = {0};
	struct moat_process_plan *built;
	int result;

	*plan = NULL;
	built = moat_arena_alloc(&arena, sizeof(*built));
	if (!built)
		return moat_error_set(error, -ENOMEM, "out of memory building the process plan");
	built->new_session = policy->process.new_session;
	built->close_fds = policy->process.close_fds;
	built->die_with_parent = policy->process.die_with_parent;
	built->arena = arena;

	result = moat_process_environment_build(built, &policy->process, caller_environment, error);
	if (result == 0)
		result = moat_process_limits_build(built, &policy->limits, error);
	if (result == 0)
		result = moat_process_capabilities_build(built, &policy->process, error);
	if (result == 0)
		result = moat_process_cwd_build(built, &policy->process, error);
	if (result < 0) {
		moat_process_plan_free(built);
		return result;
	}
	*plan = built;
	return 0;
}

void moat_process_plan_free(struct moat_process_plan *plan)
{
	struct moat_arena arena;

	if (!plan)
		return;
	/* The plan lives in its own arena: copy the handle out before releasing. */
	arena = plan->arena;
	moat_arena_release(&arena);
}

const char *const *moat_process_plan_environment(const struct moat_process_plan *plan)
{
	return plan->environment;
}
