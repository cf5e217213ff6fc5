/* SPDX-License-Identifier: MIT */
/*
 * Isolation: the [namespaces] and [mounts] sections of a policy, turned
 * into a plan in the parent and applied in the process that clone3 creates
 * with the plan's namespace flags (docs/sandbox.md).
 *
 * moat_isolate_plan_build() runs before anything irreversible. It decides
 * which namespaces to create (adding the user namespace for a caller
 * without CAP_SYS_ADMIN, dropping the time namespace where the kernel has
 * none and the policy allows it), checks that the kernel and the system
 * settings allow them, prepares the uid/gid maps, and resolves every mount
 * of the new root: bind sources are made canonical on the host (so an
 * absolute symlink among them resolves on the host, not in the half-built
 * tree), an absent source without `?` is an error at its statement, and
 * every path the child will need is computed.
 *
 * The apply functions run in the cloned process, between clone3 and
 * execve, in a copy of a possibly multi-threaded parent: they allocate
 * nothing and read only the plan. In order:
 *
 *   0. with a new PID namespace, moat_isolate_init_prepare, first of all;
 *   1. moat_isolate_apply: the uid/gid maps (the process writes its own),
 *      the mount tree (private propagation, a new root on tmpfs, the
 *      [mounts] entries in the order written, pivot_root and a detach of the
 *      old root), the hostname, and the loopback interface.
 *   2. with a new PID namespace, moat_isolate_init_spawn: the process, pid
 *      1 of the namespace, starts the program's process and becomes its
 *      init.
 *
 * A caller without CAP_SYS_ADMIN gets `user` added to any other namespace:
 * only in a user namespace of its own may it create them.
 *
 * Then the process steps, Landlock and seccomp, in the program's process.
 */
#ifndef MOAT_ISOLATE_H
#define MOAT_ISOLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "moat.h"
#include "policy/ir.h"

struct moat_isolate_plan;

/*
 * Builds the plan for `policy`'s [namespaces] and [mounts] sections; a
 * policy without them gives a plan that creates nothing. `policy` must
 * outlive the plan. Returns -EOPNOTSUPP when the kernel or the system
 * settings cannot give the namespaces (under `compat best-effort` a
 * namespace nothing else depends on is dropped instead, and reported by
 * moat_isolate_plan_dropped()), -ENOENT for an absent bind source without
 * `?`, -EINVAL for a mount tree that cannot be built, -ENOMEM.
 */
int moat_isolate_plan_build(struct moat_isolate_plan **plan, const struct moat_policy *policy,
                            struct moat_error *error);

void moat_isolate_plan_free(struct moat_isolate_plan *plan);

/*
 * For moat_spawn(), after moat_isolate_plan_build(): with `die-with-parent
 * yes` (the default), gives the sandbox a PID namespace when the policy
 * does not `unshare pid`, so that its init, which watches the parent, takes
 * every process of the sandbox with it when the parent dies (a caller
 * without CAP_SYS_ADMIN gets a user namespace too, as for any namespace).
 * When the system cannot give one, `compat strict` refuses with
 * -EOPNOTSUPP naming what is missing, and `compat best-effort` leaves the
 * plan alone and sets `*dropped` to the line that reports it (else NULL).
 */
int moat_isolate_plan_bind_to_parent(struct moat_isolate_plan *plan,
                                     const struct moat_policy *policy, const char **dropped,
                                     struct moat_error *error);

/*
 * The uid and gid (-1: unchanged) the sandbox runs as
 * (moat_sandbox_options.identity): in a new user namespace, the ids inside
 * that its maps give the caller's own. Returns -EINVAL, located, when the
 * policy's [namespaces] `uid` or `gid` names another.
 */
int moat_isolate_plan_set_identity(struct moat_isolate_plan *plan, const struct moat_policy *policy,
                                   uid_t uid, gid_t gid, struct moat_error *error);

/* True when the plan creates a user namespace. */
bool moat_isolate_has_user_namespace(const struct moat_isolate_plan *plan);

/*
 * Takes back what moat_isolate_plan_bind_to_parent() added, when the plan
 * has no other namespace: for `compat best-effort` after clone3 refused
 * them. False when there was nothing to take back.
 */
bool moat_isolate_plan_unbind_from_parent(struct moat_isolate_plan *plan);

/* The lines that report what best-effort dropped. */
size_t moat_isolate_plan_dropped_count(const struct moat_isolate_plan *plan);
const char *moat_isolate_plan_dropped(const struct moat_isolate_plan *plan, size_t index);

/* The CLONE_NEW* flags to pass to clone3; 0 when the policy has no namespaces. */
uint64_t moat_isolate_clone_flags(const struct moat_isolate_plan *plan);

/*
 * True with [mounts]: the program runs in a new root, where the path given
 * to execve is looked up.
 */
bool moat_isolate_has_new_root(const struct moat_isolate_plan *plan);

/*
 * For an execve that failed with ENOENT in the new root although the
 * program is there: rewrites `error`'s message to name the interpreter
 * (PT_INTERP or `#!`) that the new root lacks. Leaves other errors alone.
 */
void moat_isolate_explain_missing(const struct moat_isolate_plan *plan, const char *program,
                                  struct moat_error *error);

/* True with a new PID namespace: the cloned process runs init as pid 1. */
bool moat_isolate_has_init(const struct moat_isolate_plan *plan);

/*
 * Fills `error` with why clone3 failed with `code` (a negative errno) for
 * this plan's namespaces, naming the system setting that may be the cause.
 * Returns `code`.
 */
int moat_isolate_clone_failed(const struct moat_isolate_plan *plan, int code,
                              struct moat_error *error);

/*
 * Step 1 in the cloned process: the uid/gid maps, the mount tree, the
 * hostname and the loopback interface, as the plan says. Async-signal-safe.
 * A mount that fails is reported at its statement in the policy.
 */
int moat_isolate_apply(const struct moat_isolate_plan *plan, struct moat_error *error);

/*
 * True when the caller is not dumpable and the sandbox needs a user
 * namespace: its child then makes itself dumpable again to write its own
 * uid map. That is safe when the caller is undumpable only because it hosts
 * a supervisor; a caller that changed its ids without execve must be
 * refused instead, as its memory may hold what its old ids could read.
 */
bool moat_isolate_needs_dumpable(const struct moat_isolate_plan *plan);

/*
 * The descriptors pid 1 shares with the process that cloned it.
 *  - report_fd: the error pipe. Pid 1 writes its own errors there and
 *    closes its copy once the program's process exists, so the parent sees
 *    end of file at the program's execve.
 *  - status_fd: the write end of a pipe whose read end only the parent
 *    holds. Init writes the program's wait status there before it exits
 *    (moat_isolate_read_program_status()).
 *  - status_read_fd: that read end, which pid 1 inherited and closes first.
 *  - parent_pidfd: with `die-with-parent yes`, a pidfd of the process that
 *    started the sandbox (pidfd_open(getpid())), which init watches: when
 *    that process ends, init exits and the kernel kills every process of
 *    the namespace. A pidfd, not PR_SET_PDEATHSIG: the death signal comes
 *    when the parent *thread* ends, and a library caller may start the
 *    sandbox from a thread that does not live as long as its process.
 *    -1 without `die-with-parent`.
 */
struct moat_isolate_init {
	int report_fd;
	int status_fd;
	int status_read_fd;
	int parent_pidfd;
};

/*
 * The first thing pid 1 does: blocks every signal it will forward, so that
 * one sent during set-up waits for the program instead of being dropped
 * (the kernel drops a signal the init of a namespace neither handles nor
 * blocks), opens the signalfd it will take them from (in `*signals`), and
 * closes status_read_fd. With a parent_pidfd, checks that the parent still
 * lives: -ESRCH when it is gone.
 */
int moat_isolate_init_prepare(const struct moat_isolate_init *init, int *signals,
                              struct moat_error *error);

/*
 * Step 2, in pid 1 once moat_isolate_apply() is done: starts the program's
 * process, which runs `program(argument)` with every signal still blocked
 * (the caller unblocks them before execve) and neither `signals` nor
 * parent_pidfd open; `program` must not return (it calls execve, or
 * _exit). With `share_memory` that process shares pid 1's memory until its
 * execve or exit, and pid 1 waits until then (CLONE_VM | CLONE_VFORK, as
 * posix_spawn does): no copy of the address space is made, and nothing
 * but moat's own code ever runs in the shared memory. Without it (a
 * program that is a function and never calls execve) it gets a copy.
 * In pid 1 it does not return: pid 1 closes every descriptor but
 * status_fd, `signals` and parent_pidfd, drops its capabilities, becomes
 * undumpable, forwards every signal it receives to the program, reaps
 * every process that ends in the namespace, and when the program ends
 * writes its wait status to status_fd and exits with its status (128+N for
 * a program that signal N ended); when the parent ends first, it exits at
 * once. Returns a negative errno when the process cannot be started.
 */
int moat_isolate_init_spawn(const struct moat_isolate_init *init, int signals,
                            void (*program)(void *argument), void *argument, bool share_memory,
                            struct moat_error *error);

/*
 * In the parent, after reaping pid 1 with wait status `*status`: replaces
 * it with the program's own wait status when init reported one through the
 * read end of the status pipe, so that a program killed by a signal shows
 * as WIFSIGNALED. Leaves `*status` alone when init ended without reporting
 * (it was killed).
 */
void moat_isolate_read_program_status(int status_fd, int *status);

#endif /* MOAT_ISOLATE_H */
