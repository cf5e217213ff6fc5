/* SPDX-License-Identifier: MIT */
/*
 * A policy with `notify` rules compiled as two stacked filters, so that a
 * sandbox can hand its listener to the supervisor before the policy bites:
 *
 *   the notify part:  the policy with every action but `notify` made `allow`;
 *                     installed first, with SECCOMP_FILTER_FLAG_NEW_LISTENER;
 *   the enforce part: the policy with `notify` made `allow`; installed right
 *                     after the listener has left the process.
 *
 * The kernel runs every filter of a process and keeps the most restrictive
 * result (kill < trap < errno < user-notify < log < allow). For any call,
 * one of the two parts says `allow` and the other says what the policy says,
 * so the pair behaves exactly as the one-piece filter. Between the two
 * installations only the policy's `notify` rules are in force.
 */
#ifndef MOAT_SECCOMP_SPLIT_H
#define MOAT_SECCOMP_SPLIT_H

#include "moat.h"
#include "policy/ir.h"

/*
 * Compiles both parts of `policy`, which must have a [syscalls] section with
 * `notify` rules (-EINVAL otherwise). On success the caller owns both
 * filters; on failure neither is returned. Errors are those of
 * moat_filter_compile().
 */
int moat_filter_compile_split(const struct moat_policy *policy, moat_filter **notify_part,
                              moat_filter **enforce_part, struct moat_error *error);

/* What else the notify part may send to the supervisor, for reports. */
enum {
	MOAT_ROUTE_KILL = 1U << 0,  /* `kill` and `kill-thread`, from a rule or `default` */
	MOAT_ROUTE_ERRNO = 1U << 1, /* `errno` */
};

/*
 * moat_filter_compile_split() that also routes the actions in `routed`
 * (MOAT_ROUTE_*) to the supervisor: they become `notify` in the notify part
 * and `allow` in the enforce part, so that the supervisor decides them (it
 * runs the whole policy's filter to know what the policy said). moat's own
 * kills (the architecture check, x32) stay the kernel's, as
 * does every action for the hand-off's own calls
 * (moat_syscall_is_handoff()), which run before the supervisor holds the
 * listener. With `routed` 0 the policy needs `notify` rules.
 */
int moat_filter_compile_routed(const struct moat_policy *policy, unsigned routed,
                               moat_filter **notify_part, moat_filter **enforce_part,
                               struct moat_error *error);

/*
 * True when `policy` (without `notify` rules of its own, `routed` not 0) can
 * go in as one filter, moat_filter_compile_one(), instead of two parts:
 * the policy allows every call the child makes from that filter's
 * installation until the program runs (the hand-off calls but prctl and
 * seccomp, which only install the enforce part), as the child makes it. A
 * call allowed on a condition counts when the condition reads only the
 * arguments the child always passes alike (struct moat_handoff_call: the
 * flags of sendmsg), and it allows them; a condition on a descriptor or a
 * pointer keeps the two parts, since the decision could differ at run time.
 * Then nothing the policy would refuse can happen before the listener has
 * left, and calls the policy allows on a condition are evaluated once, not
 * twice.
 */
bool moat_filter_routed_fits_one(const struct moat_policy *policy, unsigned routed);

/*
 * The notify part and the enforce part stacked, as one filter: the policy
 * with the `routed` actions (and `notify`) made `notify`, except for the
 * hand-off calls, whose actions stay the policy's. Installed with a
 * listener. -EINVAL when there is nothing to notify.
 */
int moat_filter_compile_one(const struct moat_policy *policy, unsigned routed, moat_filter **filter,
                            struct moat_error *error);

#endif /* MOAT_SECCOMP_SPLIT_H */
