// SPDX-License-Identifier: MIT
/* [filesystem] and [network]: the Landlock layers. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/fs_rights.h"
#include "policy/resolve.h"

/* The rights of one statement: all it grants, those it names, those it marks optional. */
struct statement_rights {
	uint64_t access;
	uint64_t named;
	uint64_t optional;
};

static void report_unknown_right(struct moat_resolver *resolver, const struct moat_ast_word *word,
                                 size_t offset, size_t length)
{
	struct moat_location at = word->location;

	at.column += (unsigned)offset;
	moat_resolve_error(resolver, &at,
	                   "unknown filesystem right '%.*s' (execute write-file "
	                   "read-file read-dir remove-dir remove-file make-char "
	                   "make-dir make-reg make-sock make-fifo make-block make-sym "
	                   "refer truncate ioctl-dev)",
	                   (int)length, word->text + offset);
}

/*
 * One name of a list, `ioctl-dev` or `ioctl-dev?`. A trailing `?` makes a
 * single right optional (granted where the kernel's Landlock has it); a
 * shorthand cannot be, as the rights it implies that a kernel lacks are
 * enforced as far as it can already.
 */
static bool parse_right(struct moat_resolver *resolver, const struct moat_ast_word *word,
                        size_t offset, size_t length, struct statement_rights *rights)
{
	const char *name = word->text + offset;
	bool marked = length > 1 && name[length - 1] == '?';
	size_t name_length = marked ? length - 1 : length;
	uint64_t right;

	if (!moat_policy_fs_right_by_name(name, name_length, &right)) {
		report_unknown_right(resolver, word, offset, name_length);
		return false;
	}
	if (marked && (right & (right - 1))) {
		struct moat_location at = word->location;

		at.column += (unsigned)offset;
		moat_resolve_error(resolver, &at,
		                   "'%.*s' is a shorthand: only a single right can be optional "
		                   "(`ioctl-dev?`)",
		                   (int)name_length, name);
		return false;
	}
	rights->access |= right;
	if (marked)
		rights->optional |= right;
	else
		rights->named |= right;
	return true;
}

/* `read-file,ioctl-dev?`: a comma-separated list; each bad name is reported where it stands. */
static bool parse_rights(struct moat_resolver *resolver, const struct moat_ast_word *word,
                         struct statement_rights *rights)
{
	const char *text = word->text;
	bool valid = true;

	for (size_t offset = 0; text[offset];) {
		size_t length = strcspn(text + offset, ",");

		if (length && !parse_right(resolver, word, offset, length, rights))
			valid = false;
		offset += length + (text[offset + length] == ',');
	}
	return valid;
}

static void add_path_rule(struct moat_resolver *resolver, const struct moat_ast_word *word,
                          const struct statement_rights *rights,
                          const struct moat_statement *statement)
{
	const struct moat_source **source;
	struct moat_path_rule *rule;
	bool optional;
	/* Whether it must exist, and where, is known once every file is read. */
	const char *path = moat_resolve_path(resolver, word, &optional, false);

	if (!path)
		return;
	rule = moat_resolve_push(resolver, &resolver->path_rules, sizeof(*rule));
	source = moat_resolve_push(resolver, &resolver->path_rule_sources, sizeof(*source));
	if (!rule || !source)
		return;
	*source = resolver->source;
	rule->access = rights->access;
	rule->named = rights->named;
	rule->optional_rights = rights->optional;
	rule->path = path;
	rule->optional = optional;
	rule->location = word->location;
	rule->statement = *statement;
}

void moat_resolve_filesystem_statement(struct moat_resolver *resolver,
                                       const struct moat_ast_statement *statement)
{
	const char *keyword = statement->keyword.text;
	struct moat_statement origin;
	size_t first_path = 0;
	struct statement_rights rights = {0, 0, 0};

	if (!strcmp(keyword, "allow")) {
		/* `allow read-file, ioctl-dev /dev/tty`: a list may go on after ", ". */
		while (first_path + 1 < statement->argument_count &&
		       statement->arguments[first_path].text[0] &&
		       statement->arguments[first_path]
		                       .text[strlen(statement->arguments[first_path].text) - 1] ==
		               ',')
			first_path++;
		for (size_t i = 0; i <= first_path; i++)
			if (!parse_rights(resolver, &statement->arguments[i], &rights))
				return;
		/* A right the list names without `?` too is needed all the same. */
		rights.optional &= ~rights.named;
		first_path++;
		if (first_path >= statement->argument_count) {
			moat_resolve_error(resolver, &statement->keyword.location,
			                   "'allow' needs rights and at least one path");
			return;
		}
	} else {
		moat_policy_fs_right_by_name(keyword, strlen(keyword), &rights.access);
	}
	origin = moat_resolve_statement(resolver, statement);
	for (size_t i = first_path; i < statement->argument_count; i++)
		add_path_rule(resolver, &statement->arguments[i], &rights, &origin);
}

/* ---- [network] ------------------------------------------------------- */

static void resolve_ports(struct moat_resolver *resolver,
                          const struct moat_ast_statement *statement, struct moat_port_list *list,
                          struct moat_vector *ports, struct moat_vector *statements)
{
	const struct moat_ast_word *protocol = &statement->arguments[0];
	struct moat_statement origin = moat_resolve_statement(resolver, statement);

	if (strcmp(protocol->text, "tcp") != 0) {
		moat_resolve_error(resolver, &protocol->location,
		                   "unknown protocol '%s' (Landlock restricts tcp only)",
		                   protocol->text);
		return;
	}
	if (!list->present) {
		list->location = statement->keyword.location;
		list->statement = origin;
	}
	list->present = true;
	for (size_t i = 1; i < statement->argument_count; i++) {
		const struct moat_ast_word *word = &statement->arguments[i];
		uint64_t port;
		uint16_t *slot;
		struct moat_statement *slot_statement;

		if (!strcmp(word->text, "none")) {
			if (statement->argument_count > 2)
				moat_resolve_error(resolver, &word->location,
				                   "'none' cannot stand with ports");
			/* `-p app -p no-network` means no network: none drops what came before. */
			ports->count = 0;
			statements->count = 0;
			list->statement = origin;
			continue;
		}
		if (!moat_resolve_number(resolver, word, word->text, false, &port))
			continue;
		if (port > 65535) {
			moat_resolve_error(resolver, &word->location, "port %s is above 65535",
			                   word->text);
			continue;
		}
		slot = moat_resolve_push(resolver, ports, sizeof(*slot));
		slot_statement = moat_resolve_push(resolver, statements, sizeof(*slot_statement));
		if (slot && slot_statement) {
			*slot = (uint16_t)port;
			*slot_statement = origin;
		}
	}
}

static void resolve_scope(struct moat_resolver *resolver,
                          const struct moat_ast_statement *statement)
{
	struct moat_network_section *network = &resolver->policy->network;

	if (!network->scopes)
		network->scope_location = statement->keyword.location;
	for (size_t i = 0; i < statement->argument_count; i++) {
		const struct moat_ast_word *word = &statement->arguments[i];

		if (!strcmp(word->text, "abstract-unix"))
			network->scopes |= MOAT_SCOPE_ABSTRACT_UNIX;
		else if (!strcmp(word->text, "signal"))
			network->scopes |= MOAT_SCOPE_SIGNAL;
		else
			moat_resolve_error(resolver, &word->location,
			                   "unknown scope '%s' (abstract-unix or signal)",
			                   word->text);
	}
}

void moat_resolve_network_statement(struct moat_resolver *resolver,
                                    const struct moat_ast_statement *statement)
{
	struct moat_network_section *network = &resolver->policy->network;
	const char *keyword = statement->keyword.text;

	if (!strcmp(keyword, "connect"))
		resolve_ports(resolver, statement, &network->connect_tcp, &resolver->connect_ports,
		              &resolver->connect_statements);
	else if (!strcmp(keyword, "bind"))
		resolve_ports(resolver, statement, &network->bind_tcp, &resolver->bind_ports,
		              &resolver->bind_statements);
	else if (!strcmp(keyword, "egress"))
		moat_resolve_egress_statement(resolver, statement);
	else
		resolve_scope(resolver, statement);
}

/*
 * A path that does not exist is an error, unless it starts with `?`. With
 * [mounts] the paths name files of the sandbox's new root, which only exists
 * once it is built: they are checked then.
 */
static void check_paths_exist(struct moat_resolver *resolver)
{
	const struct moat_path_rule *rules = resolver->path_rules.items;
	const struct moat_source *const *sources = resolver->path_rule_sources.items;
	struct stat status;

	if (resolver->policy->mounts.present)
		return;
	for (size_t i = 0; i < resolver->path_rules.count; i++) {
		if (rules[i].optional || stat(rules[i].path, &status) == 0)
			continue;
		moat_resolve_report(resolver, MOAT_SEVERITY_ERROR, sources[i], &rules[i].location,
		                    "'%s': %s (write ?PATH to skip a path that may be absent)",
		                    rules[i].path, strerror(errno));
	}
}

void moat_resolve_filesystem_finish(struct moat_resolver *resolver)
{
	struct moat_policy *policy = resolver->policy;

	check_paths_exist(resolver);

	policy->filesystem.rules = resolver->path_rules.items;
	policy->filesystem.count = resolver->path_rules.count;
	policy->network.connect_tcp.ports = resolver->connect_ports.items;
	policy->network.connect_tcp.port_statements = resolver->connect_statements.items;
	policy->network.connect_tcp.count = resolver->connect_ports.count;
	policy->network.bind_tcp.ports = resolver->bind_ports.items;
	policy->network.bind_tcp.port_statements = resolver->bind_statements.items;
	policy->network.bind_tcp.count = resolver->bind_ports.count;
}
