/* SPDX-License-Identifier: MIT */
/*
 * [network] `egress`: a cgroup v2 of the sandbox's own with cgroup BPF
 * programs attached that refuse TCP connects and UDP datagrams to what no
 * `egress` line lists, and inet sockets other than TCP and UDP
 * (docs/network.md). The sandbox is cloned into the cgroup
 * (CLONE_INTO_CGROUP) and puts itself in a cgroup namespace rooted there,
 * so that it cannot move out; the cgroup, and with it the programs, is
 * removed when the sandbox ends.
 */
#ifndef MOAT_EGRESS_H
#define MOAT_EGRESS_H

#include "moat.h"
#include "policy/ir.h"

struct moat_egress;

/*
 * Removes cgroups that a moat which died left behind, makes the sandbox's
 * cgroup, and loads and attaches the programs with `list`'s rules. *egress
 * is NULL when the policy has no `egress` line. On failure nothing is left
 * behind and the error says what is missing (cgroup v2, privilege, ...).
 */
int moat_egress_setup(struct moat_egress **egress, const struct moat_egress_list *list,
                      struct moat_error *error);

/* The cgroup's directory, for clone3's CLONE_INTO_CGROUP. */
int moat_egress_cgroup_fd(const struct moat_egress *egress);

/*
 * In the sandbox's process, after no_new_privs and before it drops its
 * capabilities: a new cgroup namespace rooted at the sandbox's cgroup, out
 * of which no process can move itself, and the seccomp filter that refuses
 * packet sockets (packet_filter.c). Async-signal-safe; does nothing when
 * `egress` is NULL.
 */
int moat_egress_enter(const struct moat_egress *egress, struct moat_error *error);

/*
 * After the sandbox's process ended: kills what it left in the cgroup and
 * removes the cgroup, which frees the programs. NULL is fine.
 */
void moat_egress_release(struct moat_egress *egress);

/*
 * 0 when this libmoat can load the egress programs; -EOPNOTSUPP and why not
 * when it was configured with -DMOAT_EGRESS=OFF (no libbpf for the target).
 * What the running system allows is moat_egress_probe()'s question.
 */
int moat_egress_built_in(struct moat_error *error);

/* 0 when egress rules can be enforced here, else a negative errno and why not. */
int moat_egress_probe(struct moat_error *error);

#endif /* MOAT_EGRESS_H */
