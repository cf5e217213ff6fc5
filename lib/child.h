/* SPDX-License-Identifier: MIT */
/*
 * What moat_spawn() and moat_spawn_function() share with the files that
 * wait for a child (wait.c) and give it descriptors (child_io.c). Nothing
 * outside lib/ includes this.
 */
#ifndef MOAT_CHILD_H
#define MOAT_CHILD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>

#include "moat.h"

struct moat_child {
	pid_t pid;
	int pidfd;
	int status_fd; /* with an init: where it reports the program's wait status; else -1 */
	bool reaped;
	struct moat_report *report;  /* denial reports, or NULL */
	struct moat_egress *egress;  /* [network] egress: the sandbox's cgroup, or NULL */
	moat_supervisor *supervisor; /* options->supervisor, served while waiting; or NULL */
	uint64_t cpu_hard;           /* the policy's `cpu` hard limit in seconds, or 0 */
	uint64_t as_soft;            /* its `as` soft limit in bytes, or 0 */
};

/* What the sandboxed process runs: `path` with `argv`, or `function(context)`. */
struct moat_spawn_target {
	const char *path;
	char *const *argv;
	moat_child_fn *function;
	void *context;
};

/* moat_spawn() and moat_spawn_function(), after their own argument checks. */
int moat_spawn_target(moat_child **out, const moat_policy *policy,
                      const struct moat_spawn_target *target,
                      const struct moat_sandbox_options *options, struct moat_error *error);

/*
 * In the sandboxed process, after the last set-up step: tells the parent
 * the sandbox is ready through `report_fd`, closes the descriptors only
 * set-up needed, and exits with the function's result.
 */
__attribute__((noreturn)) void moat_spawn_run_function(const struct moat_spawn_target *target,
                                                       int report_fd, int handoff_socket);

struct moat_plan;

/* -EPERM when the plan's filter does not allow what the function's process calls itself. */
int moat_spawn_check_function(const struct moat_plan *plan, struct moat_error *error);

/* Checks options->fd_map: at most 64 entries, no negative number, no child_fd twice. */
int moat_fd_map_check(const struct moat_sandbox_options *options, struct moat_error *error);

/* The highest child_fd of the map, or -1. */
int moat_fd_map_highest(const struct moat_fd_map *map, size_t count);

/*
 * Moves `*fd` to a number above `floor` (close-on-exec), so that the map
 * cannot overwrite it. Returns 0 or a negative errno.
 */
int moat_fd_lift(int *fd, int floor);

/*
 * In the child: gives every parent_fd its child_fd, through copies above
 * every number involved so that a swap (0 and 1) works. Async-signal-safe.
 */
int moat_fd_map_apply(const struct moat_fd_map *map, size_t count, struct moat_error *error);

/* Waits for the child and fills its wait status and resource usage. */
int moat_child_reap(moat_child *child, int *status, struct rusage *usage);

#endif /* MOAT_CHILD_H */
