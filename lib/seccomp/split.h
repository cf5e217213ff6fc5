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

#endif /* MOAT_SECCOMP_SPLIT_H */
