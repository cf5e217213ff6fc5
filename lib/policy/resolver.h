/* SPDX-License-Identifier: MIT */
/*
 * Entry point of the resolver (the rest of its interface, shared by its own
 * files, is in resolve.h).
 */
#ifndef MOAT_POLICY_RESOLVER_H
#define MOAT_POLICY_RESOLVER_H

#include <stddef.h>

#include "policy/diagnostics.h"
#include "policy/ir.h"
#include "policy/source.h"

/*
 * Resolves the files `sources` (merged in order, as if one file included
 * them all) and the files they include into `policy`, whose arena must be
 * empty. Diagnostics go to `diagnostics`. Returns 0, -EINVAL when any error
 * was reported (the policy must then be discarded), or -ENOMEM.
 */
int moat_resolve(struct moat_policy *policy, struct moat_source *const *sources, size_t count,
                 const struct moat_load_options *options, struct moat_diagnostics *diagnostics);

#endif /* MOAT_POLICY_RESOLVER_H */
