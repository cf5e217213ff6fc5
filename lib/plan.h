/* SPDX-License-Identifier: MIT */
/*
 * The enforcement plan: every layer of a policy compiled and checked before
 * the first irreversible step, so that a bad policy never half-applies. The
 * entry points (spawn.c, enter.c) build a plan in the caller's process and
 * apply it, in a forked child or in the caller itself.
 */
#ifndef MOAT_PLAN_H
#define MOAT_PLAN_H

#include <stdbool.h>

#include "egress/egress.h"
#include "isolate/isolate.h"
#include "landlock/closures.h"
#include "landlock/landlock.h"
#include "moat.h"
#include "policy/ir.h"
#include "process/process.h"

struct moat_plan {
	/* The caller's policy with the closures of this kernel (closures.policy). */
	const struct moat_policy *policy;
	moat_filter *filter;
	bool filter_lent; /* the denial report owns `filter` (moat_report_new): not freed here */
	struct moat_landlock_features landlock_features;
	struct moat_landlock_closures closures;
	struct moat_landlock_plan *landlock;
	struct moat_process_plan *process;
	struct moat_isolate_plan *isolate; /* [namespaces] and [mounts] */
	struct moat_egress *egress;        /* [network] egress: NULL without, or when dropped */
};

/*
 * Probes Landlock, decides the seccomp closures of what it lacks
 * (landlock/closures.h), compiles the seccomp filter with them, prepares
 * the Landlock rules,
 * computes the process plan (environment from `options->environment`, or
 * the caller's), and prepares the namespaces and the mount tree. What
 * best-effort drops, and what stays open on this kernel, is reported to
 * the options' diagnostic callback as warnings; what Landlock enforces and
 * seccomp closes, as notes. `policy` must outlive the plan.
 */
int moat_plan_build(struct moat_plan **plan, const struct moat_policy *policy,
                    const struct moat_sandbox_options *options, struct moat_error *error);

/*
 * [network] egress for moat_spawn: the sandbox's cgroup with its programs
 * (egress/egress.h). When that cannot be had, `compat strict` fails naming
 * what is missing and best-effort reports the drop as a warning. The
 * cgroup outlives the plan when the caller takes plan->egress.
 */
int moat_plan_build_egress(struct moat_plan *plan, const struct moat_sandbox_options *options,
                           struct moat_error *error);

void moat_plan_free(struct moat_plan *plan);

/*
 * Whether the caller may run the sandbox as the identity the options ask
 * for, with the namespaces the plan now creates (after the PID namespace
 * for die-with-parent is added): -EPERM or -EINVAL with a message if not.
 */
int moat_plan_check_identity(const struct moat_plan *plan, struct moat_error *error);

/*
 * -EPERM with a message when the filter refuses execve whatever its
 * arguments, since then no program could start under it.
 */
int moat_plan_check_exec(const struct moat_plan *plan, struct moat_error *error);

#endif /* MOAT_PLAN_H */
