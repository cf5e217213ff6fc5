/* SPDX-License-Identifier: MIT */
/*
 * The process plan's layout, shared by the files of lib/process/ (each
 * builds and applies one concern). Nothing outside lib/process/ includes
 * this; the rest of moat sees the plan through process.h.
 */
#ifndef MOAT_PROCESS_PLAN_H
#define MOAT_PROCESS_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>

#include "process/process.h"
#include "util/arena.h"

struct moat_process_limit {
	int resource;     /* RLIMIT_* */
	const char *name; /* the policy's name for it: "as", "nofile", ... */
	struct rlimit value;
};

struct moat_process_plan {
	struct moat_arena arena;  /* owns the plan and everything it points to */
	const char **environment; /* ends in NULL */
	struct moat_process_limit limits[MOAT_LIMIT_COUNT];
	size_t limit_count;
	const char *cwd;                   /* NULL: unchanged */
	struct moat_location cwd_location; /* of the `cwd` statement, for errors */
	uint64_t capabilities_keep;        /* bit N keeps capability N */
	unsigned capability_last;          /* the running kernel's highest capability */
	unsigned identity;                 /* MOAT_IDENTITY_*: which of the ids below are set */
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* group_count supplementary groups, in the arena */
	size_t group_count;
	bool new_session;
	bool close_fds;
	bool die_with_parent;
};

/* The parts of moat_process_plan_build(), one per concern. */
int moat_process_environment_build(struct moat_process_plan *plan,
                                   const struct moat_process_section *process,
                                   const char *const *caller_environment, struct moat_error *error);
int moat_process_limits_build(struct moat_process_plan *plan,
                              const struct moat_limits_section *limits, struct moat_error *error);
int moat_process_capabilities_build(struct moat_process_plan *plan,
                                    const struct moat_process_section *process,
                                    struct moat_error *error);
int moat_process_cwd_build(struct moat_process_plan *plan,
                           const struct moat_process_section *process, struct moat_error *error);

/* This process's effective capabilities, bit N for capability N. */
int moat_process_capabilities_effective(uint64_t *effective);

/* Raises every permitted capability into the effective set (async-signal-safe). */
int moat_process_capabilities_raise_permitted(void);

#endif /* MOAT_PROCESS_PLAN_H */
