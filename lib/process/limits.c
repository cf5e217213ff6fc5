// SPDX-License-Identifier: MIT
/*
 * [limits]: resource limits set with setrlimit(), soft and hard exactly as
 * the IR says. Core dumps are off (RLIMIT_CORE 0/0) unless the policy sets
 * `core`: a dump can carry secrets the sandbox was given to work on, and it
 * is written outside the sandbox's view of the filesystem.
 */
#include "process/plan.h"

#include <errno.h>
#include <linux/capability.h>

#include "util/error.h"
#include "util/message.h"

struct resource {
	int resource;
	const char *name;
};

static const struct resource resources[MOAT_LIMIT_COUNT] = {
        [MOAT_LIMIT_AS] = {RLIMIT_AS, "as"},
        [MOAT_LIMIT_CPU] = {RLIMIT_CPU, "cpu"},
        [MOAT_LIMIT_DATA] = {RLIMIT_DATA, "data"},
        [MOAT_LIMIT_FSIZE] = {RLIMIT_FSIZE, "fsize"},
        [MOAT_LIMIT_NOFILE] = {RLIMIT_NOFILE, "nofile"},
        [MOAT_LIMIT_NPROC] = {RLIMIT_NPROC, "nproc"},
        [MOAT_LIMIT_STACK] = {RLIMIT_STACK, "stack"},
        [MOAT_LIMIT_CORE] = {RLIMIT_CORE, "core"},
        [MOAT_LIMIT_MEMLOCK] = {RLIMIT_MEMLOCK, "memlock"},
};

/* False when `value` does not fit an rlim_t (only on 32-bit systems). */
static bool to_rlimit(uint64_t value, rlim_t *converted)
{
	if (value == MOAT_LIMIT_UNLIMITED) {
		*converted = RLIM_INFINITY;
		return true;
	}
	*converted = (rlim_t)value;
	return *converted == value && *converted != RLIM_INFINITY;
}

/*
 * Raising a hard limit needs CAP_SYS_RESOURCE (in the initial user
 * namespace, which the child shares with this process when it is checked
 * here); say so now rather than fail in the child.
 */
static int check_raise(const struct moat_limit *limit, const struct resource *resource,
                       const struct rlimit *value, struct moat_error *error)
{
	struct rlimit current;
	uint64_t effective;
	int result;

	if (getrlimit(resource->resource, &current) < 0)
		return moat_error_set_at(error, -errno, &limit->location,
		                         "cannot read the current %s limit", resource->name);
	if (value->rlim_max <= current.rlim_max)
		return 0;
	result = moat_process_capabilities_effective(&effective);
	if (result < 0)
		return moat_error_set_at(error, result, &limit->location,
		                         "cannot read this process's capabilities");
	if (effective & (UINT64_C(1) << CAP_SYS_RESOURCE))
		return 0;
	return moat_error_set_at(error, -EPERM, &limit->location,
	                         "%s: the hard limit is above the current one (%llu), and raising "
	                         "it needs CAP_SYS_RESOURCE",
	                         resource->name, (unsigned long long)current.rlim_max);
}

int moat_process_limits_build(struct moat_process_plan *plan,
                              const struct moat_limits_section *limits, struct moat_error *error)
{
	size_t i;

	plan->limit_count = 0;
	for (i = 0; i < MOAT_LIMIT_COUNT; i++) {
		const struct moat_limit *limit = &limits->limits[i];
		struct moat_process_limit *planned = &plan->limits[plan->limit_count];
		int result;

		if (!limit->present && i != MOAT_LIMIT_CORE)
			continue;
		planned->resource = resources[i].resource;
		planned->name = resources[i].name;
		if (!limit->present) {
			planned->value.rlim_cur = 0;
			planned->value.rlim_max = 0;
			plan->limit_count++;
			continue;
		}
		if (!to_rlimit(limit->soft, &planned->value.rlim_cur) ||
		    !to_rlimit(limit->hard, &planned->value.rlim_max))
			return moat_error_set_at(error, -EINVAL, &limit->location,
			                         "%s: the limit is too large for this system",
			                         resources[i].name);
		if (planned->value.rlim_cur > planned->value.rlim_max)
			return moat_error_set_at(error, -EINVAL, &limit->location,
			                         "%s: the soft limit is above the hard limit",
			                         resources[i].name);
		result = check_raise(limit, &resources[i], &planned->value, error);
		if (result < 0)
			return result;
		plan->limit_count++;
	}
	return 0;
}

int moat_process_apply_limits(const struct moat_process_plan *plan, struct moat_error *error)
{
	size_t i;

	for (i = 0; i < plan->limit_count; i++) {
		const struct moat_process_limit *limit = &plan->limits[i];
		struct rlimit current;

		/* As set already (a sandbox entered before): leave it, ask no filter. */
		if (getrlimit(limit->resource, &current) == 0 &&
		    current.rlim_cur == limit->value.rlim_cur &&
		    current.rlim_max == limit->value.rlim_max)
			continue;
		if (setrlimit(limit->resource, &limit->value) < 0) {
			struct moat_message message = moat_message_begin(error, -errno);

			moat_message_put(&message, "cannot set the ");
			moat_message_put(&message, limit->name);
			moat_message_put(&message, " limit (setrlimit): ");
			moat_message_put_reason(&message, -message.code);
			return moat_message_end(&message);
		}
	}
	return 0;
}
