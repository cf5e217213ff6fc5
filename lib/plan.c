// SPDX-License-Identifier: MIT
#include "plan.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "syscalls/syscalls.h"
#include "util/error.h"

extern char **environ;

static int probe_landlock(struct moat_plan *plan, const struct moat_sandbox_options *options)
{
	int limit = options ? options->landlock_abi_limit : 0;
	int result = moat_landlock_probe(&plan->landlock_features);

	if (result < 0)
		return result;
	/* Faking an older kernel: never more than the kernel really has. */
	if (limit > 0 && limit < plan->landlock_features.abi)
		moat_landlock_features_for_abi(&plan->landlock_features, limit);
	return 0;
}

static void report_dropped(const struct moat_plan *plan, const struct moat_sandbox_options *options)
{
	struct moat_diagnostic diagnostic = {.severity = MOAT_SEVERITY_WARNING};

	if (!options || !options->on_diagnostic)
		return;
	for (size_t i = 0; i < moat_landlock_plan_dropped_count(plan->landlock); i++) {
		diagnostic.message = moat_landlock_plan_dropped(plan->landlock, i);
		options->on_diagnostic(&diagnostic, options->diagnostic_context);
	}
	for (size_t i = 0; i < moat_isolate_plan_dropped_count(plan->isolate); i++) {
		diagnostic.message = moat_isolate_plan_dropped(plan->isolate, i);
		options->on_diagnostic(&diagnostic, options->diagnostic_context);
	}
}

/* In a new root, Landlock's paths name the sandbox's files, not the host's. */
static int build_landlock(struct moat_plan *plan, const struct moat_policy *policy,
                          struct moat_error *error)
{
	if (moat_isolate_has_new_root(plan->isolate))
		return moat_landlock_plan_build_in_new_root(&plan->landlock, policy,
		                                            &plan->landlock_features, error);
	return moat_landlock_plan_build(&plan->landlock, policy, &plan->landlock_features, error);
}

int moat_plan_build(struct moat_plan **out, const struct moat_policy *policy,
                    const struct moat_sandbox_options *options, struct moat_error *error)
{
	const char *const *environment = options && options->environment
	                                         ? options->environment
	                                         : (const char *const *)environ;
	struct moat_plan *plan = calloc(1, sizeof(*plan));
	int result;

	if (!plan)
		return moat_error_set(error, -ENOMEM, "out of memory");
	if (policy->syscalls.arch && policy->syscalls.arch != moat_arch_native()) {
		free(plan);
		return moat_error_set(error, -EINVAL,
		                      "the policy was loaded for %s; only a policy for the native "
		                      "architecture (%s) can be applied",
		                      moat_arch_name(policy->syscalls.arch),
		                      moat_arch_name(moat_arch_native()));
	}
	plan->policy = policy;
	result = moat_filter_compile(&plan->filter, policy, error);
	if (result == 0) {
		result = probe_landlock(plan, options);
		if (result < 0)
			moat_error_set(error, result, "cannot probe Landlock");
	}
	if (result == 0)
		result = moat_isolate_plan_build(&plan->isolate, policy, error);
	if (result == 0)
		result = build_landlock(plan, policy, error);
	if (result == 0)
		result = moat_process_plan_build(&plan->process, policy, environment, error);
	if (result < 0) {
		moat_plan_free(plan);
		return result;
	}
	report_dropped(plan, options);
	*out = plan;
	return 0;
}

void moat_plan_free(struct moat_plan *plan)
{
	if (!plan)
		return;
	moat_filter_free(plan->filter);
	moat_landlock_plan_free(plan->landlock);
	moat_process_plan_free(plan->process);
	moat_isolate_plan_free(plan->isolate);
	free(plan);
}

int moat_plan_check_exec(const struct moat_plan *plan, struct moat_error *error)
{
	const struct moat_syscall_rules *rules;
	struct moat_action action;
	int result;

	if (!plan->policy->syscalls.present)
		return 0;
	rules = moat_policy_find_syscall(plan->policy, SYS_execve);
	/* With conditions on its arguments, only the real call can tell. */
	if (rules && rules->conditional_count)
		return 0;
	result = moat_filter_eval(plan->filter, SYS_execve, NULL, &action);
	if (result < 0)
		return moat_error_set(error, result,
		                      "cannot evaluate the compiled filter for execve: the BPF "
		                      "interpreter refuses the program");
	if (action.kind == MOAT_ACTION_ALLOW || action.kind == MOAT_ACTION_LOG)
		return 0;
	return moat_error_set(error, -EPERM,
	                      "the policy does not allow execve, so no program can start under "
	                      "it; add `allow execve` (or @exec) to [syscalls]");
}
