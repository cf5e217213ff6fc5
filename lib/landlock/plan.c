// SPDX-License-Identifier: MIT
/*
 * Building a Landlock plan from the IR: every path opened, every mask
 * computed and every compat decision taken before anything is applied.
 */
#include "landlock/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "policy/path_trust.h"
#include "util/error.h"

/* Every filesystem right Landlock has defined, as far as moat knows. */
#define KNOWN_FS_RIGHTS ((LANDLOCK_ACCESS_FS_RESOLVE_UNIX << 1) - 1)

static size_t ruleset_size(int abi)
{
	if (abi >= 6)
		return MOAT_LANDLOCK_RULESET_SIZE_ABI6;
	if (abi >= 4)
		return MOAT_LANDLOCK_RULESET_SIZE_ABI4;
	return MOAT_LANDLOCK_RULESET_SIZE_ABI1;
}

/*
 * Opens the path of one rule, through no symlink a sandbox could have
 * planted (safe_path.h). Returns the descriptor, -ENOENT for an optional
 * path that is absent (skipped), or a negative errno with `error` filled at
 * the rule.
 */
static int open_rule_path(const struct moat_path_rule *rule, const struct moat_path_trust *trust,
                          bool *directory, struct moat_error *error)
{
	struct moat_safe_path found;
	int fd = moat_safe_path_open(rule->path, trust, &found);
	int code = -fd;

	*directory = found.directory;
	if (fd >= 0)
		return fd;
	if (fd == -ELOOP && found.symlink[0])
		return moat_safe_path_refused(error, &rule->location, "path", rule->path, &found);
	if (rule->optional && (code == ENOENT || code == ENOTDIR))
		return -ENOENT;
	if (code == ENOENT || code == ENOTDIR)
		return moat_error_set_at(
		        error, -ENOENT, &rule->location,
		        "path '%s' does not exist (write '?%s' to skip it when absent)", rule->path,
		        rule->path);
	return moat_error_set_at(error, -code, &rule->location, "cannot open '%s': %s", rule->path,
	                         strerror(code));
}

/*
 * Landlock accepts only file rights in a rule on something that is not a
 * directory (EINVAL otherwise); directory rights on a file grant nothing, so
 * they are dropped rather than refused. The type is the one the path walk's
 * fstat saw on the very descriptor the rule is made from (an inode never
 * changes type), so no second fstat. Async-signal-safe: apply uses it too.
 */
void moat_landlock_narrow_access(bool directory, uint64_t *access)
{
	if (!directory)
		*access &= MOAT_LANDLOCK_FS_FILE_RIGHTS;
}

/* A rule kept by path, for a new root that does not exist yet. */
static int plan_path_later(struct moat_landlock_plan *plan, const struct moat_path_rule *rule,
                           struct moat_error *error)
{
	struct moat_landlock_path *path = &plan->paths[plan->path_count];

	path->fd = -1;
	path->access = rule->access & plan->ruleset.handled_access_fs;
	path->path = moat_arena_strdup(&plan->arena, rule->path);
	path->optional = rule->optional;
	path->location = rule->location;
	path->location.file =
	        moat_arena_strdup(&plan->arena, rule->location.file ? rule->location.file : "");
	if (!path->path || !path->location.file)
		return moat_error_set(error, -ENOMEM, "out of memory");
	if (path->access)
		plan->path_count++;
	return 0;
}

/* A copy of `paths` in the plan's arena, which the child reads after the policy may be gone. */
static const char *const *copy_paths(struct moat_landlock_plan *plan, const char *const *paths,
                                     size_t count)
{
	const char **copies = moat_arena_array(&plan->arena, count + 1, sizeof(*copies));

	for (size_t i = 0; copies && i < count; i++) {
		copies[i] = moat_arena_strdup(&plan->arena, paths[i]);
		if (!copies[i])
			return NULL;
	}
	return copies;
}

/*
 * What decides which symlinks rule paths may go through, in the terms they
 * are opened in: the host's now, or the new root's when applied (kept in
 * the plan).
 */
static int plan_trust(struct moat_landlock_plan *plan, const struct moat_policy *policy,
                      struct moat_path_trust *trust, struct moat_error *error)
{
	enum moat_trust_view view = plan->open_when_applied ? MOAT_TRUST_NEW_ROOT : MOAT_TRUST_HOST;

	if (moat_policy_path_trust(policy, view, &plan->arena, trust) < 0)
		return moat_error_set(error, -ENOMEM, "out of memory");
	if (!plan->open_when_applied)
		return 0;
	trust->writable = copy_paths(plan, trust->writable, trust->writable_count);
	trust->fresh = copy_paths(plan, trust->fresh, trust->fresh_count);
	if (!trust->writable || !trust->fresh)
		return moat_error_set(error, -ENOMEM, "out of memory");
	plan->trust = *trust;
	return 0;
}

static int plan_filesystem(struct moat_landlock_plan *plan, const struct moat_policy *policy,
                           const struct moat_landlock_features *features, struct moat_error *error)
{
	const struct moat_filesystem_section *fs = &policy->filesystem;
	struct moat_path_trust trust;
	int code;

	if (!fs->present)
		return 0;
	code = plan_trust(plan, policy, &trust, error);
	if (code < 0)
		return code;
	plan->ruleset.handled_access_fs = features->fs;
	plan->paths = moat_arena_array(&plan->arena, fs->count, sizeof(*plan->paths));
	if (fs->count && !plan->paths)
		return moat_error_set(error, -ENOMEM, "out of memory");
	for (size_t i = 0; i < fs->count; i++) {
		const struct moat_path_rule *rule = &fs->rules[i];
		struct moat_landlock_path *path = &plan->paths[plan->path_count];
		uint64_t access = 0;
		bool directory;
		int fd;

		if (rule->access & ~KNOWN_FS_RIGHTS)
			return moat_error_set_at(
			        error, -EINVAL, &rule->location,
			        "unknown filesystem rights 0x%llx for '%s'",
			        (unsigned long long)(rule->access & ~KNOWN_FS_RIGHTS), rule->path);
		if (plan->open_when_applied) {
			code = plan_path_later(plan, rule, error);
			if (code < 0)
				return code;
			continue;
		}
		/* Checked even when Landlock is missing: a typo is a policy error. */
		fd = open_rule_path(rule, &trust, &directory, error);
		if (fd == -ENOENT && rule->optional)
			continue;
		if (fd < 0)
			return fd;
		access = rule->access & plan->ruleset.handled_access_fs;
		moat_landlock_narrow_access(directory, &access);
		if (access == 0) {
			/* Nothing of the rule is left that this kernel can grant. */
			close(fd);
			continue;
		}
		path->fd = fd;
		path->access = access;
		path->path = moat_arena_strdup(&plan->arena, rule->path);
		plan->path_count++;
		if (!path->path)
			return moat_error_set(error, -ENOMEM, "out of memory");
	}
	return 0;
}

static int plan_ports(struct moat_landlock_plan *plan, const struct moat_port_list *list,
                      uint64_t right, const struct moat_landlock_features *features,
                      struct moat_error *error)
{
	struct moat_landlock_port *ports;

	if (!list->present || !(features->net & right))
		return 0;
	plan->ruleset.handled_access_net |= right;
	if (list->count == 0)
		return 0;
	ports = moat_arena_array(&plan->arena, plan->port_count + list->count, sizeof(*ports));
	if (!ports)
		return moat_error_set(error, -ENOMEM, "out of memory");
	if (plan->port_count)
		memcpy(ports, plan->ports, plan->port_count * sizeof(*ports));
	for (size_t i = 0; i < list->count; i++) {
		ports[plan->port_count].port = list->ports[i];
		ports[plan->port_count].access = right;
		plan->port_count++;
	}
	plan->ports = ports;
	return 0;
}

static int plan_network(struct moat_landlock_plan *plan, const struct moat_network_section *net,
                        const struct moat_landlock_features *features, struct moat_error *error)
{
	int code;

	if (!net->present)
		return 0;
	code = plan_ports(plan, &net->connect_tcp, LANDLOCK_ACCESS_NET_CONNECT_TCP, features,
	                  error);
	if (code == 0)
		code = plan_ports(plan, &net->bind_tcp, LANDLOCK_ACCESS_NET_BIND_TCP, features,
		                  error);
	plan->ruleset.scoped = net->scopes & features->scopes;
	return code;
}

static int build(struct moat_landlock_plan **plan, const struct moat_policy *policy,
                 const struct moat_landlock_features *features, unsigned held,
                 bool open_when_applied, struct moat_error *error)
{
	struct moat_landlock_plan *built;
	int code;

	*plan = NULL;
	built = calloc(1, sizeof(*built));
	if (!built)
		return moat_error_set(error, -ENOMEM, "out of memory");
	built->open_when_applied = open_when_applied;
	built->abi = features->abi;
	built->restrict_flags = features->restrict_flags;
	built->ruleset_size = ruleset_size(features->abi);
	code = moat_landlock_compat_check(built, policy, features, held, error);
	if (code == 0)
		code = plan_filesystem(built, policy, features, error);
	if (code == 0)
		code = plan_network(built, &policy->network, features, error);
	if (code < 0) {
		moat_landlock_plan_free(built);
		return code;
	}
	*plan = built;
	return 0;
}

int moat_landlock_plan_build(struct moat_landlock_plan **plan, const struct moat_policy *policy,
                             const struct moat_landlock_features *features,
                             struct moat_error *error)
{
	return build(plan, policy, features, 0, false, error);
}

int moat_landlock_plan_build_in_new_root(struct moat_landlock_plan **plan,
                                         const struct moat_policy *policy,
                                         const struct moat_landlock_features *features,
                                         struct moat_error *error)
{
	return build(plan, policy, features, 0, true, error);
}

int moat_landlock_plan_build_held(struct moat_landlock_plan **plan,
                                  const struct moat_policy *policy,
                                  const struct moat_landlock_features *features, unsigned held,
                                  bool in_new_root, struct moat_error *error)
{
	return build(plan, policy, features, held, in_new_root, error);
}

bool moat_landlock_plan_enforces(const struct moat_landlock_plan *plan)
{
	return plan->ruleset.handled_access_fs || plan->ruleset.handled_access_net ||
	       plan->ruleset.scoped;
}

size_t moat_landlock_plan_dropped_count(const struct moat_landlock_plan *plan)
{
	return plan->dropped_count;
}

const char *moat_landlock_plan_dropped(const struct moat_landlock_plan *plan, size_t index)
{
	return index < plan->dropped_count ? plan->dropped[index] : NULL;
}

/* The last of the rules from `first` on whose descriptors follow each other. */
static size_t run_end(const struct moat_landlock_plan *plan, size_t first)
{
	size_t last = first;

	while (last + 1 < plan->path_count && plan->paths[last].fd >= 0 &&
	       plan->paths[last + 1].fd == plan->paths[last].fd + 1)
		last++;
	return last;
}

/*
 * The rules' descriptors, opened one after another, mostly hold consecutive
 * numbers: each run of them goes in one close_range (one call instead of
 * one per rule), or one by one on a kernel before 5.9.
 */
static void close_path_descriptors(const struct moat_landlock_plan *plan)
{
	for (size_t first = 0, last; first < plan->path_count; first = last + 1) {
		last = run_end(plan, first);
		if (last > first &&
		    syscall(SYS_close_range, plan->paths[first].fd, plan->paths[last].fd, 0) == 0)
			continue;
		for (size_t i = first; i <= last; i++) {
			if (plan->paths[i].fd >= 0)
				close(plan->paths[i].fd);
		}
	}
}

void moat_landlock_plan_free(struct moat_landlock_plan *plan)
{
	if (!plan)
		return;
	close_path_descriptors(plan);
	moat_arena_release(&plan->arena);
	free(plan);
}
