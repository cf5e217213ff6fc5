// SPDX-License-Identifier: MIT
/*
 * The resolver's driver: has the include graph read (resolve_includes.c),
 * walks the expanded policy sending each statement to the function of its
 * section, and finishes the IR after the last file.
 */
#include "policy/resolver.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/resolve.h"
#include "syscalls/syscalls.h"

extern char **environ;

void moat_resolve_error(struct moat_resolver *resolver, const struct moat_location *location,
                        const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	moat_vdiagnose(resolver->diagnostics, MOAT_SEVERITY_ERROR, resolver->source, location,
	               format, arguments);
	va_end(arguments);
}

void moat_resolve_warning(struct moat_resolver *resolver, const struct moat_location *location,
                          const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	moat_vdiagnose(resolver->diagnostics, MOAT_SEVERITY_WARNING, resolver->source, location,
	               format, arguments);
	va_end(arguments);
}

void moat_resolve_report(struct moat_resolver *resolver, enum moat_severity severity,
                         const struct moat_source *source, const struct moat_location *location,
                         const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	moat_vdiagnose(resolver->diagnostics, severity, source, location, format, arguments);
	va_end(arguments);
}

void *moat_resolve_alloc(struct moat_resolver *resolver, size_t size)
{
	void *memory = moat_arena_alloc(resolver->arena, size);

	if (!memory)
		resolver->out_of_memory = true;
	return memory;
}

void *moat_resolve_push(struct moat_resolver *resolver, struct moat_vector *vector, size_t size)
{
	void *item = moat_vector_push(vector, resolver->arena, size);

	if (!item)
		resolver->out_of_memory = true;
	return item;
}

static const struct moat_setting *set_by(const struct moat_origin *origin,
                                         const struct moat_source *source)
{
	const struct moat_setting *settings = origin->settings.items;

	for (size_t i = 0; i < origin->settings.count; i++) {
		if (settings[i].source == source)
			return &settings[i];
	}
	return NULL;
}

bool moat_resolve_set_here(const struct moat_resolver *resolver, const struct moat_origin *origin,
                           const char *value)
{
	const struct moat_setting *setting = set_by(origin, resolver->source);

	return setting && !strcmp(setting->value, value);
}

bool moat_resolve_override(struct moat_resolver *resolver, struct moat_origin *origin,
                           const struct moat_location *location, const char *value,
                           const char *what)
{
	const struct moat_setting *earlier = set_by(origin, resolver->source);
	struct moat_setting *setting;

	if (earlier) {
		if (!strcmp(earlier->value, value)) {
			moat_resolve_warning(resolver, location, "%s repeated", what);
		} else {
			moat_resolve_error(resolver, location, "%s set twice in one file", what);
			moat_resolve_report(resolver, MOAT_SEVERITY_NOTE, resolver->source,
			                    &earlier->location, "first set here");
		}
		return false;
	}
	setting = moat_resolve_push(resolver, &origin->settings, sizeof(*setting));
	if (!setting)
		return false;
	*setting = (struct moat_setting){resolver->source, value, *location};
	/* A file overrides what it includes, whichever comes first in the file. */
	if (origin->source && moat_source_is_ancestor(origin->source, resolver->source))
		return false;
	origin->source = resolver->source;
	origin->location = *location;
	return true;
}

const char *moat_resolve_statement_text(struct moat_resolver *resolver,
                                        const struct moat_ast_statement *statement)
{
	size_t length = 1;
	char *text;

	if (statement->errno_word.text)
		length += strlen(statement->errno_word.text) + 1;
	for (size_t i = 0; i < statement->argument_count; i++)
		length += strlen(statement->arguments[i].text) + 1;
	text = moat_resolve_alloc(resolver, length + 16);
	if (!text)
		return "";
	/* An action (`default errno EPERM`) counts as part of the value. */
	snprintf(text, 16, "%d ", (int)statement->action.kind);
	if (statement->errno_word.text)
		strcat(strcat(text, statement->errno_word.text), " ");
	for (size_t i = 0; i < statement->argument_count; i++)
		strcat(strcat(text, statement->arguments[i].text), " ");
	return text;
}

/* The start of line `line` (from 1) of `source`, or NULL past its end. */
static const char *line_start(const struct moat_source *source, unsigned line)
{
	const char *at = source->text, *end = source->text + source->length;

	while (--line > 0) {
		at = memchr(at, '\n', (size_t)(end - at));
		if (!at)
			return NULL;
		at++;
	}
	return at;
}

/* The length of `text` up to a `#` outside quotes or the end of the line. */
static size_t code_length(const char *text, const char *end)
{
	bool quoted = false;
	const char *at = text;

	for (; at < end && *at != '\n'; at++) {
		if (*at == '\\' && quoted && at + 1 < end)
			at++;
		else if (*at == '"')
			quoted = !quoted;
		else if (*at == '#' && !quoted)
			break;
	}
	return (size_t)(at - text);
}

/*
 * Appends `text` trimmed, with one blank between pieces, to `out` (or only
 * counts its length when `out` is NULL); true when it ended in `\`.
 */
static bool append_piece(char *out, size_t *used, const char *text, size_t length)
{
	bool continued;

	while (length > 0 && (text[0] == ' ' || text[0] == '\t'))
		text++, length--;
	while (length > 0 && strchr(" \t\r", text[length - 1]))
		length--;
	continued = length > 0 && text[length - 1] == '\\';
	if (continued)
		length--;
	while (length > 0 && (text[length - 1] == ' ' || text[length - 1] == '\t'))
		length--;
	if (*used > 0 && length > 0) {
		if (out)
			out[*used] = ' ';
		(*used)++;
	}
	if (out) {
		memcpy(out + *used, text, length);
		out[*used + length] = '\0';
	}
	*used += length;
	return continued;
}

/* Copies (or, with `out` NULL, measures) the statement that starts at `at`. */
static size_t copy_statement(char *out, const char *at, const char *end)
{
	size_t used = 0;

	for (;;) {
		size_t length = code_length(at, end);
		bool continued = append_piece(out, &used, at, length);
		const char *next = memchr(at, '\n', (size_t)(end - at));

		if (!continued || !next)
			return used;
		at = next + 1;
	}
}

struct moat_statement moat_resolve_statement(struct moat_resolver *resolver,
                                             const struct moat_ast_statement *statement)
{
	const struct moat_source *source = resolver->source;
	struct moat_statement result = {statement->keyword.location, ""};
	const char *at = line_start(source, statement->keyword.location.line);
	const char *end = source->text + source->length;
	char *text;

	if (!at || statement->keyword.location.column == 0)
		return result;
	at += statement->keyword.location.column - 1;
	text = moat_resolve_alloc(resolver, copy_statement(NULL, at, end) + 1);
	if (!text)
		return result;
	text[0] = '\0';
	copy_statement(text, at, end);
	result.text = text;
	return result;
}

static void resolve_compat(struct moat_resolver *resolver,
                           const struct moat_ast_statement *statement)
{
	const struct moat_ast_word *word = &statement->arguments[0];
	enum moat_compat compat;

	if (!strcmp(word->text, "strict")) {
		compat = MOAT_COMPAT_STRICT;
	} else if (!strcmp(word->text, "best-effort")) {
		compat = MOAT_COMPAT_BEST_EFFORT;
	} else {
		moat_resolve_error(resolver, &word->location,
		                   "unknown compat mode '%s' (strict or best-effort)", word->text);
		return;
	}
	if (moat_resolve_override(resolver, &resolver->compat_origin, &word->location, word->text,
	                          "compat"))
		resolver->policy->compat = compat;
}

static void resolve_section_header(struct moat_resolver *resolver,
                                   const struct moat_ast_statement *statement)
{
	struct moat_policy *policy = resolver->policy;

	switch (statement->section) {
	case MOAT_SECTION_SYSCALLS:
		policy->syscalls.present = true;
		break;
	case MOAT_SECTION_FILESYSTEM:
		if (!policy->filesystem.present)
			policy->filesystem.location = statement->keyword.location;
		policy->filesystem.present = true;
		break;
	case MOAT_SECTION_NETWORK:
		if (!policy->network.present)
			policy->network.location = statement->keyword.location;
		policy->network.present = true;
		break;
	case MOAT_SECTION_NAMESPACES:
		policy->namespaces.present = true;
		break;
	case MOAT_SECTION_MOUNTS:
		policy->mounts.present = true;
		break;
	case MOAT_SECTION_LIMITS:
		policy->limits.present = true;
		break;
	case MOAT_SECTION_PROCESS:
		policy->process.present = true;
		break;
	case MOAT_SECTION_BROKER:
		policy->broker.present = true;
		break;
	case MOAT_SECTION_NONE:
		break;
	}
}

static void resolve_setting(struct moat_resolver *resolver,
                            const struct moat_ast_statement *statement)
{
	static void (*const handlers[])(struct moat_resolver *,
	                                const struct moat_ast_statement *) = {
	        [MOAT_SECTION_FILESYSTEM] = moat_resolve_filesystem_statement,
	        [MOAT_SECTION_NETWORK] = moat_resolve_network_statement,
	        [MOAT_SECTION_NAMESPACES] = moat_resolve_namespaces_statement,
	        [MOAT_SECTION_MOUNTS] = moat_resolve_mounts_statement,
	        [MOAT_SECTION_LIMITS] = moat_resolve_limits_statement,
	        [MOAT_SECTION_PROCESS] = moat_resolve_process_statement,
	        [MOAT_SECTION_BROKER] = moat_resolve_broker_statement,
	};

	if (statement->section < sizeof(handlers) / sizeof(handlers[0]) &&
	    handlers[statement->section])
		handlers[statement->section](resolver, statement);
}

static void resolve_file(struct moat_resolver *resolver, struct moat_policy_file *file);

/*
 * `include`: the file is resolved here when this is where it takes effect;
 * an earlier include of a file included again later adds nothing.
 */
static void resolve_include(struct moat_resolver *resolver, struct moat_policy_file *file,
                            size_t index)
{
	struct moat_policy_file *included = file->includes ? file->includes[index] : NULL;

	if (!moat_resolve_takes_effect_at(included, file, index))
		return;
	included->source->parent = file->source;
	included->source->included_at = file->syntax.statements[index].keyword.location;
	included->source->depth = file->source->depth + 1;
	resolve_file(resolver, included);
}

static void resolve_statement(struct moat_resolver *resolver, struct moat_policy_file *file,
                              size_t index)
{
	const struct moat_ast_statement *statement = &file->syntax.statements[index];

	resolver->sequence++;
	switch (statement->kind) {
	case MOAT_AST_VERSION:
		break; /* the parser checked it */
	case MOAT_AST_INCLUDE:
		resolve_include(resolver, file, index);
		break;
	case MOAT_AST_COMPAT:
		resolve_compat(resolver, statement);
		break;
	case MOAT_AST_SECTION:
		resolve_section_header(resolver, statement);
		break;
	case MOAT_AST_DEFAULT:
	case MOAT_AST_SYSCALL_RULE:
		moat_resolve_syscall_statement(resolver, statement);
		break;
	case MOAT_AST_SETTING:
		resolve_setting(resolver, statement);
		break;
	}
}

static void resolve_file(struct moat_resolver *resolver, struct moat_policy_file *file)
{
	const struct moat_source *outer = resolver->source;

	resolver->source = file->source;
	for (size_t i = 0; i < file->syntax.count && !resolver->out_of_memory; i++)
		resolve_statement(resolver, file, i);
	file->source->precedence = ++resolver->files_finished;
	resolver->source = outer;
}

/* Reads every file, then resolves each where it takes effect, in the order of the expanded policy.
 */
static void resolve_files(struct moat_resolver *resolver, struct moat_source *const *sources,
                          size_t count)
{
	struct moat_policy_file **roots = moat_resolve_alloc(resolver, count * sizeof(*roots));

	if (!roots)
		return;
	moat_resolve_load_files(resolver, sources, count, roots);
	if (resolver->out_of_memory)
		return;
	moat_resolve_place_files(roots, count);
	for (size_t i = 0; i < count && !resolver->out_of_memory; i++) {
		if (!moat_resolve_takes_effect_at(roots[i], NULL, i))
			continue;
		roots[i]->source->parent = NULL;
		roots[i]->source->depth = 0;
		resolve_file(resolver, roots[i]);
	}
}

int moat_resolve(struct moat_policy *policy, struct moat_source *const *sources, size_t count,
                 const struct moat_load_options *options, struct moat_diagnostics *diagnostics)
{
	struct moat_resolver resolver = {
	        .policy = policy,
	        .arena = &policy->arena,
	        .diagnostics = diagnostics,
	        .search_path = options && options->policy_path ? options->policy_path
	                                                       : getenv("MOAT_POLICY_PATH"),
	        .environment = options && options->environment ? options->environment
	                                                       : (const char *const *)environ,
	};

	if (!policy->syscalls.arch)
		policy->syscalls.arch = moat_arch_native();
	/* The defaults of [process] hold whether or not a file mentions it. */
	policy->process.new_session = true;
	policy->process.close_fds = true;
	policy->process.die_with_parent = true;
	if (count)
		resolve_files(&resolver, sources, count);
	if (!resolver.out_of_memory) {
		moat_resolve_syscalls_finish(&resolver);
		moat_resolve_filesystem_finish(&resolver);
		moat_resolve_isolation_finish(&resolver);
		moat_resolve_process_finish(&resolver);
		moat_resolve_broker_finish(&resolver);
		moat_resolve_egress_finish(&resolver);
	}
	moat_vector_release(&resolver.syscall_entries);
	if (resolver.out_of_memory)
		return -ENOMEM;
	policy->warning_count = diagnostics->warning_count;
	return diagnostics->error_count ? -EINVAL : 0;
}
