// SPDX-License-Identifier: MIT
/* Policies by name: the search `include NAME`, `moat run -p NAME` and moat_policy_load() share. */
#include "policy/search.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static bool regular_file(const char *path)
{
	struct stat status;

	return stat(path, &status) == 0 && S_ISREG(status.st_mode);
}

static bool candidate(char *found, size_t size, const char *directory, size_t length,
                      const char *name)
{
	int written = snprintf(found, size, "%.*s/%s.policy", (int)length, directory, name);

	return written > 0 && (size_t)written < size && regular_file(found);
}

bool moat_policy_search(const char *search_path, const char *name, char *found, size_t size)
{
	const char *path = search_path ? search_path : "";

	for (;;) {
		size_t length = strcspn(path, ":");

		if (length > 0 && candidate(found, size, path, length, name))
			return true;
		if (path[length] == '\0')
			break;
		path += length + 1;
	}
	return candidate(found, size, MOAT_POLICY_DIR, strlen(MOAT_POLICY_DIR), name);
}

bool moat_policy_is_name(const char *argument)
{
	size_t length = strlen(argument);

	if (strchr(argument, '/') || (length > 7 && !strcmp(argument + length - 7, ".policy")))
		return false;
	return !regular_file(argument);
}
