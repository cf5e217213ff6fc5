/* SPDX-License-Identifier: MIT */
/*
 * Limits and process hygiene: what the [limits] and [process] sections ask
 * for, turned into a plan in the parent and applied step by step in the
 * child that becomes the sandbox.
 *
 * moat_process_plan_build() runs before anything irreversible: it computes
 * the final environment, the resource limits and the capabilities to keep,
 * and rejects what it can (a soft limit above its hard limit, a hard limit
 * the caller cannot raise, an unknown capability, a relative cwd).
 *
 * The moat_process_apply_*() steps run in the forked child of a possibly
 * multi-threaded parent, between fork and execve. They are async-signal-safe
 * (no allocation, no stdio, no locks), read only the plan, return 0 or a
 * negative errno and fill `error` with what failed. Call them in this
 * order, after what needs privileges and changes the credentials
 * (namespaces, setresuid/setresgid, mounts, pivot_root):
 *
 *   1. moat_process_apply_session       setsid: no controlling terminal, so
 *                                       TIOCSTI/TIOCLINUX cannot reach the
 *                                       caller's terminal.
 *   1a. moat_process_apply_identity     setgroups, setresgid, setresuid, while
 *                                       the capabilities are still held (the
 *                                       later steps keep their privileges).
 *   2. moat_process_apply_parent_death  after every uid/gid change (the kernel
 *                                       clears the parent-death signal when
 *                                       the credentials change), before
 *                                       anything that can block.
 *   3. moat_process_apply_descriptors   before the limits: a small
 *                                       RLIMIT_NOFILE could otherwise stop
 *                                       the /proc/self/fd fallback from
 *                                       opening the directory.
 *   4. moat_process_apply_cwd           after pivot_root, so the path
 *                                       resolves in the sandbox's root.
 *   5. moat_process_apply_limits        before the capabilities: raising a
 *                                       hard limit needs CAP_SYS_RESOURCE.
 *   6. moat_process_apply_capabilities  after every step that needs a
 *                                       privilege (namespaces, mounts, the
 *                                       limits).
 *   7. moat_process_apply_no_new_privs  before Landlock and seccomp, which
 *                                       need it when unprivileged.
 *
 * Then Landlock, then seccomp, then execve() with
 * moat_process_plan_environment() as the environment.
 */
#ifndef MOAT_PROCESS_H
#define MOAT_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "moat.h"
#include "policy/ir.h"

struct moat_process_plan;

/*
 * Builds the plan for `policy`'s [limits] and [process] sections.
 * `caller_environment` ("NAME=VALUE" strings ending in NULL, or NULL for
 * none) is what `env inherit` and `env keep` take from. The plan copies
 * everything it needs; `policy` and `caller_environment` may be freed
 * afterwards. Returns -EINVAL for a policy the running system cannot apply
 * (located at the statement when the IR carries one), -EPERM for a hard
 * limit above the current one without CAP_SYS_RESOURCE, -ENOMEM.
 */
int moat_process_plan_build(struct moat_process_plan **plan, const struct moat_policy *policy,
                            const char *const *caller_environment, struct moat_error *error);

void moat_process_plan_free(struct moat_process_plan *plan);

/*
 * Copies the identity asked for in `options` (MOAT_IDENTITY_*) into the
 * plan. Returns -EINVAL for unknown flags or groups without a list,
 * -ENOMEM.
 */
int moat_process_identity_build(struct moat_process_plan *plan,
                                const struct moat_sandbox_options *options,
                                struct moat_error *error);

/*
 * Whether the caller may take the plan's identity: in a user namespace moat
 * creates (`in_user_namespace`) the ids are mapped and groups refused with
 * -EINVAL; elsewhere a uid or gid other than the caller's own needs
 * CAP_SETUID or CAP_SETGID, and groups need CAP_SETGID, else -EPERM.
 */
int moat_process_identity_check(const struct moat_process_plan *plan, bool in_user_namespace,
                                struct moat_error *error);

/* The uid and gid the plan asks for (-1: unchanged), for the user namespace's maps. */
void moat_process_identity_ids(const struct moat_process_plan *plan, uid_t *uid, gid_t *gid);

/* The environment to pass to execve(), ending in NULL; owned by the plan. */
const char *const *moat_process_plan_environment(const struct moat_process_plan *plan);

/*
 * setsid() when the policy asks for a new session (the default). Fails with
 * -EPERM when the process already leads a process group (it cannot start a
 * session then; fork first).
 */
int moat_process_apply_session(const struct moat_process_plan *plan, struct moat_error *error);

/*
 * When the policy asks for it (the default): SIGKILL this process when the
 * thread that forked it exits. `parent` is the pid of that process as seen
 * before the fork; when getppid() no longer equals it the parent died
 * before the request took hold and this returns -ESRCH. The signal is
 * delivered when the forking *thread* exits, so fork from a thread that
 * outlives the sandbox. It binds this process only, and only while it does
 * not clear the request: moat_spawn() uses it where the sandbox could get
 * no PID namespace (`compat best-effort`); otherwise moat's init watches
 * the parent and takes the whole namespace down (isolate.h).
 */
int moat_process_apply_parent_death(const struct moat_process_plan *plan, pid_t parent,
                                    struct moat_error *error);

/*
 * Closes every descriptor but 0, 1, 2 and the `keep_count` descriptors in
 * `keep`, when the policy asks for it (the default). The kept descriptors
 * must be open; their close-on-exec flag is cleared, whatever close-fds
 * says, so they reach the program. A descriptor needed only until execve
 * (an error pipe) goes in `keep` too, and the caller sets FD_CLOEXEC on it
 * again afterwards.
 */
int moat_process_apply_descriptors(const struct moat_process_plan *plan, const int *keep,
                                   size_t keep_count, struct moat_error *error);

/* chdir() to the policy's cwd, when it names one. */
int moat_process_apply_cwd(const struct moat_process_plan *plan, struct moat_error *error);

/*
 * setrlimit() for every limit the policy sets, soft and hard as the plan
 * says; RLIMIT_CORE is 0/0 unless the policy sets `core`.
 */
int moat_process_apply_limits(const struct moat_process_plan *plan, struct moat_error *error);

/*
 * Leaves the process with exactly the capabilities the policy keeps (none
 * by default) in its effective, permitted and inheritable sets, the kept ones
 * also in the ambient set (so they survive execve of an ordinary program
 * for a non-root user), the others out of the bounding set, and the
 * securebits that stop uid 0 from regaining capabilities through execve
 * locked on. The bounding set and the securebits need CAP_SETPCAP; a process
 * without it has no capability to lose there, and no_new_privs keeps execve
 * from granting any. Fails with -EPERM when the policy keeps a capability
 * the process does not hold.
 */
int moat_process_apply_capabilities(const struct moat_process_plan *plan, struct moat_error *error);

/*
 * The plan's identity: setgroups, setresgid, setresuid, in that order. The
 * process keeps its permitted capabilities through the change
 * (PR_SET_KEEPCAPS) and has them effective again after it, for the steps
 * that follow; moat_process_apply_capabilities() drops them. With
 * `whole_process` the change reaches every thread (glibc's wrappers, for
 * moat_enter()); without it only this one (raw system calls, for a cloned
 * child, in which glibc's list of threads is the parent's).
 */
int moat_process_apply_identity(const struct moat_process_plan *plan, bool whole_process,
                                struct moat_error *error);

/* PR_SET_NO_NEW_PRIVS, always. */
int moat_process_apply_no_new_privs(const struct moat_process_plan *plan, struct moat_error *error);

#endif /* MOAT_PROCESS_H */
