// SPDX-License-Identifier: MIT
/*
 * The cgroup programs behind [network] `egress` (docs/network.md), built
 * with clang -target bpf and embedded in libmoat. They only decide, never
 * rewrite an address, so getpeername and getsockname need no hooks.
 *
 * connect4/connect6: TCP connects (also TCP Fast Open's sendto, which
 * connects through the same pre_connect hook) and UDP connects, whose
 * address later datagrams without one go to. sendmsg4/sendmsg6: UDP
 * datagrams that name an address. sock_create: an inet socket other than
 * TCP or UDP (raw, ICMP, SCTP, MPTCP, ...) passes no address hook, so it
 * cannot be created. A return of 0 makes the call fail with EPERM.
 */
#include <linux/bpf.h>
#include <linux/in.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "rule.h"

#define FAMILY_INET  2
#define FAMILY_INET6 10
#define TYPE_STREAM  1
#define TYPE_DGRAM   2

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MOAT_EGRESS_MAX_RULES);
	__type(key, __u32);
	__type(value, struct moat_egress_entry);
} moat_egress_rules SEC(".maps");

static __always_inline int matches(const struct moat_egress_entry *entry, __u8 family,
                                   const __u32 address[4], __u16 port, __u8 protocol)
{
	if (entry->family != family || entry->protocol != protocol)
		return 0;
	if (port < entry->first_port || port > entry->last_port)
		return 0;
	if ((address[0] & entry->mask[0]) != entry->address[0])
		return 0;
	if (family == MOAT_EGRESS_IPV4)
		return 1;
	return (address[1] & entry->mask[1]) == entry->address[1] &&
	       (address[2] & entry->mask[2]) == entry->address[2] &&
	       (address[3] & entry->mask[3]) == entry->address[3];
}

static __always_inline int allowed(__u8 family, const __u32 address[4], __u32 user_port,
                                   __u32 protocol)
{
	__u16 port = bpf_ntohs((__u16)user_port);

	for (__u32 i = 0; i < MOAT_EGRESS_MAX_RULES; i++) {
		__u32 key = i;
		const struct moat_egress_entry *entry =
		        bpf_map_lookup_elem(&moat_egress_rules, &key);

		if (!entry || entry->family == MOAT_EGRESS_END)
			return 0;
		if (matches(entry, family, address, port, (__u8)protocol))
			return 1;
	}
	return 0;
}

static __always_inline int allowed4(const struct bpf_sock_addr *context)
{
	__u32 address[4] = {context->user_ip4, 0, 0, 0};

	return allowed(MOAT_EGRESS_IPV4, address, context->user_port, context->protocol);
}

/* ::ffff:a.b.c.d reaches a.b.c.d: it is decided by the IPv4 rules. */
static __always_inline int allowed6(const struct bpf_sock_addr *context)
{
	__u32 address[4] = {context->user_ip6[0], context->user_ip6[1], context->user_ip6[2],
	                    context->user_ip6[3]};

	if (address[0] == 0 && address[1] == 0 && address[2] == bpf_htonl(0xffff)) {
		__u32 mapped[4] = {address[3], 0, 0, 0};

		return allowed(MOAT_EGRESS_IPV4, mapped, context->user_port, context->protocol);
	}
	return allowed(MOAT_EGRESS_IPV6, address, context->user_port, context->protocol);
}

SEC("cgroup/connect4")
int moat_egress_connect4(struct bpf_sock_addr *context)
{
	return allowed4(context);
}

SEC("cgroup/connect6")
int moat_egress_connect6(struct bpf_sock_addr *context)
{
	return allowed6(context);
}

SEC("cgroup/sendmsg4")
int moat_egress_sendmsg4(struct bpf_sock_addr *context)
{
	return allowed4(context);
}

SEC("cgroup/sendmsg6")
int moat_egress_sendmsg6(struct bpf_sock_addr *context)
{
	return allowed6(context);
}

SEC("cgroup/sock_create")
int moat_egress_sock_create(struct bpf_sock *socket)
{
	if (socket->family != FAMILY_INET && socket->family != FAMILY_INET6)
		return 1;
	if (socket->type == TYPE_STREAM && socket->protocol == IPPROTO_TCP)
		return 1;
	return socket->type == TYPE_DGRAM && socket->protocol == IPPROTO_UDP;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
