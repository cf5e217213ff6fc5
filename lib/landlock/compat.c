// SPDX-License-Identifier: MIT
/*
 * `compat strict` and `compat best-effort`: what the policy needs that the
 * kernel's Landlock lacks, refused or reported.
 *
 * What a policy needs (docs/landlock.md, "Older kernels"): a [filesystem]
 * section needs Landlock, and every right a rule names with `allow` needs
 * the ABI that brought it. Rights that only the shorthands `read`, `write`
 * and `exec` imply, that a rule marks optional (`ioctl-dev?`, never in
 * `named`), or that no rule grants, are not needed: where the
 * kernel lacks them, closures.c closes what it can with the seccomp filter
 * and reports the rest. [network] needs ABI 4 for `connect tcp` and
 * `bind tcp` and ABI 6 for each scope, unless the statement holds by other
 * means on this kernel (closures.h): `none` with the filter refusing TCP
 * sockets, a scope with a namespace of the sandbox's own.
 */
#include "landlock/internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "landlock/closures.h"
#include "util/error.h"

/* The rights of policy format 1, which a [filesystem] section restricts. */
#define FORMAT1_FS_RIGHTS ((LANDLOCK_ACCESS_FS_IOCTL_DEV << 1) - 1)

/* [filesystem]: 1 for Landlock or 3 rights (ABI 1); [network]: 4. */
#define MAX_GAPS 8

struct gap {
	const char *section; /* "[filesystem]" */
	const char *feature; /* "truncate"; NULL when the whole section is concerned */
	int abi;             /* the ABI that brings the feature */
	char effect[96];     /* what happens without it */
	const struct moat_location *location; /* NULL when no statement is to blame */
};

struct gaps {
	struct gap items[MAX_GAPS];
	size_t count;
};

static struct gap *add_gap(struct gaps *gaps, const char *section, const char *feature, int abi,
                           const struct moat_location *location)
{
	struct gap *gap = &gaps->items[gaps->count++];

	gap->section = section;
	gap->feature = feature;
	gap->abi = abi;
	gap->location = location;
	return gap;
}

/* The first rule that names `right`, else the first rule: where to point. */
static const struct moat_location *fs_location(const struct moat_filesystem_section *fs,
                                               uint64_t right)
{
	for (size_t i = 0; i < fs->count; i++)
		if (fs->rules[i].named & right)
			return &fs->rules[i].location;
	return fs->count ? &fs->rules[0].location : NULL;
}

static void find_fs_gaps(struct gaps *gaps, const struct moat_filesystem_section *fs,
                         const struct moat_landlock_features *features)
{
	uint64_t named = 0;
	uint64_t missing;

	if (!fs->present)
		return;
	if (features->abi == 0) {
		struct gap *gap = add_gap(gaps, "[filesystem]", NULL, 1, fs_location(fs, 0));

		snprintf(gap->effect, sizeof(gap->effect), "filesystem access is not restricted");
		return;
	}
	for (size_t i = 0; i < fs->count; i++)
		named |= fs->rules[i].named;
	missing = named & FORMAT1_FS_RIGHTS & ~features->fs;
	for (uint64_t right = 1; right & FORMAT1_FS_RIGHTS; right <<= 1) {
		const struct moat_landlock_fs_right *info = moat_landlock_fs_right_info(right);
		struct gap *gap;

		if (!(missing & right))
			continue;
		gap = add_gap(gaps, "[filesystem]", info->name, info->abi, fs_location(fs, right));
		if (right == LANDLOCK_ACCESS_FS_REFER)
			snprintf(gap->effect, sizeof(gap->effect), "%s stays denied everywhere",
			         info->what);
		else
			snprintf(gap->effect, sizeof(gap->effect), "%s is not restricted",
			         info->what);
	}
}

static void find_network_gaps(struct gaps *gaps, const struct moat_network_section *net,
                              const struct moat_landlock_features *features, unsigned held)
{
	static const struct {
		unsigned scope;
		unsigned held;
		const char *feature;
		const char *effect;
	} scopes[] = {
	        {MOAT_SCOPE_ABSTRACT_UNIX, MOAT_LANDLOCK_HELD_SCOPE_ABSTRACT_UNIX,
	         "scope abstract-unix", "abstract unix sockets outside the sandbox can be reached"},
	        {MOAT_SCOPE_SIGNAL, MOAT_LANDLOCK_HELD_SCOPE_SIGNAL, "scope signal",
	         "processes outside the sandbox can be signalled"},
	};
	bool closed = moat_landlock_tcp_closable(net);
	struct gap *gap;

	if (!net->present)
		return;

	if (net->connect_tcp.present && !(features->net & LANDLOCK_ACCESS_NET_CONNECT_TCP) &&
	    !(held & MOAT_LANDLOCK_HELD_CONNECT_TCP)) {
		gap = add_gap(gaps, "[network]", "connect tcp", 4, &net->connect_tcp.location);
		snprintf(gap->effect, sizeof(gap->effect), "%s",
		         closed ? "the seccomp filter refuses TCP sockets instead"
		                : "TCP connect is not restricted");
	}
	if (net->bind_tcp.present && !(features->net & LANDLOCK_ACCESS_NET_BIND_TCP) &&
	    !(held & MOAT_LANDLOCK_HELD_BIND_TCP)) {
		gap = add_gap(gaps, "[network]", "bind tcp", 4, &net->bind_tcp.location);
		snprintf(gap->effect, sizeof(gap->effect), "%s",
		         closed ? "the seccomp filter refuses TCP sockets instead"
		                : "TCP bind is not restricted");
	}
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		if (!(net->scopes & scopes[i].scope) || (features->scopes & scopes[i].scope) ||
		    (held & scopes[i].held))
			continue;
		gap = add_gap(gaps, "[network]", scopes[i].feature, 6, &net->scope_location);
		snprintf(gap->effect, sizeof(gap->effect), "%s", scopes[i].effect);
	}
}

static const char *kernel_phrase(const struct moat_landlock_features *features, char *buffer,
                                 size_t size)
{
	if (features->abi > 0)
		snprintf(buffer, size, "the kernel has ABI %d", features->abi);
	else if (features->disabled)
		snprintf(buffer, size, "Landlock is disabled on this kernel");
	else
		snprintf(buffer, size, "the kernel has no Landlock");
	return buffer;
}

static int refuse(const struct gaps *gaps, const struct moat_landlock_features *features,
                  struct moat_error *error)
{
	const struct moat_location *location = NULL;
	char message[900];
	char kernel[64];
	size_t length;

	length = (size_t)snprintf(message, sizeof(message),
	                          "the kernel cannot enforce this policy (compat strict):");
	for (size_t i = 0; i < gaps->count && length < sizeof(message); i++) {
		const struct gap *gap = &gaps->items[i];

		length += (size_t)snprintf(message + length, sizeof(message) - length,
		                           " %s%s%s needs Landlock ABI %d;", gap->section,
		                           gap->feature ? " " : "",
		                           gap->feature ? gap->feature : "", gap->abi);
		if (!location)
			location = gap->location;
	}
	if (length < sizeof(message))
		snprintf(message + length, sizeof(message) - length,
		         " %s (`compat best-effort` runs without what is missing)",
		         kernel_phrase(features, kernel, sizeof(kernel)));
	return moat_error_set_at(error, -EOPNOTSUPP, location, "%s", message);
}

static char *arena_printf(struct moat_arena *arena, const char *format, ...)
        __attribute__((format(printf, 2, 3)));

static char *arena_printf(struct moat_arena *arena, const char *format, ...)
{
	va_list arguments;
	char *text;
	int length;

	va_start(arguments, format);
	length = vsnprintf(NULL, 0, format, arguments);
	va_end(arguments);
	if (length < 0)
		return NULL;
	text = moat_arena_alloc(arena, (size_t)length + 1);
	if (!text)
		return NULL;
	va_start(arguments, format);
	vsnprintf(text, (size_t)length + 1, format, arguments);
	va_end(arguments);
	return text;
}

static int report(struct moat_landlock_plan *plan, const struct gaps *gaps,
                  const struct moat_landlock_features *features, struct moat_error *error)
{
	char kernel[64];

	kernel_phrase(features, kernel, sizeof(kernel));
	plan->dropped = moat_arena_array(&plan->arena, gaps->count, sizeof(*plan->dropped));
	if (!plan->dropped)
		return moat_error_set(error, -ENOMEM, "out of memory");
	for (size_t i = 0; i < gaps->count; i++) {
		const struct gap *gap = &gaps->items[i];
		char *line = arena_printf(&plan->arena, "%s%s%s: needs Landlock ABI %d, %s; %s",
		                          gap->section, gap->feature ? " " : "",
		                          gap->feature ? gap->feature : "", gap->abi, kernel,
		                          gap->effect);

		if (!line)
			return moat_error_set(error, -ENOMEM, "out of memory");
		plan->dropped[plan->dropped_count++] = line;
	}
	return 0;
}

int moat_landlock_compat_check(struct moat_landlock_plan *plan, const struct moat_policy *policy,
                               const struct moat_landlock_features *features, unsigned held,
                               struct moat_error *error)
{
	struct gaps gaps = {.count = 0};

	find_fs_gaps(&gaps, &policy->filesystem, features);
	find_network_gaps(&gaps, &policy->network, features, held);
	if (gaps.count == 0)
		return 0;
	if (policy->compat == MOAT_COMPAT_STRICT)
		return refuse(&gaps, features, error);
	return report(plan, &gaps, features, error);
}
