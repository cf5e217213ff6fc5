// SPDX-License-Identifier: MIT
/*
 * A path's decision, as Landlock decides it: an access is allowed when every
 * right it needs is granted by the rules on the path or on directories above
 * it (rights add up along the way), or is one the kernel does not restrict.
 * Paths are compared resolved (realpath(3)), since Landlock ties a rule to
 * the file a path names when the sandbox starts, not to its spelling.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "decide/decide.h"
#include "landlock/abi.h"
#include "landlock/landlock.h"
#include "util/error.h"

static const struct moat_statement no_filesystem = {
        {NULL, 0, 0}, "no [filesystem] section: Landlock does not restrict paths"};
static const struct moat_statement not_restricted = {
        {NULL, 0, 0}, "this kernel's Landlock does not restrict the rights asked"};

/* `read`, `write`, `exec` or a right name; false for anything else. */
static bool right_by_name(const char *name, size_t length, uint64_t *access)
{
	static const struct {
		const char *name;
		uint64_t access;
	} shorthands[] = {{"read", MOAT_FS_READ}, {"write", MOAT_FS_WRITE}, {"exec", MOAT_FS_EXEC}};

	for (size_t i = 0; i < sizeof(shorthands) / sizeof(shorthands[0]); i++) {
		if (strlen(shorthands[i].name) == length &&
		    !strncmp(shorthands[i].name, name, length)) {
			*access = shorthands[i].access;
			return true;
		}
	}
	for (uint64_t right = 1; right & MOAT_FS_ALL; right <<= 1) {
		const char *known = moat_landlock_fs_right_name(right);

		if (known && strlen(known) == length && !strncmp(known, name, length)) {
			*access = right;
			return true;
		}
	}
	return false;
}

static int parse_access(const char *text, uint64_t *access, struct moat_error *error)
{
	*access = 0;
	for (size_t offset = 0; text[offset];) {
		size_t length = strcspn(text + offset, ",");
		uint64_t right;

		if (!right_by_name(text + offset, length, &right))
			return moat_error_set(error, -EINVAL,
			                      "unknown access '%.*s' (read, write, exec or a "
			                      "Landlock right such as read-file or ioctl-dev)",
			                      (int)length, text + offset);
		*access |= right;
		offset += length + (text[offset + length] == ',');
	}
	if (*access == 0)
		return moat_error_set(error, -EINVAL, "no access named");
	return 0;
}

/*
 * `path` resolved; a path that does not exist yet (a file to be created) is
 * its resolved parent directory plus its last component.
 */
static bool resolve(const char *path, char resolved[PATH_MAX], bool *directory)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat status;

	*directory = false;
	if (realpath(path, resolved)) {
		*directory = stat(resolved, &status) == 0 && S_ISDIR(status.st_mode);
		return true;
	}
	if (!slash || strlen(path) >= sizeof(parent))
		return false;
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = '\0';
	if (!realpath(parent[0] ? parent : "/", parent))
		return false;
	return snprintf(resolved, PATH_MAX, "%s/%s", strcmp(parent, "/") ? parent : "", slash + 1) <
	       PATH_MAX;
}

/* `path` is `directory` or below it; `/usr2` is not below `/usr`. */
static bool is_at_or_below(const char *path, const char *directory)
{
	size_t length = strlen(directory);

	if (!strcmp(directory, "/"))
		return true;
	return !strncmp(path, directory, length) && (path[length] == '\0' || path[length] == '/');
}

/* The rights the running kernel restricts, as the policy's compat mode takes them. */
static uint64_t handled_rights(const struct moat_policy *policy)
{
	struct moat_landlock_features features;

	if (moat_landlock_probe(&features) < 0 || features.abi == 0)
		return policy->compat == MOAT_COMPAT_STRICT ? MOAT_FS_ALL : 0;
	return features.fs;
}

struct grant {
	uint64_t granted;
	const struct moat_path_rule *deciding; /* the most specific rule that granted a right */
	size_t deciding_length;
};

static void apply_rule(const struct moat_path_rule *rule, const char *target, uint64_t needed,
                       struct grant *grant)
{
	char resolved[PATH_MAX];
	struct stat status;
	uint64_t access = rule->access;

	if (!realpath(rule->path, resolved) || !is_at_or_below(target, resolved))
		return; /* an absent rule path (`?PATH`) grants nothing */
	if (stat(resolved, &status) == 0 && !S_ISDIR(status.st_mode))
		access &= MOAT_LANDLOCK_FS_FILE_RIGHTS;
	if (!(access & needed))
		return;
	grant->granted |= access & needed;
	if (!grant->deciding || strlen(resolved) >= grant->deciding_length) {
		grant->deciding = rule;
		grant->deciding_length = strlen(resolved);
	}
}

int moat_decide_path(const moat_policy *policy, const char *path, const char *access,
                     struct moat_decision *decision, struct moat_error *error)
{
	const struct moat_filesystem_section *fs = &policy->filesystem;
	struct moat_statement section = {fs->location, "[filesystem]"};
	char target[PATH_MAX];
	struct grant grant = {0};
	uint64_t needed;
	bool directory;
	int rc;

	memset(decision, 0, sizeof(*decision));
	rc = parse_access(access, &needed, error);
	if (rc < 0)
		return rc;
	if (!resolve(path, target, &directory))
		return moat_error_set(error, -ENOENT, "cannot resolve '%s'", path);
	if (!fs->present) {
		moat_decide_verdict(decision, true, &no_filesystem);
		return 0;
	}
	if (!directory && (needed & MOAT_LANDLOCK_FS_FILE_RIGHTS))
		needed &= MOAT_LANDLOCK_FS_FILE_RIGHTS;
	needed &= handled_rights(policy);
	if (needed == 0) {
		moat_decide_verdict(decision, true, &not_restricted);
		return 0;
	}
	for (size_t i = 0; i < fs->count; i++)
		apply_rule(&fs->rules[i], target, needed, &grant);
	if ((grant.granted & needed) != needed) {
		moat_decide_verdict(decision, false, &section);
		return 0;
	}
	moat_decide_verdict(decision, true, &grant.deciding->statement);
	return 0;
}
