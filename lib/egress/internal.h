/* SPDX-License-Identifier: MIT */
/* Shared by the files of lib/egress; nothing outside the module includes it. */
#ifndef MOAT_EGRESS_INTERNAL_H
#define MOAT_EGRESS_INTERNAL_H

#include <limits.h>
#include <stddef.h>

#include "egress/egress.h"
#include "egress/rule.h"

/* Mount points of the cgroup v2 hierarchy that the sandbox must see read-only. */
#define MOAT_EGRESS_MAX_MOUNTS 8

struct moat_egress {
	int parent; /* the directory the cgroup was made in */
	int cgroup;
	char name[64];
	char mounts[MOAT_EGRESS_MAX_MOUNTS][PATH_MAX];
	size_t mount_count;
};

/* cgroup.c */
/* Every mount point of the cgroup v2 hierarchy in this mount namespace. */
int moat_egress_cgroup2_mounts(char mounts[][PATH_MAX], size_t capacity, size_t *count);
int moat_egress_find_cgroup2(char *mount_point, size_t size, char *root, size_t root_size);
/* parents[0]: this process's own cgroup, parents[1]: the top of the hierarchy. */
int moat_egress_cgroup_parents(const char *mount_point, const char *root,
                               char parents[2][PATH_MAX]);
/* moat-egress-PID-STARTTIME, naming this process as the owner. */
int moat_egress_cgroup_name(char *name, size_t size);
/* Removes the empty moat-egress-* cgroups under `parent` whose owner is gone. */
void moat_egress_sweep_stale(const char *parent);
int moat_egress_cgroup_remove(int parent, const char *name);

/* load.c: loads the programs with `entries` in their map and attaches them to `cgroup`. */
int moat_egress_load(int cgroup, const struct moat_egress_entry *entries, size_t count,
                     struct moat_error *error);

/* fence.c and packet_filter.c: in the sandbox, after no_new_privs. Async-signal-safe. */
int moat_egress_refuse_packet_sockets(struct moat_error *error);

#endif /* MOAT_EGRESS_INTERNAL_H */
