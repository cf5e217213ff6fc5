// SPDX-License-Identifier: MIT
/*
 * moat_filter_compile_for_kernel(): the filter moat_spawn() installs on the
 * running kernel, with the closures of what its Landlock lacks, for tools
 * that show or evaluate it (`moat compile`, `moat eval`).
 */
#include <errno.h>
#include <stdlib.h>

#include "landlock/closures.h"
#include "landlock/landlock.h"
#include "moat.h"
#include "seccomp/filter.h"
#include "syscalls/syscalls.h"
#include "util/error.h"

static void release_closures(void *owned)
{
	moat_landlock_closures_release(owned);
	free(owned);
}

int moat_filter_compile_for_kernel(moat_filter **filter, const moat_policy *policy,
                                   int landlock_abi_limit, struct moat_error *error)
{
	struct moat_landlock_features features;
	struct moat_landlock_closures *closures;
	struct moat_sandbox_shape shape;
	int result;

	if (!filter || !policy)
		return moat_error_set(error, -EINVAL, "no filter or policy given");
	*filter = NULL;
	/* A filter for another architecture is never installed on this kernel. */
	if (policy->syscalls.arch && policy->syscalls.arch != moat_arch_native())
		return moat_filter_compile(filter, policy, error);
	result = moat_landlock_probe(&features);
	if (result < 0)
		return moat_error_set(error, result, "cannot probe Landlock");
	/* As moat_sandbox_options' limit: never more than the kernel really has. */
	if (landlock_abi_limit > 0 && landlock_abi_limit < features.abi)
		moat_landlock_features_for_abi(&features, landlock_abi_limit);
	closures = calloc(1, sizeof(*closures));
	if (!closures)
		return moat_error_set(error, -ENOMEM, "out of memory");
	/* As moat_spawn() starts it. */
	shape = moat_sandbox_shape_of_spawn(policy);
	result = moat_landlock_closures_build(closures, policy, &features, &shape, error);
	if (result == 0)
		result = moat_filter_compile(filter, &closures->policy, error);
	if (result < 0) {
		release_closures(closures);
		return result;
	}
	(*filter)->owned = closures;
	(*filter)->release_owned = release_closures;
	return 0;
}
