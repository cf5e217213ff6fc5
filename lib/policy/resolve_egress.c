// SPDX-License-Identifier: MIT
/*
 * [network] `egress ADDRESS[/PREFIX] tcp|udp PORT[-PORT]...`: the addresses
 * and ports that TCP connects and UDP datagrams may reach (docs/network.md).
 * A protocol word may appear again later on the line to start a new list.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "policy/resolve.h"

/* A decimal number of one to six digits, or false. */
static bool parse_decimal(const char *text, size_t length, unsigned long *value)
{
	unsigned long result = 0;

	if (length == 0 || length > 6)
		return false;
	for (size_t i = 0; i < length; i++) {
		if (text[i] < '0' || text[i] > '9')
			return false;
		result = result * 10 + (unsigned long)(text[i] - '0');
	}
	*value = result;
	return true;
}

/* Whether any bit past the first `prefix` bits of `address` is set. */
static bool has_host_bits(const uint8_t *address, size_t bytes, unsigned prefix)
{
	for (size_t i = 0; i < bytes; i++) {
		unsigned kept = prefix >= 8 * (i + 1) ? 8
		                : prefix > 8 * i      ? prefix - 8 * (unsigned)i
		                                      : 0;
		uint8_t host_mask = (uint8_t)(0xffU >> kept);

		if (kept < 8 && (address[i] & host_mask))
			return true;
	}
	return false;
}

static bool parse_prefix(struct moat_resolver *resolver, const struct moat_ast_word *word,
                         const char *text, struct moat_egress_rule *rule)
{
	unsigned bits = rule->family == AF_INET ? 32 : 128;
	unsigned long prefix;

	if (!parse_decimal(text, strlen(text), &prefix)) {
		moat_resolve_error(resolver, &word->location,
		                   "'/%s' is not a prefix length (a number of bits)", text);
		return false;
	}
	if (prefix > bits) {
		moat_resolve_error(resolver, &word->location,
		                   "prefix /%lu is longer than an %s address (%u bits)", prefix,
		                   rule->family == AF_INET ? "IPv4" : "IPv6", bits);
		return false;
	}
	rule->prefix = (unsigned)prefix;
	return true;
}

static bool parse_address(struct moat_resolver *resolver, const struct moat_ast_word *word,
                          struct moat_egress_rule *rule)
{
	const char *text = moat_resolve_text(resolver, word);
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash;
	size_t length;

	if (!text)
		return false;
	slash = strchr(text, '/');
	length = slash ? (size_t)(slash - text) : strlen(text);
	if (length >= sizeof(host))
		goto invalid;
	memcpy(host, text, length);
	host[length] = '\0';
	if (inet_pton(AF_INET, host, rule->address) == 1)
		rule->family = AF_INET, rule->prefix = 32;
	else if (inet_pton(AF_INET6, host, rule->address) == 1)
		rule->family = AF_INET6, rule->prefix = 128;
	else
		goto invalid;
	if (rule->family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)rule->address)) {
		moat_resolve_error(resolver, &word->location,
		                   "'%s' is an IPv4-mapped IPv6 address: write the IPv4 address "
		                   "(moat decides ::ffff:a.b.c.d as a.b.c.d for both families)",
		                   text);
		return false;
	}
	if (slash && !parse_prefix(resolver, word, slash + 1, rule))
		return false;
	if (has_host_bits(rule->address, rule->family == AF_INET ? 4 : 16, rule->prefix)) {
		moat_resolve_error(resolver, &word->location,
		                   "'%s' has address bits set past the /%u prefix; write the "
		                   "network address",
		                   text, rule->prefix);
		return false;
	}
	return true;
invalid:
	moat_resolve_error(resolver, &word->location,
	                   "'%s' is not an IPv4 or IPv6 address (ADDRESS[/PREFIX])", text);
	return false;
}

static bool parse_port(const char *text, size_t length, uint16_t *port)
{
	unsigned long value;

	if (!parse_decimal(text, length, &value) || value == 0 || value > 65535)
		return false;
	*port = (uint16_t)value;
	return true;
}

/* PORT or FIRST-LAST, each 1..65535. */
static bool parse_ports(struct moat_resolver *resolver, const struct moat_ast_word *word,
                        struct moat_egress_rule *rule)
{
	const char *text = word->text;
	const char *dash = strchr(text, '-');
	size_t first_length = dash ? (size_t)(dash - text) : strlen(text);

	if (!parse_port(text, first_length, &rule->first_port) ||
	    !parse_port(dash ? dash + 1 : text, dash ? strlen(dash + 1) : first_length,
	                &rule->last_port)) {
		moat_resolve_error(resolver, &word->location,
		                   "'%s' is not a port (1..65535) or a range PORT-PORT", text);
		return false;
	}
	if (rule->first_port > rule->last_port) {
		moat_resolve_error(resolver, &word->location,
		                   "port range '%s' ends before it starts", text);
		return false;
	}
	return true;
}

static int protocol_named(const char *word)
{
	if (!strcmp(word, "tcp"))
		return IPPROTO_TCP;
	if (!strcmp(word, "udp"))
		return IPPROTO_UDP;
	return 0;
}

void moat_resolve_egress_statement(struct moat_resolver *resolver,
                                   const struct moat_ast_statement *statement)
{
	struct moat_egress_list *egress = &resolver->policy->network.egress;
	struct moat_egress_rule rule = {.statement = moat_resolve_statement(resolver, statement)};
	const struct moat_ast_word *protocol_word = &statement->arguments[1];

	if (!egress->present)
		egress->location = statement->keyword.location;
	egress->present = true;
	if (!parse_address(resolver, &statement->arguments[0], &rule))
		return;
	rule.protocol = protocol_named(protocol_word->text);
	if (!rule.protocol) {
		moat_resolve_error(resolver, &protocol_word->location,
		                   "unknown protocol '%s' (tcp or udp)", protocol_word->text);
		return;
	}
	for (size_t i = 2; i < statement->argument_count; i++) {
		const struct moat_ast_word *word = &statement->arguments[i];
		struct moat_egress_rule *slot;

		if (protocol_named(word->text)) {
			rule.protocol = protocol_named(word->text);
			if (i + 1 == statement->argument_count || protocol_named(word[1].text))
				moat_resolve_error(resolver, &word->location,
				                   "'%s' needs at least one PORT after it",
				                   word->text);
			continue;
		}
		if (!parse_ports(resolver, word, &rule))
			continue;
		slot = moat_resolve_push(resolver, &resolver->egress_rules, sizeof(*slot));
		if (slot)
			*slot = rule;
	}
}

/*
 * Capabilities with which the sandbox could detach the cgroup programs or
 * remount the cgroup hierarchy writable. CAP_NET_RAW is fine: raw inet
 * sockets are refused by the sock_create program, packet sockets by the
 * egress seccomp filter.
 */
static const struct {
	unsigned number;
	const char *name;
} undoing_capabilities[] = {
        {12, "CAP_NET_ADMIN"},
        {21, "CAP_SYS_ADMIN"},
        {39, "CAP_BPF"},
};

static void check_capabilities(struct moat_resolver *resolver)
{
	const struct moat_process_section *process = &resolver->policy->process;

	for (size_t i = 0; i < sizeof(undoing_capabilities) / sizeof(undoing_capabilities[0]);
	     i++) {
		if (!(process->capabilities_keep & (1ULL << undoing_capabilities[i].number)))
			continue;
		moat_resolve_report(resolver, MOAT_SEVERITY_ERROR,
		                    resolver->capabilities_origin.source,
		                    &process->capabilities_location,
		                    "`capabilities keep %s` would let the sandbox get around its "
		                    "[network] egress rules; drop it or the egress lines",
		                    undoing_capabilities[i].name);
	}
}

void moat_resolve_egress_finish(struct moat_resolver *resolver)
{
	struct moat_egress_list *egress = &resolver->policy->network.egress;

	egress->rules = resolver->egress_rules.items;
	egress->count = resolver->egress_rules.count;
	if (egress->present)
		check_capabilities(resolver);
}
