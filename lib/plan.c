// SPDX-License-Identifier: MIT
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "syscalls/syscalls.h"
#include "util/error.h"
#include "util/options.h"

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

static void diagnose(const struct moat_sandbox_options *options, enum moat_severity severity,
                     const char *message)
{
	struct moat_diagnostic diagnostic = {.severity = severity, .message = message};

	options->on_diagnostic(&diagnostic, options->diagnostic_context);
}

/*
 * What this kernel gives the policy: what stays open as a warning, unless
 * compat already reported it as dropped; all of it, as notes, on request.
 */
static void report_coverage(const struct moat_plan *plan,
                            const struct moat_sandbox_options *options)
{
	static const char *const prefixes[] = {
	        [MOAT_COVERAGE_LANDLOCK] = "enforced by Landlock",
	        [MOAT_COVERAGE_SECCOMP] = "closed by seccomp",
	        [MOAT_COVERAGE_OPEN] = "open on this kernel",
	};
	bool everything = options->report & MOAT_REPORT_KERNEL;

	for (size_t i = 0; i < plan->closures.line_count; i++) {
		const struct moat_coverage_line *line = &plan->closures.lines[i];
		bool warn = line->coverage == MOAT_COVERAGE_OPEN && !line->dropped;
		char message[640];

		if (!warn && !everything)
			continue;
		snprintf(message, sizeof(message), "%s: %s", prefixes[line->coverage], line->text);
		diagnose(options, warn ? MOAT_SEVERITY_WARNING : MOAT_SEVERITY_NOTE, message);
	}
}

static void report_dropped(const struct moat_plan *plan, const struct moat_sandbox_options *options)
{
	if (!options || !options->on_diagnostic)
		return;
	for (size_t i = 0; i < moat_landlock_plan_dropped_count(plan->landlock); i++)
		diagnose(options, MOAT_SEVERITY_WARNING,
		         moat_landlock_plan_dropped(plan->landlock, i));
	for (size_t i = 0; i < moat_isolate_plan_dropped_count(plan->isolate); i++)
		diagnose(options, MOAT_SEVERITY_WARNING,
		         moat_isolate_plan_dropped(plan->isolate, i));
	report_coverage(plan, options);
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

static int build_identity(struct moat_plan *plan, const struct moat_policy *policy,
                          const struct moat_sandbox_options *options, struct moat_error *error)
{
	uid_t uid;
	gid_t gid;
	int result = moat_process_identity_build(plan->process, options, error);

	if (result < 0)
		return result;
	moat_process_identity_ids(plan->process, &uid, &gid);
	return moat_isolate_plan_set_identity(plan->isolate, policy, uid, gid, error);
}

int moat_plan_check_identity(const struct moat_plan *plan, struct moat_error *error)
{
	return moat_process_identity_check(plan->process,
	                                   moat_isolate_has_user_namespace(plan->isolate), error);
}

int moat_plan_build(struct moat_plan **out, const struct moat_policy *policy,
                    const struct moat_sandbox_options *options, struct moat_error *error)
{
	const char *const *environment = options && options->environment
	                                         ? options->environment
	                                         : (const char *const *)environ;
	struct moat_plan *plan;
	int result = moat_options_check_version(options, options ? options->version : 0,
	                                        MOAT_SANDBOX_OPTIONS_VERSION,
	                                        "struct moat_sandbox_options", error);

	if (result < 0)
		return result;
	plan = calloc(1, sizeof(*plan));
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
	plan->policy = &plan->closures.policy;
	result = probe_landlock(plan, options);
	if (result < 0)
		moat_error_set(error, result, "cannot probe Landlock");
	if (result == 0)
		result = moat_landlock_closures_build(&plan->closures, policy,
		                                      &plan->landlock_features, error);
	if (result == 0)
		result = moat_filter_compile(&plan->filter, plan->policy, error);
	if (result == 0)
		result = moat_isolate_plan_build(&plan->isolate, plan->policy, error);
	if (result == 0)
		result = build_landlock(plan, plan->policy, error);
	if (result == 0)
		result = moat_process_plan_build(&plan->process, plan->policy, environment, error);
	if (result == 0)
		result = build_identity(plan, plan->policy, options, error);
	if (result < 0) {
		moat_plan_free(plan);
		return result;
	}
	report_dropped(plan, options);
	*out = plan;
	return 0;
}

int moat_plan_build_egress(struct moat_plan *plan, const struct moat_sandbox_options *options,
                           struct moat_error *error)
{
	const struct moat_egress_list *egress = &plan->policy->network.egress;
	struct moat_diagnostic warning = {.severity = MOAT_SEVERITY_WARNING};
	struct moat_error reason = {0};
	char line[sizeof(reason.message) + 160];
	int result = moat_egress_setup(&plan->egress, egress, &reason);

	if (result == 0)
		return 0;
	if (plan->policy->compat == MOAT_COMPAT_STRICT)
		return moat_error_set_at(
		        error, result, &egress->location,
		        "the system cannot enforce this policy (compat strict): "
		        "[network] egress needs cgroup BPF programs on a cgroup v2 "
		        "of the sandbox's own: %s (`compat best-effort` runs "
		        "without it)",
		        reason.message);
	snprintf(line, sizeof(line),
	         "compat best-effort: [network] egress dropped, TCP and UDP may reach any "
	         "address: %s",
	         reason.message);
	warning.message = line;
	if (options && options->on_diagnostic)
		options->on_diagnostic(&warning, options->diagnostic_context);
	return 0;
}

void moat_plan_free(struct moat_plan *plan)
{
	if (!plan)
		return;
	moat_egress_release(plan->egress);
	if (!plan->filter_lent)
		moat_filter_free(plan->filter);
	moat_landlock_plan_free(plan->landlock);
	moat_process_plan_free(plan->process);
	moat_isolate_plan_free(plan->isolate);
	moat_landlock_closures_release(&plan->closures);
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
