/* SPDX-License-Identifier: MIT */
/*
 * Handing a sandbox's seccomp listener to its supervisor, for moat_spawn()
 * (and any host that forks a sandbox itself).
 *
 * The policy's filter is installed in two parts (seccomp/split.h): the
 * notify part, with a listener, then the enforce part. Between the two the
 * child sends the listener over a SOCK_SEQPACKET socketpair (SCM_RIGHTS)
 * and closes its copy, with only the policy's `notify` rules in force, so
 * the policy cannot block the hand-off. (When the policy allows every call
 * of the hand-off outright, one filter with the listener does both parts'
 * work and the child installs nothing after the hand-off.) Before the
 * filters the child also enters a Landlock domain of its own, which keeps
 * every process of the sandbox from tracing, reading (/proc/PID/mem) or
 * signalling the supervisor and anything else outside the sandbox.
 *
 * In the parent (before the child starts):
 *     moat_handoff_plan_build(&handoff, policy, landlock_abi, &error);
 *     socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair);
 * In the child, after its own Landlock domain, in place of the filter:
 *     close(pair[0]);
 *     moat_handoff_child(&handoff, pair[1], &error);   then execve
 * In the parent, after the child started:
 *     close(pair[1]);
 *     moat_listener_receive(pair[0], child_pidfd, timeout, &listener, &error);
 *     moat_supervisor_add(supervisor, listener, policy, child_pid, &error);
 */
#ifndef MOAT_SUPERVISE_HANDOFF_H
#define MOAT_SUPERVISE_HANDOFF_H

#include "moat.h"
#include "policy/ir.h"

enum {
	/* A Landlock domain: no ptrace of, or /proc/PID/mem access to, the outside. */
	MOAT_HANDOFF_LANDLOCK = 1U << 0,
	/* That domain also scopes signals (Landlock ABI 6): none to the outside. */
	MOAT_HANDOFF_SCOPE_SIGNALS = 1U << 1,
};

struct moat_handoff_plan {
	moat_filter *notify_part; /* installed first, with the listener */
	moat_filter
	        *enforce_part; /* installed after the hand-off; NULL when notify_part is whole */
	unsigned isolation;    /* MOAT_HANDOFF_* the child applies */
	const char *dropped;   /* best-effort: the protection this kernel lacks, or NULL */
};

/*
 * Prepares the hand-off for `policy`, which has `notify` rules: compiles the
 * two filter parts (the resolver has refused any policy that sends one of
 * the calls of moat_syscall_handoff_calls() (syscalls/syscalls.h) to the supervisor: the child's
 * own calls from here to the program's exec, or to the report of its failure), and decides the
 * isolation from `landlock_abi` (the running kernel's, 0 for none): under `compat strict` a kernel
 * below ABI 6 is refused with -EOPNOTSUPP; under `best-effort` what is missing is named in
 * `dropped`.
 */
int moat_handoff_plan_build(struct moat_handoff_plan *plan, const struct moat_policy *policy,
                            int landlock_abi, struct moat_error *error);

/*
 * moat_handoff_plan_build() whose notify part also routes the `routed`
 * actions (MOAT_ROUTE_*, seccomp/split.h) to the supervisor, for reports;
 * the policy then needs no `notify` rules. When it has none and allows the
 * child's calls outright (moat_filter_routed_fits_one()), the notify part
 * is the whole filter (moat_filter_compile_one()) and there is no enforce
 * part: calls the policy allows on a condition then run one filter, not two.
 * With `own_pid_namespace` (the sandbox has one) the sandbox cannot name
 * the supervisor's process to signal it, so a kernel below ABI 6 is no
 * reason to refuse.
 */
int moat_handoff_plan_build_routed(struct moat_handoff_plan *plan, const struct moat_policy *policy,
                                   int landlock_abi, unsigned routed, bool own_pid_namespace,
                                   struct moat_error *error);

void moat_handoff_plan_release(struct moat_handoff_plan *plan);

/*
 * In the child: sets no_new_privs, enters the isolation domain, installs
 * the notify part with a listener, sends the listener on `socket_fd`,
 * closes it and `socket_fd`, and installs the enforce part if the plan has
 * one. Single-threaded
 * callers only (no TSYNC). Async-signal-safe. On failure the listener is
 * closed before anything else runs, so a stuck hand-off cannot hang the
 * child: its notified calls then fail with ENOSYS.
 */
int moat_handoff_child(const struct moat_handoff_plan *plan, int socket_fd,
                       struct moat_error *error);

#endif /* MOAT_SUPERVISE_HANDOFF_H */
