// SPDX-License-Identifier: MIT
/*
 * Stands in for load.c in a libmoat configured with -DMOAT_EGRESS=OFF, for
 * a target without libbpf: the cgroup programs cannot be loaded, so every
 * `egress` policy is refused under `compat strict` and reported as dropped
 * under `compat best-effort` (plan.c), as where the kernel lacks cgroup v2.
 */
#include <errno.h>

#include "egress/internal.h"
#include "util/error.h"

int moat_egress_built_in(struct moat_error *error)
{
	return moat_error_set(error, -EOPNOTSUPP, "moat was built without egress support (libbpf)");
}

int moat_egress_load(int cgroup, const struct moat_egress_entry *entries, size_t count,
                     struct moat_error *error)
{
	(void)cgroup, (void)entries, (void)count;
	return moat_egress_built_in(error);
}
