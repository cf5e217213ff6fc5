// SPDX-License-Identifier: MIT
/*
 * The environment the sandboxed program starts with: the caller's whole
 * (`inherit`), nothing (`env clear`) or only the named variables (`env
 * keep`), then every `env set NAME=VALUE` on top, replacing a variable of
 * the same name.
 */
#include "process/plan.h"

#include <errno.h>
#include <string.h>

#include "util/error.h"

static size_t name_length(const char *entry)
{
	const char *equals = strchr(entry, '=');

	return equals ? (size_t)(equals - entry) : strlen(entry);
}

static bool has_name(const char *entry, const char *name, size_t length)
{
	return name_length(entry) == length && memcmp(entry, name, length) == 0;
}

/* The index of the first entry of `list` named like `name`, or `count`. */
static size_t find_name(const char **list, size_t count, const char *name, size_t length)
{
	size_t i;

	for (i = 0; i < count && !has_name(list[i], name, length); i++)
		;
	return i;
}

static bool is_kept(const struct moat_process_section *process, const char *entry)
{
	size_t length = name_length(entry);
	size_t i;

	for (i = 0; i < process->environment_keep_count; i++) {
		const char *name = process->environment_keep[i];

		if (strlen(name) == length && memcmp(entry, name, length) == 0)
			return true;
	}
	return false;
}

static int check_names(const struct moat_process_section *process, struct moat_error *error)
{
	size_t i;

	for (i = 0; i < process->environment_keep_count; i++) {
		const char *name = process->environment_keep[i];

		if (name[0] == '\0' || strchr(name, '='))
			return moat_error_set(error, -EINVAL,
			                      "env keep: '%s' is not a variable name", name);
	}
	for (i = 0; i < process->environment_set_count; i++) {
		const char *entry = process->environment_set[i];

		if (!strchr(entry, '=') || entry[0] == '=')
			return moat_error_set(error, -EINVAL, "env set: '%s' is not NAME=VALUE",
			                      entry);
	}
	return 0;
}

/* Adds `entry`, or replaces every variable of its name with it (in place of the first). */
static void set_entry(const char **list, size_t *count, const char *entry)
{
	size_t length = name_length(entry);
	size_t first = find_name(list, *count, entry, length);
	size_t kept = first + 1;
	size_t i;

	if (first == *count) {
		list[(*count)++] = entry;
		return;
	}
	list[first] = entry;
	for (i = first + 1; i < *count; i++)
		if (!has_name(list[i], entry, length))
			list[kept++] = list[i];
	*count = kept;
}

int moat_process_environment_build(struct moat_process_plan *plan,
                                   const struct moat_process_section *process,
                                   const char *const *caller_environment, struct moat_error *error)
{
	size_t caller_count = 0;
	size_t count = 0;
	const char **list;
	size_t i;
	int result;

	result = check_names(process, error);
	if (result < 0)
		return result;
	while (caller_environment && caller_environment[caller_count])
		caller_count++;
	list = moat_arena_array(&plan->arena, caller_count + process->environment_set_count + 1,
	                        sizeof(*list));
	if (!list)
		return moat_error_set(error, -ENOMEM, "out of memory building the environment");

	for (i = 0; i < caller_count && process->environment != MOAT_ENVIRONMENT_CLEAR; i++) {
		const char *entry = caller_environment[i];

		if (process->environment == MOAT_ENVIRONMENT_KEEP &&
		    (!is_kept(process, entry) ||
		     find_name(list, count, entry, name_length(entry)) < count))
			continue; /* not asked for, or a duplicate that getenv() would not see */
		list[count] = moat_arena_strdup(&plan->arena, entry);
		if (!list[count++])
			return moat_error_set(error, -ENOMEM,
			                      "out of memory building the environment");
	}
	for (i = 0; i < process->environment_set_count; i++) {
		const char *entry = moat_arena_strdup(&plan->arena, process->environment_set[i]);

		if (!entry)
			return moat_error_set(error, -ENOMEM,
			                      "out of memory building the environment");
		set_entry(list, &count, entry);
	}
	list[count] = NULL;
	plan->environment = list;
	return 0;
}
