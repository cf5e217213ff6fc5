/* SPDX-License-Identifier: MIT */
/*
 * Landlock: what the running kernel can enforce, and a plan that turns a
 * policy's [filesystem] and [network] sections into one Landlock domain.
 *
 * The shape follows the rule that nothing irreversible happens before all
 * validation is done: probe once, build the plan in the parent (paths are
 * opened, compat is decided, every error is reported against the policy
 * text), then apply it in the process that is about to become the sandbox.
 * Applying is async-signal-safe, so it can run in a child forked from a
 * multi-threaded parent.
 */
#ifndef MOAT_LANDLOCK_H
#define MOAT_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "moat.h"
#include "policy/ir.h"

/* What the running kernel's Landlock can do. */
struct moat_landlock_features {
	int abi;                 /* 0: no Landlock (see `disabled`) */
	bool disabled;           /* built into the kernel but not enabled at boot */
	uint64_t fs;             /* LANDLOCK_ACCESS_FS_* the kernel can restrict */
	uint64_t net;            /* LANDLOCK_ACCESS_NET_* */
	uint64_t scopes;         /* LANDLOCK_SCOPE_* */
	uint32_t restrict_flags; /* LANDLOCK_RESTRICT_SELF_* */
	uint32_t errata;         /* fixed kernel issues the kernel reports (ABI 7) */
};

/*
 * Asks the kernel for its Landlock ABI and derives the feature masks. A
 * kernel without Landlock, or with Landlock disabled, is not an error: `abi`
 * is 0. Callers probe once and pass the result around. Returns 0, or a
 * negative errno when the kernel answered something unexpected.
 */
int moat_landlock_probe(struct moat_landlock_features *features);

/*
 * The features of a kernel with Landlock ABI `abi` (0 for none); ABIs newer
 * than moat knows get everything moat knows. Tests use it to stand in for
 * older kernels.
 */
void moat_landlock_features_for_abi(struct moat_landlock_features *features, int abi);

/* The policy-language name of one filesystem right ("truncate"), or NULL. */
const char *moat_landlock_fs_right_name(uint64_t right);

/* The Landlock ABI that brought one filesystem right, or 0 when unknown. */
int moat_landlock_fs_right_abi(uint64_t right);

struct moat_landlock_plan;

/*
 * Validates the policy's [filesystem] and [network] sections against
 * `features` and prepares everything apply needs: every path is opened
 * O_PATH | O_CLOEXEC (a missing path without `?` is an error at its rule,
 * with -ENOENT; with `?` it is skipped), rights on non-directories are
 * narrowed to those Landlock accepts on files, and the handled masks are
 * computed. Under `compat strict`, anything the policy needs that the kernel
 * lacks is an error (-EOPNOTSUPP) naming the feature and the ABI that brings
 * it; under `compat best-effort` it is dropped and one line per dropped
 * feature can be read back with moat_landlock_plan_dropped().
 */
int moat_landlock_plan_build(struct moat_landlock_plan **plan, const struct moat_policy *policy,
                             const struct moat_landlock_features *features,
                             struct moat_error *error);

/*
 * The same for a sandbox that gets a new root ([mounts]): the rules' paths
 * name files inside it, which do not exist yet, so they are opened (and a
 * missing one refused, located at its rule) when the plan is applied after
 * pivot_root, rather than now.
 */
int moat_landlock_plan_build_in_new_root(struct moat_landlock_plan **plan,
                                         const struct moat_policy *policy,
                                         const struct moat_landlock_features *features,
                                         struct moat_error *error);

/*
 * [network] statements that hold on this kernel without the Landlock ABI
 * that enforces them (landlock/closures.h): compat does not count them as
 * missing.
 */
enum {
	MOAT_LANDLOCK_HELD_CONNECT_TCP = 1U << 0,
	MOAT_LANDLOCK_HELD_BIND_TCP = 1U << 1,
	MOAT_LANDLOCK_HELD_SCOPE_ABSTRACT_UNIX = 1U << 2,
	MOAT_LANDLOCK_HELD_SCOPE_SIGNAL = 1U << 3,
};

/*
 * moat_landlock_plan_build() or, with `in_new_root`,
 * moat_landlock_plan_build_in_new_root(), where the statements of `held`
 * (MOAT_LANDLOCK_HELD_*) hold by other means.
 */
int moat_landlock_plan_build_held(struct moat_landlock_plan **plan,
                                  const struct moat_policy *policy,
                                  const struct moat_landlock_features *features, unsigned held,
                                  bool in_new_root, struct moat_error *error);

/* True when applying the plan restricts anything. */
bool moat_landlock_plan_enforces(const struct moat_landlock_plan *plan);

/* The lines that report what best-effort dropped. */
size_t moat_landlock_plan_dropped_count(const struct moat_landlock_plan *plan);
const char *moat_landlock_plan_dropped(const struct moat_landlock_plan *plan, size_t index);

/* Closes the plan's O_PATH descriptors and frees it; accepts NULL. */
void moat_landlock_plan_free(struct moat_landlock_plan *plan);

/*
 * Flags of moat_landlock_apply().
 *
 * MOAT_LANDLOCK_ALL_THREADS: the domain must cover every thread of the
 * process (moat_enter). With ABI 8 the kernel does it
 * (LANDLOCK_RESTRICT_SELF_TSYNC); below ABI 8 Landlock binds only the calling
 * thread, so apply refuses with -EBUSY when other threads exist.
 */
enum {
	MOAT_LANDLOCK_ALL_THREADS = 1U << 0,
};

/*
 * Enforces the plan on the calling thread (and its future children): creates
 * the ruleset, adds every rule, restricts itself and closes the ruleset. The
 * caller must have set no_new_privs (-EPERM otherwise). A plan that enforces
 * nothing is a no-op. Async-signal-safe: no allocation, no stdio, no locks;
 * `error` is filled without formatting functions. The plan's descriptors stay
 * open (they are close-on-exec).
 */
int moat_landlock_apply(const struct moat_landlock_plan *plan, unsigned flags,
                        struct moat_error *error);

/*
 * Counts the threads of the calling process from /proc/self/task, without
 * allocating (async-signal-safe). Returns the count, or a negative errno.
 */
int moat_landlock_count_threads(void);

/*
 * Enters a Landlock domain of moat's own. It restricts nothing the sandbox
 * does to its own files, but Landlock keeps every process in a domain from
 * tracing a process outside it or reading its memory (/proc/PID/mem), and
 * with `scope_signals` (ABI 6) from signalling one: so the sandbox cannot
 * reach the process that started it, or any other process of its user,
 * even when its policy has no Landlock section. Needs no_new_privs and
 * Landlock (ABI 1); async-signal-safe.
 */
int moat_landlock_enter_boundary(bool scope_signals, struct moat_error *error);

#endif /* MOAT_LANDLOCK_H */
