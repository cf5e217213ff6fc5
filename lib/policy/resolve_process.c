// SPDX-License-Identifier: MIT
/* [limits] and [process]: resource limits and the hygiene of the sandboxed process. */
#include <string.h>

#include "policy/constants.h"
#include "policy/resolve.h"

static const struct {
	const char *name;
	enum moat_limit_resource resource;
	bool size; /* takes K/M/G */
} limits[] = {
        {"as", MOAT_LIMIT_AS, true},           {"cpu", MOAT_LIMIT_CPU, false},
        {"data", MOAT_LIMIT_DATA, true},       {"fsize", MOAT_LIMIT_FSIZE, true},
        {"nofile", MOAT_LIMIT_NOFILE, false},  {"nproc", MOAT_LIMIT_NPROC, false},
        {"stack", MOAT_LIMIT_STACK, true},     {"core", MOAT_LIMIT_CORE, true},
        {"memlock", MOAT_LIMIT_MEMLOCK, true},
};

static bool limit_value(struct moat_resolver *resolver, const struct moat_ast_word *word, bool size,
                        uint64_t *value)
{
	if (!strcmp(word->text, "unlimited") || !strcmp(word->text, "infinity")) {
		*value = MOAT_LIMIT_UNLIMITED;
		return true;
	}
	return moat_resolve_number(resolver, word, word->text, size, value);
}

void moat_resolve_limits_statement(struct moat_resolver *resolver,
                                   const struct moat_ast_statement *statement)
{
	struct moat_limit limit = {.present = true, .location = statement->keyword.location};
	struct moat_limit *current;
	size_t i = 0;

	while (strcmp(limits[i].name, statement->keyword.text))
		i++;
	if (!limit_value(resolver, &statement->arguments[0], limits[i].size, &limit.soft))
		return;
	limit.hard = limit.soft;
	if (statement->argument_count == 2 &&
	    !limit_value(resolver, &statement->arguments[1], limits[i].size, &limit.hard))
		return;
	if (limit.soft > limit.hard) {
		moat_resolve_error(resolver, &statement->arguments[0].location,
		                   "the soft limit is above the hard limit");
		return;
	}
	current = &resolver->policy->limits.limits[limits[i].resource];
	if (moat_resolve_override(resolver, &resolver->limit_origins[limits[i].resource],
	                          &statement->keyword.location,
	                          moat_resolve_statement_text(resolver, statement), limits[i].name))
		*current = limit;
}

/* ---- [process] ------------------------------------------------------- */

static void add_names(struct moat_resolver *resolver, struct moat_vector *list,
                      const struct moat_ast_statement *statement)
{
	for (size_t i = 1; i < statement->argument_count; i++) {
		const char *text = moat_resolve_text(resolver, &statement->arguments[i]);
		const char **slot;

		if (!text)
			continue;
		slot = moat_resolve_push(resolver, list, sizeof(*slot));
		if (slot)
			*slot = text;
	}
}

/* `env set NAME=VALUE`: a later value for a NAME replaces the earlier one. */
static void add_assignment(struct moat_resolver *resolver, const struct moat_ast_word *word)
{
	const char *text = moat_resolve_text(resolver, word);
	const char **entries = resolver->environment_set.items;
	const char **slot;
	size_t name_length;

	if (!text)
		return;
	name_length = strcspn(text, "=");
	if (name_length == 0 || text[name_length] != '=') {
		moat_resolve_error(resolver, &word->location, "expected NAME=VALUE, found '%s'",
		                   text);
		return;
	}
	for (size_t i = 0; i < resolver->environment_set.count; i++) {
		if (!strncmp(entries[i], text, name_length + 1)) {
			entries[i] = text;
			return;
		}
	}
	slot = moat_resolve_push(resolver, &resolver->environment_set, sizeof(*slot));
	if (slot)
		*slot = text;
}

static void set_environment_mode(struct moat_resolver *resolver,
                                 const struct moat_ast_statement *statement,
                                 enum moat_environment_mode mode)
{
	struct moat_process_section *process = &resolver->policy->process;

	const char *value = statement->arguments[0].text;

	/* Several `env keep` lines in one file add up; they do not repeat a setting. */
	if (moat_resolve_set_here(resolver, &resolver->environment_origin, value))
		return;
	if (moat_resolve_override(resolver, &resolver->environment_origin,
	                          &statement->keyword.location, value, "env mode"))
		process->environment = mode;
}

static void resolve_environment(struct moat_resolver *resolver,
                                const struct moat_ast_statement *statement)
{
	const struct moat_ast_word *mode = &statement->arguments[0];

	if (!strcmp(mode->text, "clear") && statement->argument_count == 1) {
		set_environment_mode(resolver, statement, MOAT_ENVIRONMENT_CLEAR);
	} else if (!strcmp(mode->text, "keep") && statement->argument_count > 1) {
		set_environment_mode(resolver, statement, MOAT_ENVIRONMENT_KEEP);
		add_names(resolver, &resolver->environment_keep, statement);
	} else if (!strcmp(mode->text, "set") && statement->argument_count > 1) {
		for (size_t i = 1; i < statement->argument_count; i++)
			add_assignment(resolver, &statement->arguments[i]);
	} else {
		moat_resolve_error(
		        resolver, &mode->location,
		        "use `env clear`, `env keep NAME...` or `env set NAME=VALUE...`");
	}
}

static void resolve_capabilities(struct moat_resolver *resolver,
                                 const struct moat_ast_statement *statement)
{
	struct moat_process_section *process = &resolver->policy->process;
	const struct moat_ast_word *mode = &statement->arguments[0];
	uint64_t keep = 0;

	if (!strcmp(mode->text, "none") && statement->argument_count == 1) {
		keep = 0;
	} else if (!strcmp(mode->text, "keep") && statement->argument_count > 1) {
		for (size_t i = 1; i < statement->argument_count; i++) {
			const struct moat_ast_word *word = &statement->arguments[i];
			int number = moat_capability_number(word->text);

			if (number < 0 || number > 63) {
				const char *suggestion = moat_capability_suggest(word->text);

				moat_resolve_error(
				        resolver, &word->location, "unknown capability '%s'%s%s%s",
				        word->text, suggestion ? "; did you mean '" : "",
				        suggestion ? suggestion : "", suggestion ? "'?" : "");
				return;
			}
			keep |= 1ULL << number;
		}
	} else {
		moat_resolve_error(resolver, &mode->location,
		                   "use `capabilities none` or `capabilities keep CAP_NAME...`");
		return;
	}
	if (moat_resolve_override(
	            resolver, &resolver->capabilities_origin, &statement->keyword.location,
	            moat_resolve_statement_text(resolver, statement), "capabilities")) {
		process->capabilities_keep = keep;
		process->capabilities_location = statement->keyword.location;
	}
}

static void resolve_cwd(struct moat_resolver *resolver, const struct moat_ast_word *word)
{
	struct moat_process_section *process = &resolver->policy->process;
	/* The directory may exist only inside the sandbox's own mount tree. */
	const char *path = moat_resolve_path(resolver, word, NULL, false);

	if (path &&
	    moat_resolve_override(resolver, &resolver->cwd_origin, &word->location, path, "cwd")) {
		process->cwd = path;
		process->cwd_location = word->location;
	}
}

static void resolve_flag(struct moat_resolver *resolver, const struct moat_ast_statement *statement,
                         struct moat_origin *origin, bool *flag)
{
	bool value;

	if (moat_resolve_yes_no(resolver, &statement->arguments[0], &value) &&
	    moat_resolve_override(resolver, origin, &statement->keyword.location,
	                          statement->arguments[0].text, statement->keyword.text))
		*flag = value;
}

void moat_resolve_process_statement(struct moat_resolver *resolver,
                                    const struct moat_ast_statement *statement)
{
	struct moat_process_section *process = &resolver->policy->process;
	const char *keyword = statement->keyword.text;

	if (!strcmp(keyword, "env"))
		resolve_environment(resolver, statement);
	else if (!strcmp(keyword, "cwd"))
		resolve_cwd(resolver, &statement->arguments[0]);
	else if (!strcmp(keyword, "capabilities"))
		resolve_capabilities(resolver, statement);
	else if (!strcmp(keyword, "new-session"))
		resolve_flag(resolver, statement, &resolver->new_session_origin,
		             &process->new_session);
	else if (!strcmp(keyword, "close-fds"))
		resolve_flag(resolver, statement, &resolver->close_fds_origin, &process->close_fds);
	else
		resolve_flag(resolver, statement, &resolver->die_with_parent_origin,
		             &process->die_with_parent);
}

void moat_resolve_process_finish(struct moat_resolver *resolver)
{
	struct moat_process_section *process = &resolver->policy->process;

	process->environment_keep = resolver->environment_keep.items;
	process->environment_keep_count = resolver->environment_keep.count;
	process->environment_set = resolver->environment_set.items;
	process->environment_set_count = resolver->environment_set.count;
}
