/* SPDX-License-Identifier: MIT */
/*
 * The syscalls moat's own child makes while a policy's `notify` rules are
 * in force but no supervisor serves them yet: after it installs the notify
 * part of the filter (seccomp/split.h) and before the program runs. A
 * `notify` rule for one of them would make the child wait for an answer
 * that cannot come while moat_spawn() waits for the child, so the resolver
 * refuses it. This is the one list: the resolver's check, the hand-off
 * (supervise/handoff.c) and the exec-failure report (lib/spawn.c) must
 * agree with it, docs/supervisor.md names it, and the unit tests refuse a
 * `notify` rule for each entry.
 */
#ifndef MOAT_POLICY_HANDOFF_CALLS_H
#define MOAT_POLICY_HANDOFF_CALLS_H

#include <stddef.h>

/* The name of the `index`th hand-off syscall, or NULL past the last. */
const char *moat_policy_handoff_syscall(size_t index);

#endif /* MOAT_POLICY_HANDOFF_CALLS_H */
