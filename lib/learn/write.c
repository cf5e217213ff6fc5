// SPDX-License-Identifier: MIT
/*
 * Observations -> IR -> text. The learned policy is built as IR sections
 * ([syscalls], [filesystem], [network]) and written by the one printer
 * (policy/print.h). With BASE policies, what they already allow is left
 * out: syscalls through BASE's compiled filter (a rule must allow them, not
 * BASE's default, which the learned `default kill` replaces), paths and
 * ports through the decision functions, when BASE has the section at all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "learn/learn.h"
#include "policy/groups.h"
#include "policy/print.h"
#include "syscalls/syscalls.h"
#include "util/arena.h"
#include "util/error.h"

struct builder {
	struct moat_arena arena;
	const struct moat_learn_write_options *options;
	moat_filter *base_filter; /* NULL without BASE or its [syscalls] */
	struct moat_syscall_rules *syscalls;
	const char **comments;
	size_t syscall_count;
	struct moat_path_rule *paths;
	size_t path_count;
	struct moat_network_section network;
};

static const struct moat_action allow = {MOAT_ACTION_ALLOW, 0};

/* ---- [syscalls] ------------------------------------------------------------ */

static bool in_default_deny(const char *name)
{
	const struct moat_group *group = moat_group_find("default-deny");

	for (size_t i = 0; group && i < group->member_count; i++) {
		if (!strcmp(group->members[i].syscall, name))
			return true;
	}
	return false;
}

/* The arguments a signature stands for, as moat_learn_signature() packed them. */
static void signature_arguments(const char *name, uint64_t value, uint64_t args[6])
{
	memset(args, 0, 6 * sizeof(*args));
	if (!strcmp(name, "socket") || !strcmp(name, "socketpair")) {
		args[0] = value >> 32;
		args[1] = value & 0xf;
	} else if (!strcmp(name, "ioctl")) {
		args[1] = value;
	} else {
		args[0] = value;
	}
}

/* BASE allows the call by a rule (its `default` is replaced by the learned one). */
static bool base_allows(const struct builder *builder, int number, const uint64_t args[6])
{
	const struct moat_syscalls_section *section;
	struct moat_decision decision;

	if (!builder->base_filter)
		return false;
	section = &((const struct moat_policy *)builder->options->base)->syscalls;
	moat_decide_syscall(builder->base_filter, number, args, &decision);
	return decision.allowed && decision.location.line != 0 &&
	       !(decision.location.line == section->default_location.line &&
	         decision.location.column == section->default_location.column &&
	         decision.location.file == section->default_location.file);
}

/*
 * For a call whose arguments were not recorded: BASE allows it whatever
 * they are, by an unconditional rule with no conditional rule before it.
 */
static bool base_allows_always(const struct builder *builder, int number)
{
	const struct moat_syscalls_section *section;

	if (!builder->base_filter)
		return false;
	section = &((const struct moat_policy *)builder->options->base)->syscalls;
	for (size_t i = 0; i < section->count; i++) {
		const struct moat_syscall_rules *rules = &section->syscalls[i];

		if (rules->number != number)
			continue;
		return rules->conditional_count == 0 && rules->unconditional &&
		       (rules->unconditional->action.kind == MOAT_ACTION_ALLOW ||
		        rules->unconditional->action.kind == MOAT_ACTION_LOG);
	}
	return false;
}

static struct moat_comparison *comparisons(struct builder *builder, size_t count)
{
	return moat_arena_array(&builder->arena, count, sizeof(struct moat_comparison));
}

/* `arg0 == DOMAIN && arg1 & 0xf == TYPE || ...` for socket. */
static struct moat_condition *socket_condition(struct builder *builder, const uint64_t *values,
                                               size_t count)
{
	struct moat_condition *condition = moat_arena_alloc(&builder->arena, sizeof(*condition));
	struct moat_conjunction *conjunctions =
	        moat_arena_array(&builder->arena, count, sizeof(*conjunctions));

	if (!condition || !conjunctions)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		struct moat_comparison *pair = comparisons(builder, 2);

		if (!pair)
			return NULL;
		pair[0] = (struct moat_comparison){.arg = 0,
		                                   .mask = UINT64_MAX,
		                                   .op = MOAT_COMPARE_EQ,
		                                   .value = values[i] >> 32};
		pair[1] = (struct moat_comparison){
		        .arg = 1, .mask = 0xf, .op = MOAT_COMPARE_EQ, .value = values[i] & 0xf};
		conjunctions[i] = (struct moat_conjunction){pair, 2};
	}
	*condition = (struct moat_condition){conjunctions, count};
	return condition;
}

/* `argN in {...}` for ioctl, prctl and clone. */
static struct moat_condition *set_condition(struct builder *builder, const char *name,
                                            const uint64_t *values, size_t count)
{
	struct moat_condition *condition = moat_arena_alloc(&builder->arena, sizeof(*condition));
	struct moat_conjunction *conjunction =
	        moat_arena_alloc(&builder->arena, sizeof(*conjunction));
	struct moat_comparison *in = comparisons(builder, 1);
	uint64_t *set = moat_arena_copy(&builder->arena, values, count * sizeof(*values));

	if (!condition || !conjunction || !in || !set)
		return NULL;
	*in = (struct moat_comparison){.arg = strcmp(name, "ioctl") ? 0 : 1,
	                               .mask = UINT64_MAX,
	                               .op = MOAT_COMPARE_IN,
	                               .set = set,
	                               .set_count = count};
	*conjunction = (struct moat_conjunction){in, 1};
	*condition = (struct moat_condition){conjunction, 1};
	return condition;
}

static int add_rule(struct builder *builder, int number, const char *name,
                    const struct moat_condition *condition, const char *comment)
{
	struct moat_syscall_rule *rule = moat_arena_alloc(&builder->arena, sizeof(*rule));
	struct moat_syscall_rules *rules = &builder->syscalls[builder->syscall_count];

	if (!rule)
		return -ENOMEM;
	rule->action = allow;
	rule->condition = condition;
	memset(rules, 0, sizeof(*rules));
	rules->number = number;
	rules->name = name;
	if (condition) {
		rules->conditional = rule;
		rules->conditional_count = 1;
	} else {
		rules->unconditional = rule;
	}
	builder->comments[builder->syscall_count++] = comment;
	return 0;
}

static int add_syscall(struct builder *builder, int number,
                       const struct moat_learn_syscall *observed)
{
	const char *name = moat_syscall_name(number);
	uint64_t args[6] = {0}, *missing;
	size_t missing_count = 0;
	const struct moat_condition *condition;

	if (!name)
		return 0;
	if (in_default_deny(name))
		return add_rule(builder, number, name, NULL,
		                moat_arena_strdup(&builder->arena,
		                                  "in @default-deny, but the program used it"));
	if (observed->any_value || observed->value_count == 0)
		return base_allows_always(builder, number)
		               ? 0
		               : add_rule(builder, number, name, NULL, NULL);
	missing = moat_arena_array(&builder->arena, observed->value_count, sizeof(*missing));
	if (!missing)
		return -ENOMEM;
	for (size_t i = 0; i < observed->value_count; i++) {
		signature_arguments(name, observed->values[i], args);
		if (!base_allows(builder, number, args))
			missing[missing_count++] = observed->values[i];
	}
	if (missing_count == 0)
		return 0;
	if (!strcmp(name, "socket") || !strcmp(name, "socketpair"))
		condition = socket_condition(builder, missing, missing_count);
	else
		condition = set_condition(builder, name, missing, missing_count);
	return condition ? add_rule(builder, number, name, condition, NULL) : -ENOMEM;
}

static int build_syscalls(struct builder *builder, const struct moat_learn_observations *observed)
{
	builder->syscalls = moat_arena_array(&builder->arena, observed->syscall_limit,
	                                     sizeof(*builder->syscalls));
	builder->comments = moat_arena_array(&builder->arena, observed->syscall_limit,
	                                     sizeof(*builder->comments));
	if (!builder->syscalls || !builder->comments)
		return -ENOMEM;
	for (size_t number = 0; number < observed->syscall_limit; number++) {
		int result;

		if (!observed->syscalls[number].used)
			continue;
		result = add_syscall(builder, (int)number, &observed->syscalls[number]);
		if (result < 0)
			return result;
	}
	return 0;
}

/* ---- [filesystem] ---------------------------------------------------------- */

static const struct {
	unsigned kind;
	uint64_t access;
	uint64_t optional_rights; /* written `RIGHT?`: given up where Landlock lacks it */
	const char *rights;       /* as moat_decide_path() takes them */
} grant_kinds[] = {
        {MOAT_LEARN_GRANT_READ, MOAT_FS_READ, 0, "read"},
        {MOAT_LEARN_GRANT_WRITE, MOAT_FS_WRITE, 0, "write"},
        {MOAT_LEARN_GRANT_EXEC, MOAT_FS_EXEC, 0, "exec"},
        {MOAT_LEARN_GRANT_LIST, MOAT_FS_READ_DIR, 0, "read-dir"},
        /*
         * `ioctl-dev?`: the learned policy keeps running under compat strict
         * below Landlock ABI 5, where only the harmless ioctls the seccomp
         * closure lets through pass, never more than written.
         */
        {MOAT_LEARN_GRANT_IOCTL, MOAT_FS_IOCTL_DEV, MOAT_FS_IOCTL_DEV, "ioctl-dev"},
};

static bool base_grants_path(const struct builder *builder, const char *path, const char *rights)
{
	const moat_policy *base = builder->options->base;
	struct moat_decision decision;
	struct moat_error error;

	if (!base || !((const struct moat_policy *)base)->filesystem.present)
		return false;
	return moat_decide_path(base, path, rights, &decision, &error) == 0 && decision.allowed;
}

static int build_filesystem(struct builder *builder, const struct moat_learn_grant *grants,
                            size_t count)
{
	size_t kinds = sizeof(grant_kinds) / sizeof(grant_kinds[0]);

	builder->paths =
	        moat_arena_array(&builder->arena, count * kinds + 1, sizeof(*builder->paths));
	if (!builder->paths)
		return -ENOMEM;
	for (size_t k = 0; k < kinds; k++) {
		for (size_t i = 0; i < count; i++) {
			struct moat_path_rule *rule = &builder->paths[builder->path_count];

			if (!(grants[i].kinds & grant_kinds[k].kind) ||
			    base_grants_path(builder, grants[i].path, grant_kinds[k].rights))
				continue;
			rule->access = grant_kinds[k].access;
			rule->optional_rights = grant_kinds[k].optional_rights;
			rule->path = moat_arena_strdup(&builder->arena, grants[i].path);
			if (!rule->path)
				return -ENOMEM;
			builder->path_count++;
		}
	}
	return 0;
}

/* ---- [network] ------------------------------------------------------------- */

/* The ports BASE does not allow; `none` when the program never did this. */
static int build_ports(struct builder *builder, struct moat_port_list *list,
                       enum moat_port_access access, const uint16_t *ports, size_t count,
                       bool used_tcp)
{
	const moat_policy *base = builder->options->base;
	const struct moat_network_section *base_network =
	        base ? &((const struct moat_policy *)base)->network : NULL;
	const struct moat_port_list *base_list =
	        base_network ? (access == MOAT_PORT_CONNECT ? &base_network->connect_tcp
	                                                    : &base_network->bind_tcp)
	                     : NULL;
	uint16_t *missing = moat_arena_array(&builder->arena, count + 1, sizeof(*missing));
	size_t missing_count = 0;

	if (!missing)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		struct moat_decision decision;
		struct moat_error error;

		if (base_list && base_list->present &&
		    moat_decide_port(base, access, ports[i], &decision, &error) == 0 &&
		    decision.allowed)
			continue;
		missing[missing_count++] = ports[i];
	}
	list->ports = missing;
	list->count = missing_count;
	list->present =
	        missing_count > 0 || (used_tcp && count == 0 && !(base_list && base_list->present));
	return 0;
}

static int build_network(struct builder *builder, const struct moat_learn_observations *observed)
{
	bool used_tcp = observed->connect_tcp || observed->bind_tcp;
	int result;

	if (!used_tcp)
		return 0;
	result = build_ports(builder, &builder->network.connect_tcp, MOAT_PORT_CONNECT,
	                     observed->connect_ports, observed->connect_count, used_tcp);
	if (result == 0)
		result = build_ports(builder, &builder->network.bind_tcp, MOAT_PORT_BIND,
		                     observed->bind_ports, observed->bind_count, used_tcp);
	builder->network.present =
	        builder->network.connect_tcp.present || builder->network.bind_tcp.present;
	return result;
}

/* ---- the document ------------------------------------------------------------ */

static int print_document(struct builder *builder, const struct moat_learn_observations *observed,
                          FILE *out)
{
	const struct moat_learn_write_options *options = builder->options;
	struct moat_syscalls_section syscalls = {
	        .present = true,
	        .default_action = {MOAT_ACTION_KILL_PROCESS, 0},
	        .syscalls = builder->syscalls,
	        .count = builder->syscall_count,
	};
	struct moat_filesystem_section filesystem = {
	        .present = true, .rules = builder->paths, .count = builder->path_count};
	static const char *const kill_default_deny[] = {"kill @default-deny"};
	char learned[512], counted[128];
	const char *comments[2] = {learned, counted};
	struct moat_print_document document = {
	        .header_comments = comments,
	        .header_comment_count = 2,
	        .includes = options->includes,
	        .include_count = options->include_count,
	        .syscalls = &syscalls,
	        .syscall_statements = kill_default_deny,
	        .syscall_statement_count = 1,
	        .syscall_comments = builder->comments,
	        .filesystem = &filesystem,
	        .network = &builder->network,
	};

	snprintf(learned, sizeof(learned), "Learned by `moat learn` from: %.400s",
	         options->command ? options->command : "(a program)");
	snprintf(counted, sizeof(counted),
	         "%zu calls seen; grants collapsed as docs/learning.md describes",
	         observed->notification_count);
	return moat_policy_print(out, &document);
}

int moat_learn_write(const struct moat_learn_observations *observations,
                     const struct moat_learn_write_options *options, FILE *out,
                     struct moat_error *error)
{
	struct builder builder = {.options = options};
	struct moat_learn_grant *grants = NULL;
	size_t grant_count = 0;
	int result = 0;

	if (options->base && ((const struct moat_policy *)options->base)->syscalls.present)
		result = moat_filter_compile(&builder.base_filter, options->base, error);
	if (result == 0)
		result = moat_learn_grants(observations, options->home, &grants, &grant_count,
		                           error);
	if (result == 0)
		result = build_syscalls(&builder, observations);
	if (result == 0)
		result = build_filesystem(&builder, grants, grant_count);
	if (result == 0)
		result = build_network(&builder, observations);
	if (result == 0)
		result = print_document(&builder, observations, out);
	if (result == -ENOMEM)
		moat_error_set(error, result, "out of memory");
	else if (result == -EIO)
		moat_error_set(error, result, "cannot write the learned policy");
	for (size_t i = 0; i < grant_count; i++)
		free(grants[i].path);
	free(grants);
	moat_filter_free(builder.base_filter);
	moat_arena_release(&builder.arena);
	return result;
}
