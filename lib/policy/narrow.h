/* SPDX-License-Identifier: MIT */
/*
 * Narrowing a policy's [syscalls] section with rules moat adds for the
 * running kernel: where its Landlock lacks a right the policy relies on,
 * the seccomp filter closes the same hole (lib/landlock/closures.c decides
 * which rules; this adds them to the IR the filter is compiled from).
 */
#ifndef MOAT_POLICY_NARROW_H
#define MOAT_POLICY_NARROW_H

#include <stddef.h>

#include "policy/ir.h"
#include "util/arena.h"

/* One rule to add: its action refuses, its condition may be NULL (every call). */
struct moat_syscall_narrowing {
	int number; /* native architecture */
	const char *name;
	struct moat_syscall_rule rule;
};

/*
 * Fills `narrowed` with a copy of `policy` whose [syscalls] section also
 * applies each narrowing, but only where the policy lets the call through
 * (`allow` or `log`, by a rule or by the default): a narrowing never widens
 * what the policy says and never overrides a stricter rule, and a call the
 * policy refuses, kills or notifies is decided as before. The narrowing's
 * rules come first among the rules they narrow, so their statement is the
 * one that decides (moat eval, reports). A policy without a [syscalls]
 * section is copied unchanged. `narrowed` shares everything else with
 * `policy`, which must outlive it; new tables live in `arena`. The copy's
 * own `arena` member is empty and owns nothing. Returns 0 or -ENOMEM.
 */
int moat_policy_narrow_syscalls(struct moat_policy *narrowed, const struct moat_policy *policy,
                                const struct moat_syscall_narrowing *narrowings, size_t count,
                                struct moat_arena *arena);

#endif /* MOAT_POLICY_NARROW_H */
