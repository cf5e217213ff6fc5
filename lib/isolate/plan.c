// SPDX-License-Identifier: MIT
/* The isolation plan: built in the parent, read by the child. */
#include "isolate/internal.h"

#include <errno.h>
#include <linux/sched.h>

#include "util/error.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	unsigned namespace;
	uint64_t clone_flag;
} clone_flags[] = {
        {MOAT_NAMESPACE_USER, CLONE_NEWUSER},     {MOAT_NAMESPACE_MOUNT, CLONE_NEWNS},
        {MOAT_NAMESPACE_PID, CLONE_NEWPID},       {MOAT_NAMESPACE_NET, CLONE_NEWNET},
        {MOAT_NAMESPACE_IPC, CLONE_NEWIPC},       {MOAT_NAMESPACE_UTS, CLONE_NEWUTS},
        {MOAT_NAMESPACE_CGROUP, CLONE_NEWCGROUP}, {MOAT_NAMESPACE_TIME, CLONE_NEWTIME},
};

int moat_isolate_plan_build(struct moat_isolate_plan **out, const struct moat_policy *policy,
                            struct moat_error *error)
{
	struct moat_arena arena = {0};
	struct moat_isolate_plan *plan = moat_arena_alloc(&arena, sizeof(*plan));
	int result;

	if (!plan)
		return moat_error_set(error, -ENOMEM, "out of memory building the isolation plan");
	plan->arena = arena;
	plan->hostname = policy->namespaces.hostname;
	result = moat_isolate_namespaces_build(plan, policy, error);
	if (result == 0) {
		moat_isolate_maps_build(plan, policy);
		result = moat_isolate_mounts_build(plan, policy, error);
	}
	if (result < 0) {
		moat_isolate_plan_free(plan);
		return result;
	}
	*out = plan;
	return 0;
}

void moat_isolate_plan_free(struct moat_isolate_plan *plan)
{
	struct moat_arena arena;

	if (!plan)
		return;
	/* The plan lives in its own arena: copy the arena out before releasing it. */
	arena = plan->arena;
	moat_arena_release(&arena);
}

size_t moat_isolate_plan_dropped_count(const struct moat_isolate_plan *plan)
{
	return plan->dropped_count;
}

const char *moat_isolate_plan_dropped(const struct moat_isolate_plan *plan, size_t index)
{
	return index < plan->dropped_count ? plan->dropped[index] : NULL;
}

uint64_t moat_isolate_clone_flags(const struct moat_isolate_plan *plan)
{
	uint64_t flags = 0;

	for (size_t i = 0; i < sizeof(clone_flags) / sizeof(clone_flags[0]); i++)
		if (plan->namespaces & clone_flags[i].namespace)
			flags |= clone_flags[i].clone_flag;
	return flags;
}

bool moat_isolate_has_new_root(const struct moat_isolate_plan *plan)
{
	return plan->new_root;
}

bool moat_isolate_needs_dumpable(const struct moat_isolate_plan *plan)
{
	return plan->caller_undumpable;
}

bool moat_isolate_has_init(const struct moat_isolate_plan *plan)
{
	return plan->namespaces & MOAT_NAMESPACE_PID;
}

bool moat_isolate_has_user_namespace(const struct moat_isolate_plan *plan)
{
	return plan->namespaces & MOAT_NAMESPACE_USER;
}

int moat_isolate_clone_failed(const struct moat_isolate_plan *plan, int code,
                              struct moat_error *error)
{
	const char *reason = moat_isolate_strerror(code);

	if (!plan->namespaces)
		return moat_error_set(error, code, "cannot create the sandbox process: %s", reason);
	if (plan->namespaces == plan->parent_death)
		return moat_error_set(
		        error, code,
		        "cannot create the PID namespace that die-with-parent yes "
		        "(the default) needs, so that every process of the sandbox "
		        "dies with moat: %s (`compat best-effort` would bind only the "
		        "program's own process; `die-with-parent no` binds none)",
		        reason);
	if (code == -ENOSPC || code == -EUSERS)
		return moat_error_set(error, code,
		                      "cannot create the sandbox's namespaces: %s (the limits in "
		                      "/proc/sys/user/max_*_namespaces, or the depth of nested "
		                      "user namespaces, are reached)",
		                      reason);
	if (code == -EPERM && (plan->namespaces & MOAT_NAMESPACE_USER))
		return moat_error_set(error, code,
		                      "cannot create the sandbox's namespaces: %s (the system may "
		                      "forbid unprivileged user namespaces: see the sysctls "
		                      "kernel.unprivileged_userns_clone and "
		                      "kernel.apparmor_restrict_unprivileged_userns; a process in "
		                      "a chroot cannot create one either)",
		                      reason);
	return moat_error_set(error, code, "cannot create the sandbox's namespaces: %s", reason);
}
