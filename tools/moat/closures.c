// SPDX-License-Identifier: MIT
/*
 * The policy as `moat run` compiles it on this kernel: with the seccomp
 * closures of what its Landlock lacks (docs/landlock.md, "Older kernels"),
 * for `moat compile` and `moat features`.
 */
#include <string.h>

#include "closures.h"

#include "commands.h"
#include "policy/ir.h"
#include "syscalls/syscalls.h"

int moat_command_kernel_features(struct moat_landlock_features *features, int abi_limit)
{
	if (moat_landlock_probe(features) < 0) {
		moat_command_error("cannot probe Landlock");
		return -1;
	}
	/* As moat run --landlock-abi: never more than the kernel really has. */
	if (abi_limit > 0 && abi_limit < features->abi)
		moat_landlock_features_for_abi(features, abi_limit);
	return 0;
}

const struct moat_policy *moat_command_close_gaps(struct moat_landlock_closures *closures,
                                                  const struct moat_policy *policy, int abi_limit)
{
	struct moat_landlock_features features;
	struct moat_error error = {0};

	/* A filter for another architecture is never installed on this kernel. */
	if (policy->syscalls.arch && policy->syscalls.arch != moat_arch_native()) {
		memset(closures, 0, sizeof(*closures));
		return policy;
	}
	if (moat_command_kernel_features(&features, abi_limit) < 0)
		return NULL;
	if (moat_landlock_closures_build(closures, policy, &features, &error) < 0) {
		moat_command_error("%s", error.message);
		moat_landlock_closures_release(closures);
		return NULL;
	}
	return &closures->policy;
}
