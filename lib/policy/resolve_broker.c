// SPDX-License-Identifier: MIT
/* [broker]: what the supervisor may do for syscalls routed to it with `notify`. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "policy/resolve.h"

static void resolve_open(struct moat_resolver *resolver, const struct moat_ast_statement *statement)
{
	const struct moat_ast_word *mode = &statement->arguments[0];
	struct moat_broker_open *rule;
	const char *path;
	bool write;

	if (!strcmp(mode->text, "read")) {
		write = false;
	} else if (!strcmp(mode->text, "write")) {
		write = true;
	} else {
		moat_resolve_error(resolver, &mode->location,
		                   "expected 'read' or 'write', found '%s'", mode->text);
		return;
	}
	path = moat_resolve_path(resolver, &statement->arguments[1], NULL, true);
	if (!path)
		return;
	rule = moat_resolve_push(resolver, &resolver->broker_opens, sizeof(*rule));
	if (rule) {
		rule->write = write;
		rule->path = path;
		rule->location = statement->keyword.location;
	}
}

static bool parse_port(const char *text, uint16_t *port)
{
	char *end;
	unsigned long value = strtoul(text, &end, 10);

	if (!*text || *end || value > 65535 || text[0] < '0' || text[0] > '9')
		return false;
	*port = (uint16_t)value;
	return true;
}

/* `127.0.0.1:5432` or `[::1]:5432`: numeric addresses only, nothing to look up. */
static bool parse_tcp_address(const char *text, struct moat_broker_connect *rule)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(text, ':');
	size_t length;
	uint16_t port;

	if (!colon || !parse_port(colon + 1, &port))
		return false;
	length = (size_t)(colon - text);
	if (length == 0 || length >= sizeof(host))
		return false;
	memcpy(host, text, length);
	host[length] = '\0';
	if (host[0] == '[' && host[length - 1] == ']') {
		struct sockaddr_in6 *address = (struct sockaddr_in6 *)&rule->address;

		host[length - 1] = '\0';
		address->sin6_family = AF_INET6;
		address->sin6_port = htons(port);
		rule->family = AF_INET6;
		rule->address_length = sizeof(*address);
		return inet_pton(AF_INET6, host + 1, &address->sin6_addr) == 1;
	}
	struct sockaddr_in *address = (struct sockaddr_in *)&rule->address;

	address->sin_family = AF_INET;
	address->sin_port = htons(port);
	rule->family = AF_INET;
	rule->address_length = sizeof(*address);
	return inet_pton(AF_INET, host, &address->sin_addr) == 1;
}

static bool unix_address(struct moat_resolver *resolver, const struct moat_ast_word *word,
                         struct moat_broker_connect *rule)
{
	struct sockaddr_un *address = (struct sockaddr_un *)&rule->address;
	/* The socket may appear only once the sandbox runs; it need not exist yet. */
	const char *path = moat_resolve_path(resolver, word, NULL, false);

	if (!path)
		return false;
	if (strlen(path) >= sizeof(address->sun_path)) {
		moat_resolve_error(resolver, &word->location,
		                   "unix socket path is longer than %zu bytes",
		                   sizeof(address->sun_path) - 1);
		return false;
	}
	address->sun_family = AF_UNIX;
	strcpy(address->sun_path, path);
	rule->family = AF_UNIX;
	rule->address_length =
	        (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
	return true;
}

static void resolve_connect(struct moat_resolver *resolver,
                            const struct moat_ast_statement *statement)
{
	const struct moat_ast_word *kind = &statement->arguments[0];
	const struct moat_ast_word *target = &statement->arguments[1];
	struct moat_broker_connect rule = {.location = statement->keyword.location};
	struct moat_broker_connect *slot;

	if (!strcmp(kind->text, "tcp")) {
		const char *text = moat_resolve_text(resolver, target);

		if (!text)
			return;
		if (!parse_tcp_address(text, &rule)) {
			moat_resolve_error(resolver, &target->location,
			                   "expected ADDRESS:PORT such as 127.0.0.1:5432 or "
			                   "[::1]:5432, found '%s'",
			                   text);
			return;
		}
	} else if (!strcmp(kind->text, "unix")) {
		if (!unix_address(resolver, target, &rule))
			return;
	} else {
		moat_resolve_error(resolver, &kind->location,
		                   "expected 'tcp' or 'unix', found '%s'", kind->text);
		return;
	}
	slot = moat_resolve_push(resolver, &resolver->broker_connects, sizeof(*slot));
	if (slot)
		*slot = rule;
}

void moat_resolve_broker_statement(struct moat_resolver *resolver,
                                   const struct moat_ast_statement *statement)
{
	if (!resolver->broker_source)
		resolver->broker_source = resolver->source;
	if (!strcmp(statement->keyword.text, "open"))
		resolve_open(resolver, statement);
	else
		resolve_connect(resolver, statement);
}

void moat_resolve_broker_finish(struct moat_resolver *resolver)
{
	struct moat_policy *policy = resolver->policy;
	struct moat_broker_section *broker = &policy->broker;

	broker->opens = resolver->broker_opens.items;
	broker->open_count = resolver->broker_opens.count;
	broker->connects = resolver->broker_connects.items;
	broker->connect_count = resolver->broker_connects.count;
	if ((broker->open_count || broker->connect_count) && !policy->syscalls.has_notify) {
		const struct moat_location *at = broker->open_count ? &broker->opens[0].location
		                                                    : &broker->connects[0].location;

		moat_resolve_report(resolver, MOAT_SEVERITY_WARNING, resolver->broker_source, at,
		                    "[broker] rules are unused: no syscall is routed to the "
		                    "supervisor (add `notify openat` or `notify connect` to "
		                    "[syscalls])");
	}
}
