// SPDX-License-Identifier: MIT
/*
 * moat_enter(): the policy applied to the calling process, as pledge(2) and
 * unveil(2) would. Everything is prepared and every refusal decided before
 * the first step, so a call that fails early changes nothing.
 */
#include <errno.h>
#include <string.h>

#include "plan.h"
#include "seccomp/install.h"
#include "util/error.h"

/* Landlock binds only the calling thread unless the kernel can sync the others (ABI 8). */
static int check_threads(const struct moat_plan *plan, struct moat_error *error)
{
	int threads;

	if (!moat_landlock_plan_enforces(plan->landlock) || plan->landlock_features.abi >= 8)
		return 0;
	threads = moat_landlock_count_threads();
	if (threads < 0)
		return moat_error_set(error, threads,
		                      "cannot count the threads of this process (/proc/self/task: "
		                      "%s), which Landlock ABI %d needs; a sandbox entered before "
		                      "must let this process read /proc",
		                      strerror(-threads), plan->landlock_features.abi);
	if (threads > 1)
		return moat_error_set(error, -EBUSY,
		                      "Landlock ABI %d binds only the calling thread and this "
		                      "process has %d threads; enter the sandbox before starting "
		                      "threads",
		                      plan->landlock_features.abi, threads);
	return 0;
}

static int check_policy(const struct moat_policy *policy, const int *listener_fd,
                        struct moat_error *error)
{
	if (policy->namespaces.unshare || policy->mounts.count)
		return moat_error_set_at(error, -EINVAL, &policy->namespaces.unshare_location,
		                         "namespaces and mounts apply to a new process; use "
		                         "moat_spawn() (or `moat run`) for this policy");
	/* The programs go with a cgroup that moat makes, and removes when the sandbox ends. */
	if (policy->network.egress.present)
		return moat_error_set_at(
		        error, -EINVAL, &policy->network.egress.location,
		        "[network] egress applies to a new process in a cgroup of "
		        "its own; use moat_spawn() (or `moat run`) for this policy");
	if (policy->syscalls.has_notify && !listener_fd)
		return moat_error_set(error, -EINVAL,
		                      "the policy routes syscalls to a supervisor (`notify`); "
		                      "pass listener_fd to receive the listener");
	return 0;
}

static int apply(const struct moat_plan *plan, int *listener_fd, struct moat_error *error)
{
	unsigned seccomp_flags = MOAT_SECCOMP_TSYNC;
	int result = moat_process_apply_identity(plan->process, true, error);

	if (!result)
		result = moat_process_apply_cwd(plan->process, error);
	if (!result)
		result = moat_process_apply_no_new_privs(plan->process, error);
	if (!result)
		result = moat_landlock_apply(plan->landlock, MOAT_LANDLOCK_ALL_THREADS, error);
	if (!result)
		result = moat_process_apply_limits(plan->process, error);
	if (!result)
		result = moat_process_apply_capabilities(plan->process, error);
	if (plan->policy->syscalls.has_notify)
		seccomp_flags |= MOAT_SECCOMP_LISTENER;
	if (!result)
		result = moat_seccomp_install(plan->filter, seccomp_flags, listener_fd, error);
	return result;
}

int moat_enter(const moat_policy *policy, const struct moat_sandbox_options *options,
               int *listener_fd, struct moat_error *error)
{
	struct moat_plan *plan;
	int result;

	if (!policy)
		return moat_error_set(error, -EINVAL, "no policy");
	result = check_policy(policy, listener_fd, error);
	if (result == 0)
		result = moat_plan_build(&plan, policy, options, error);
	if (result < 0)
		return result;
	result = moat_plan_check_identity(plan, error);
	if (result == 0)
		result = check_threads(plan, error);
	if (result == 0)
		result = apply(plan, listener_fd, error);
	moat_plan_free(plan);
	return result;
}
