/* SPDX-License-Identifier: MIT */
/*
 * What a policy gets on the running kernel's Landlock, and the seccomp
 * rules that close what an older Landlock leaves open (docs/landlock.md,
 * "Older kernels").
 *
 * Rights that only the shorthands imply, or that no rule grants, do not
 * make `compat strict` refuse when the kernel lacks them (compat.c); this
 * stage decides, from the IR and the kernel's features, which of the holes
 * they leave the seccomp filter can close without refusing anything the
 * policy's grants need, adds those rules to a copy of the policy's
 * [syscalls] section (policy/narrow.h), and says in one line per feature
 * what Landlock enforces, what seccomp closes and what stays open. The
 * filter is then compiled from the copy, so `moat compile`, `moat eval` and
 * the denial reports name each closure by its statement, such as
 * `compat: no Landlock truncate before ABI 3 (...)`.
 */
#ifndef MOAT_LANDLOCK_CLOSURES_H
#define MOAT_LANDLOCK_CLOSURES_H

#include <stdbool.h>
#include <stddef.h>

#include "landlock/landlock.h"
#include "policy/ir.h"
#include "policy/narrow.h"
#include "util/arena.h"
#include "util/error.h"

enum moat_coverage {
	MOAT_COVERAGE_LANDLOCK, /* Landlock enforces it as written (or more strictly) */
	MOAT_COVERAGE_SECCOMP,  /* the seccomp filter closes what Landlock cannot */
	MOAT_COVERAGE_OPEN,     /* neither: it stays open on this kernel */
	MOAT_COVERAGE_HELD,     /* the statement holds without Landlock (a namespace, the filter) */
};

/*
 * What the sandbox gets besides Landlock and seccomp, which can make a
 * [network] statement hold without the Landlock ABI that enforces it.
 */
struct moat_sandbox_shape {
	bool pid_namespace; /* a PID namespace of its own: no process outside is addressable */
	bool net_namespace; /* a network namespace of its own: abstract sockets outside are not */
};

struct moat_coverage_line {
	enum moat_coverage coverage;
	bool dropped;     /* compat best-effort reports it already, as dropped */
	const char *text; /* "truncate (Landlock ABI 3): ..." */
};

/*
 * truncate, ioctl-dev, refer, TCP and scopes, each at most twice, the
 * optional rights given up, and Landlock's own.
 */
#define MOAT_CLOSURES_MAX_LINES 20
/* truncate: 4 syscalls; ioctl: 1; socket: 1; socketpair: 1. */
#define MOAT_CLOSURES_MAX_RULES 8

struct moat_landlock_closures {
	struct moat_arena arena;
	/* The policy with the closures in its [syscalls] section: compile and decide from this. */
	struct moat_policy policy;
	struct moat_syscall_narrowing rules[MOAT_CLOSURES_MAX_RULES];
	size_t rule_count;
	struct moat_coverage_line lines[MOAT_CLOSURES_MAX_LINES];
	size_t line_count;
	/*
	 * MOAT_LANDLOCK_HELD_*: the [network] statements this kernel's Landlock
	 * cannot enforce that hold as written all the same, so that `compat
	 * strict` runs them (moat_landlock_plan_build_held()).
	 */
	unsigned held;
};

/*
 * Decides the closures of `policy` on a kernel with `features`, for a
 * sandbox of `shape`, and fills `closures` (release it with
 * moat_landlock_closures_release()). Returns 0, or -ENOMEM with `error`
 * filled.
 *
 * Below Landlock ABI 4, `connect tcp none` and `bind tcp none` hold when
 * the filter refuses every IPv4 and IPv6 stream socket, by the policy's own
 * rules or by the TCP closure; below ABI 6, `scope signal` holds in a PID
 * namespace of the sandbox's own, and `scope abstract-unix` in a network
 * namespace of its own or when the filter refuses unix sockets (docs/
 * landlock.md, "Older kernels").
 */
int moat_landlock_closures_build(struct moat_landlock_closures *closures,
                                 const struct moat_policy *policy,
                                 const struct moat_landlock_features *features,
                                 const struct moat_sandbox_shape *shape, struct moat_error *error);

/*
 * The shape moat_spawn() gives a sandbox of `policy` (`moat run`): a PID
 * namespace with `die-with-parent yes` or `unshare pid`, a network
 * namespace with `unshare net`.
 */
struct moat_sandbox_shape moat_sandbox_shape_of_spawn(const struct moat_policy *policy);

void moat_landlock_closures_release(struct moat_landlock_closures *closures);

/* True when [network] allows no TCP at all, which seccomp can enforce by refusing TCP sockets. */
bool moat_landlock_tcp_closable(const struct moat_network_section *network);

#endif /* MOAT_LANDLOCK_CLOSURES_H */
