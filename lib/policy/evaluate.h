/* SPDX-License-Identifier: MIT */
/*
 * A [syscalls] section's rules evaluated in the IR, for argument values
 * known before any filter runs: what the compiled filter decides for such a
 * call, read without compiling or running it. Comparisons read an argument
 * at the width the kernel reads it, as the code generator does.
 */
#ifndef MOAT_POLICY_EVALUATE_H
#define MOAT_POLICY_EVALUATE_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/ir.h"

/*
 * Whether `comparison` holds for an argument whose value is `value`, of
 * which the kernel reads the bits of `width` (a mask of its low bits).
 */
bool moat_comparison_holds(const struct moat_comparison *comparison, uint64_t width,
                           uint64_t value);

/*
 * What `policy` decides for syscall `number` (on its [syscalls] section's
 * architecture) when the arguments in `known` (bit N for argN) have the
 * values in `args`: the action of the first conditional rule whose
 * condition holds, else of the unconditional rule, else the default. NULL
 * when a condition met on the way reads an argument outside `known`, since
 * then the decision may depend on a value not given.
 */
const struct moat_action *moat_policy_decide_known(const struct moat_policy *policy, int number,
                                                   unsigned known, const uint64_t args[6]);

#endif /* MOAT_POLICY_EVALUATE_H */
