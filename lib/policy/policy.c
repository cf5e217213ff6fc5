// SPDX-License-Identifier: MIT
/* The public face of the policy front end: load, inspect, free. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/options.h"
#include "policy/diagnostics.h"
#include "policy/ir.h"
#include "policy/load.h"
#include "policy/resolver.h"
#include "policy/search.h"
#include "syscalls/syscalls.h"
#include "util/error.h"

static void report_unreadable(struct moat_diagnostics *diagnostics, const char *path, int code,
                              const char *message)
{
	struct moat_location location = {path, 0, 0};

	moat_diagnose(diagnostics, MOAT_SEVERITY_ERROR, NULL, &location, "%s", message);
	if (diagnostics->first_error)
		diagnostics->first_error->code = code;
}

/* A policy argument names a file, or a policy found as `include NAME` finds it. */
static int read_sources(struct moat_policy *policy, const char *const *paths, size_t count,
                        const struct moat_load_options *options, struct moat_source **sources,
                        struct moat_diagnostics *diagnostics)
{
	const char *search_path =
	        options && options->policy_path ? options->policy_path : getenv("MOAT_POLICY_PATH");

	for (size_t i = 0; i < count; i++) {
		char found[4096], message[4200];
		const char *path = paths[i];
		int result;

		if (moat_policy_is_name(path)) {
			if (!moat_policy_search(search_path, path, found, sizeof(found))) {
				char nearest[512];

				moat_policy_nearest(search_path, path, nearest, sizeof(nearest));
				snprintf(
				        message, sizeof(message),
				        "no policy named '%s' in MOAT_POLICY_PATH (%s) or %s%s%s%s",
				        path, search_path ? search_path : "unset", MOAT_POLICY_DIR,
				        nearest[0] ? "; did you mean " : "", nearest,
				        nearest[0] ? "?" : "");
				report_unreadable(diagnostics, path, -ENOENT, message);
				return -ENOENT;
			}
			path = found;
		}
		result = moat_source_read(&sources[i], &policy->arena, path, NULL, NULL);
		if (result < 0) {
			snprintf(message, sizeof(message), "cannot read policy: %s",
			         strerror(-result));
			report_unreadable(diagnostics, path, result, message);
			return result;
		}
	}
	return 0;
}

static int finish_load(moat_policy **out, struct moat_policy *policy, struct moat_source **sources,
                       size_t count, const struct moat_load_options *options,
                       struct moat_diagnostics *diagnostics)
{
	int result;

	if (!policy->syscalls.arch)
		policy->syscalls.arch = moat_arch_native();
	result = moat_resolve(policy, sources, count, options, diagnostics);

	if (result == -ENOMEM && diagnostics->first_error)
		moat_error_set(diagnostics->first_error, -ENOMEM, "out of memory");
	if (result < 0) {
		moat_policy_free(policy);
		return result;
	}
	*out = policy;
	return 0;
}

static int load_files(moat_policy **out, const char *const *paths, size_t count,
                      const struct moat_policy_text *last, const struct moat_arch *arch,
                      const struct moat_load_options *options, struct moat_error *error);

int moat_policy_load(moat_policy **out, const char *const *paths, size_t count,
                     const struct moat_load_options *options, struct moat_error *error)
{
	return load_files(out, paths, count, NULL, moat_arch_native(), options, error);
}

int moat_policy_load_arch(moat_policy **out, const char *arch_name, const char *const *paths,
                          size_t count, const struct moat_load_options *options,
                          struct moat_error *error)
{
	const struct moat_arch *arch = arch_name ? moat_arch_find(arch_name) : moat_arch_native();

	if (out)
		*out = NULL;
	if (!arch)
		return moat_error_set(error, -EINVAL, "unknown architecture '%s'; moat knows %s",
		                      arch_name, moat_arch_list());
	return load_files(out, paths, count, NULL, arch, options, error);
}

int moat_policy_load_layered(moat_policy **out, const char *const *paths, size_t count,
                             const struct moat_policy_text *last,
                             const struct moat_load_options *options, struct moat_error *error)
{
	return load_files(out, paths, count, last, moat_arch_native(), options, error);
}

static int load_files(moat_policy **out, const char *const *paths, size_t count,
                      const struct moat_policy_text *last, const struct moat_arch *arch,
                      const struct moat_load_options *options, struct moat_error *error)
{
	struct moat_diagnostics diagnostics;
	struct moat_source **sources;
	struct moat_policy *policy;
	size_t total = count + (last ? 1 : 0);
	int result;

	if (!out || !paths || count == 0)
		return moat_error_set(error, -EINVAL, "no policy file given");
	*out = NULL;
	result = moat_options_check_version(options, options ? options->version : 0,
	                                    MOAT_LOAD_OPTIONS_VERSION, "struct moat_load_options",
	                                    error);
	if (result < 0)
		return result;
	moat_diagnostics_init(&diagnostics, options, error);
	policy = calloc(1, sizeof(*policy));
	if (!policy)
		return moat_error_set(error, -ENOMEM, "out of memory");
	policy->syscalls.arch = arch;
	sources = moat_arena_array(&policy->arena, total, sizeof(*sources));
	result = sources ? read_sources(policy, paths, count, options, sources, &diagnostics)
	                 : -ENOMEM;
	if (result == 0 && last)
		result = moat_source_from_text(&sources[count], &policy->arena, last->name,
		                               last->text, last->length);
	if (result < 0) {
		moat_policy_free(policy);
		return result == -ENOMEM ? moat_error_set(error, result, "out of memory") : result;
	}
	return finish_load(out, policy, sources, total, options, &diagnostics);
}

int moat_policy_load_string(moat_policy **out, const char *name, const char *text, size_t length,
                            const struct moat_load_options *options, struct moat_error *error)
{
	struct moat_diagnostics diagnostics;
	struct moat_source *sources[1];
	struct moat_source *source;
	struct moat_policy *policy;
	int result;

	if (!out || !text)
		return moat_error_set(error, -EINVAL, "no policy text given");
	*out = NULL;
	result = moat_options_check_version(options, options ? options->version : 0,
	                                    MOAT_LOAD_OPTIONS_VERSION, "struct moat_load_options",
	                                    error);
	if (result < 0)
		return result;
	moat_diagnostics_init(&diagnostics, options, error);
	policy = calloc(1, sizeof(*policy));
	if (!policy || moat_source_from_text(&source, &policy->arena, name ? name : "<string>",
	                                     text, length) < 0) {
		moat_policy_free(policy);
		return moat_error_set(error, -ENOMEM, "out of memory");
	}
	sources[0] = source;
	return finish_load(out, policy, sources, 1, options, &diagnostics);
}

void moat_policy_free(moat_policy *policy)
{
	if (!policy)
		return;
	moat_arena_release(&policy->arena);
	free(policy);
}

size_t moat_policy_warning_count(const moat_policy *policy)
{
	return policy ? policy->warning_count : 0;
}

int moat_policy_needs_supervisor(const moat_policy *policy)
{
	return policy && policy->syscalls.present && policy->syscalls.has_notify;
}

const struct moat_syscall_rules *moat_policy_find_syscall(const struct moat_policy *policy,
                                                          int number)
{
	size_t low = 0, high = policy->syscalls.count;

	while (low < high) {
		size_t middle = low + (high - low) / 2;
		int found = policy->syscalls.syscalls[middle].number;

		if (found == number)
			return &policy->syscalls.syscalls[middle];
		if (found < number)
			low = middle + 1;
		else
			high = middle;
	}
	return NULL;
}
