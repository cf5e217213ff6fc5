// SPDX-License-Identifier: MIT
/*
 * The policy printer. Statements are written one a line, long lists split
 * into several statements of the same kind (the language adds them up), so
 * the text stays readable and diffs well.
 */
#include "policy/print.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>

#include "policy/constants.h"
#include "policy/fs_rights.h"
#include "seccomp/action.h"

/* Where a statement's list is cut into another statement. */
#define LINE_WIDTH 76

struct value_family {
	const char *syscall;
	unsigned arg;
	const char *prefixes[3]; /* tried in order */
};

/* Arguments whose values have one family of names; the rest print as numbers. */
static const struct value_family families[] = {
        {"socket", 0, {"AF_", NULL, NULL}},     {"socket", 1, {"SOCK_", NULL, NULL}},
        {"socketpair", 0, {"AF_", NULL, NULL}}, {"socketpair", 1, {"SOCK_", NULL, NULL}},
        {"ioctl", 1, {"TC", "TIOC", "FIO"}},    {"prctl", 0, {"PR_SET_", "PR_GET_", "PR_"}},
        {"fcntl", 1, {"F_", NULL, NULL}},
};

/* Aliases that name the same value as a better known name. */
static bool is_alias(const char *name)
{
	return !strcmp(name, "AF_LOCAL") || !strcmp(name, "AF_FILE") ||
	       !strcmp(name, "SOCK_NONBLOCK") || !strcmp(name, "SOCK_CLOEXEC");
}

static const char *name_with_prefix(const char *prefix, uint64_t value)
{
	size_t count, length = strlen(prefix);
	const struct moat_constant *table = moat_constant_table(&count);

	for (size_t i = 0; i < count; i++) {
		if (table[i].value == value && !strncmp(table[i].name, prefix, length) &&
		    !is_alias(table[i].name))
			return table[i].name;
	}
	return NULL;
}

static const char *value_name(const char *syscall, unsigned arg, uint64_t value)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		if (strcmp(families[i].syscall, syscall) != 0 || families[i].arg != arg)
			continue;
		for (size_t p = 0; p < 3 && families[i].prefixes[p]; p++) {
			const char *name = name_with_prefix(families[i].prefixes[p], value);

			if (name)
				return name;
		}
	}
	return NULL;
}

int moat_policy_print_value(char *buffer, size_t size, const char *name, unsigned arg,
                            uint64_t value)
{
	const char *constant = name ? value_name(name, arg, value) : NULL;

	if (constant)
		return snprintf(buffer, size, "%s", constant);
	if (value < 10)
		return snprintf(buffer, size, "%" PRIu64, value);
	return snprintf(buffer, size, "0x%" PRIx64, value);
}

static void print_action(FILE *out, const struct moat_action *action)
{
	fputs(moat_seccomp_action_keyword(action->kind), out);
	if (action->kind == MOAT_ACTION_ERRNO) {
		const char *name = moat_errno_name(action->errno_value);

		if (name)
			fprintf(out, " %s", name);
		else
			fprintf(out, " %d", action->errno_value);
	}
}

static const char *const operators[] = {
        [MOAT_COMPARE_EQ] = "==", [MOAT_COMPARE_NE] = "!=", [MOAT_COMPARE_LT] = "<",
        [MOAT_COMPARE_LE] = "<=", [MOAT_COMPARE_GT] = ">",  [MOAT_COMPARE_GE] = ">=",
};

static void print_comparison(FILE *out, const char *syscall, const struct moat_comparison *c)
{
	char value[64];

	fprintf(out, "arg%u ", c->arg);
	if (c->mask != UINT64_MAX)
		fprintf(out, "& 0x%" PRIx64 " ", c->mask);
	if (c->op == MOAT_COMPARE_IN) {
		fputs("in {", out);
		for (size_t i = 0; i < c->set_count; i++) {
			moat_policy_print_value(value, sizeof(value), syscall, c->arg, c->set[i]);
			fprintf(out, "%s%s", i ? ", " : "", value);
		}
		fputc('}', out);
		return;
	}
	moat_policy_print_value(value, sizeof(value), syscall, c->arg, c->value);
	fprintf(out, "%s %s", operators[c->op], value);
}

static void print_condition(FILE *out, const char *syscall, const struct moat_condition *condition)
{
	fputs(" if ", out);
	for (size_t i = 0; i < condition->count; i++) {
		const struct moat_conjunction *conjunction = &condition->conjunctions[i];

		if (i)
			fputs(" || ", out);
		for (size_t j = 0; j < conjunction->count; j++) {
			if (j)
				fputs(" && ", out);
			print_comparison(out, syscall, &conjunction->comparisons[j]);
		}
	}
}

static bool same_action(const struct moat_action *a, const struct moat_action *b)
{
	return a->kind == b->kind &&
	       (a->kind != MOAT_ACTION_ERRNO || a->errno_value == b->errno_value);
}

/* One statement per comment or condition, the others grouped by action. */
static void print_unconditional(FILE *out, const struct moat_print_document *document,
                                const struct moat_action *action)
{
	const struct moat_syscalls_section *section = document->syscalls;
	int column = 0;

	for (size_t i = 0; i < section->count; i++) {
		const struct moat_syscall_rules *rules = &section->syscalls[i];
		const char *comment =
		        document->syscall_comments ? document->syscall_comments[i] : NULL;

		if (!rules->unconditional || comment ||
		    !same_action(&rules->unconditional->action, action))
			continue;
		if (column && column + 1 + (int)strlen(rules->name) > LINE_WIDTH) {
			fputc('\n', out);
			column = 0;
		}
		if (!column) {
			print_action(out, action);
			column = (int)strlen(moat_seccomp_action_keyword(action->kind)) + 4;
		}
		column += fprintf(out, " %s", rules->name);
	}
	if (column)
		fputc('\n', out);
}

static void print_syscalls(FILE *out, const struct moat_print_document *document)
{
	const struct moat_syscalls_section *section = document->syscalls;
	static const struct moat_action kinds[] = {
	        {MOAT_ACTION_ALLOW, 0}, {MOAT_ACTION_LOG, 0},         {MOAT_ACTION_NOTIFY, 0},
	        {MOAT_ACTION_TRAP, 0},  {MOAT_ACTION_KILL_THREAD, 0}, {MOAT_ACTION_KILL_PROCESS, 0},
	};

	fputs("\n[syscalls]\ndefault ", out);
	print_action(out, &section->default_action);
	fputc('\n', out);
	for (size_t i = 0; i < document->syscall_statement_count; i++)
		fprintf(out, "%s\n", document->syscall_statements[i]);
	for (size_t i = 0; i < section->count; i++) {
		const struct moat_syscall_rules *rules = &section->syscalls[i];
		const char *comment =
		        document->syscall_comments ? document->syscall_comments[i] : NULL;

		if (comment)
			fprintf(out, "# %s\n", comment);
		if (comment && rules->unconditional) {
			print_action(out, &rules->unconditional->action);
			fprintf(out, " %s\n", rules->name);
		}
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		print_unconditional(out, document, &kinds[i]);
	for (size_t i = 0; i < section->count; i++) {
		const struct moat_syscall_rules *rules = &section->syscalls[i];

		for (size_t j = 0; j < rules->conditional_count; j++) {
			print_action(out, &rules->conditional[j].action);
			fprintf(out, " %s", rules->name);
			print_condition(out, rules->name, rules->conditional[j].condition);
			fputc('\n', out);
		}
	}
	/* Errno actions are rare in printed policies: one statement each. */
	for (size_t i = 0; i < section->count; i++) {
		const struct moat_syscall_rules *rules = &section->syscalls[i];

		if (rules->unconditional &&
		    rules->unconditional->action.kind == MOAT_ACTION_ERRNO) {
			print_action(out, &rules->unconditional->action);
			fprintf(out, " %s\n", rules->name);
		}
	}
}

static void print_quoted(FILE *out, const char *text)
{
	fputc('"', out);
	for (const char *c = text; *c; c++) {
		if (*c == '"' || *c == '\\')
			fputc('\\', out);
		fputc(*c, out);
	}
	fputc('"', out);
}

/* A path as a word, or quoted when it holds characters a word cannot. */
static void print_path(FILE *out, const char *path, bool optional)
{
	bool plain = true;

	for (const char *c = path; *c; c++) {
		if (!strchr("_@./:,=+-", *c) &&
		    !((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9')))
			plain = false;
	}
	fputs(optional ? "?" : "", out);
	if (plain)
		fputs(path, out);
	else
		print_quoted(out, path);
}

/* `read`, `write`, `exec`, or `allow RIGHT,RIGHT?`; returns the width written. */
static int print_access(FILE *out, uint64_t access, uint64_t optional)
{
	int width = 0;

	if (!optional && access == MOAT_FS_READ)
		return fprintf(out, "read");
	if (!optional && access == MOAT_FS_WRITE)
		return fprintf(out, "write");
	if (!optional && access == MOAT_FS_EXEC)
		return fprintf(out, "exec");
	width += fprintf(out, "allow ");
	for (unsigned bit = 0, written = 0; bit < 64; bit++) {
		const char *name = moat_policy_fs_right_name(1ULL << bit);

		if ((access & (1ULL << bit)) && name)
			width += fprintf(out, "%s%s%s", written++ ? "," : "", name,
			                 optional & (1ULL << bit) ? "?" : "");
	}
	return width;
}

static void print_filesystem(FILE *out, const struct moat_filesystem_section *section)
{
	int column = 0;

	fputs("\n[filesystem]\n", out);
	for (size_t i = 0; i < section->count; i++) {
		const struct moat_path_rule *rule = &section->rules[i];
		bool same = i && section->rules[i - 1].access == rule->access &&
		            section->rules[i - 1].optional_rights == rule->optional_rights;

		if (column && (!same || column + 1 + (int)strlen(rule->path) > LINE_WIDTH)) {
			fputc('\n', out);
			column = 0;
		}
		if (!column)
			column = print_access(out, rule->access, rule->optional_rights);
		fputc(' ', out);
		print_path(out, rule->path, rule->optional);
		column += 1 + (int)strlen(rule->path);
	}
	if (column)
		fputc('\n', out);
}

static void print_ports(FILE *out, const char *verb, const struct moat_port_list *list)
{
	if (!list->present)
		return;
	fprintf(out, "%s tcp", verb);
	if (list->count == 0)
		fputs(" none", out);
	for (size_t i = 0; i < list->count; i++)
		fprintf(out, " %u", list->ports[i]);
	fputc('\n', out);
}

/* One line per port range: `egress ADDRESS/PREFIX tcp|udp FIRST[-LAST]`. */
static void print_egress(FILE *out, const struct moat_egress_list *list)
{
	char address[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < list->count; i++) {
		const struct moat_egress_rule *rule = &list->rules[i];

		inet_ntop(rule->family, rule->address, address, sizeof(address));
		fprintf(out, "egress %s/%u %s %u", address, rule->prefix,
		        rule->protocol == IPPROTO_TCP ? "tcp" : "udp", rule->first_port);
		if (rule->last_port != rule->first_port)
			fprintf(out, "-%u", rule->last_port);
		fputc('\n', out);
	}
}

static void print_network(FILE *out, const struct moat_network_section *section)
{
	fputs("\n[network]\n", out);
	print_ports(out, "connect", &section->connect_tcp);
	print_ports(out, "bind", &section->bind_tcp);
	print_egress(out, &section->egress);
	if (section->scopes) {
		fputs("scope", out);
		if (section->scopes & MOAT_SCOPE_ABSTRACT_UNIX)
			fputs(" abstract-unix", out);
		if (section->scopes & MOAT_SCOPE_SIGNAL)
			fputs(" signal", out);
		fputc('\n', out);
	}
}

static void print_include(FILE *out, const char *include)
{
	if (strchr(include, '/') || strstr(include, ".policy")) {
		fputs("include ", out);
		print_quoted(out, include);
		fputc('\n', out);
		return;
	}
	fprintf(out, "include %s\n", include);
}

int moat_policy_print(FILE *out, const struct moat_print_document *document)
{
	fputs("moat 1\n", out);
	for (size_t i = 0; i < document->header_comment_count; i++)
		fprintf(out, "# %s\n", document->header_comments[i]);
	for (size_t i = 0; i < document->include_count; i++)
		print_include(out, document->includes[i]);
	if (document->syscalls && document->syscalls->present)
		print_syscalls(out, document);
	if (document->filesystem && document->filesystem->present)
		print_filesystem(out, document->filesystem);
	if (document->network && document->network->present)
		print_network(out, document->network);
	return ferror(out) ? -EIO : 0;
}
