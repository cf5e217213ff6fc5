/* SPDX-License-Identifier: MIT */
/*
 * One entry of the egress allowlist, as user space writes it into the BPF
 * array map and the cgroup programs (programs.bpf.c) read it. Shared by both
 * sides, so only fixed-width kernel types.
 */
#ifndef MOAT_EGRESS_RULE_H
#define MOAT_EGRESS_RULE_H

#include <linux/types.h>

/* The map's size, and so the most port ranges a policy may list. */
#define MOAT_EGRESS_MAX_RULES 256

enum {
	MOAT_EGRESS_END = 0, /* an unused entry: the list ends here */
	MOAT_EGRESS_IPV4 = 4,
	MOAT_EGRESS_IPV6 = 6,
};

struct moat_egress_entry {
	__u32 address[4]; /* network order, already masked; IPv4 uses address[0] */
	__u32 mask[4];    /* network order */
	__u16 first_port; /* host order, inclusive */
	__u16 last_port;
	__u8 family;   /* MOAT_EGRESS_* */
	__u8 protocol; /* IPPROTO_TCP or IPPROTO_UDP */
	__u16 unused;
};

#endif /* MOAT_EGRESS_RULE_H */
