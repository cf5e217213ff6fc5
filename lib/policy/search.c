// SPDX-License-Identifier: MIT
/* Policies by name: the search `include NAME`, `moat run -p NAME` and moat_policy_load() share. */
#include "policy/search.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util/text.h"

/* "did you mean" lists at most this many names, all at the smallest distance found. */
#define NEAREST_COUNT_MAX 4
#define POLICY_SUFFIX     ".policy"

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

struct nearest {
	char names[NEAREST_COUNT_MAX][64];
	size_t count;
	size_t distance;
};

/* A name farther than this from what was typed is not suggested. */
static size_t distance_limit(const char *name)
{
	size_t length = strlen(name);

	return length <= 3 ? 1 : length <= 6 ? 2 : 3;
}

/* A name the typed one begins (`python` for `python3`) counts as one typo away. */
static void consider(struct nearest *nearest, const char *name, const char *candidate)
{
	size_t distance = moat_typo_distance(name, candidate, nearest->distance);

	if (distance > 1 && strlen(name) >= 2 && !strncmp(candidate, name, strlen(name)))
		distance = 1;

	if (distance > nearest->distance)
		return;
	if (distance < nearest->distance) {
		nearest->count = 0;
		nearest->distance = distance;
	}
	for (size_t i = 0; i < nearest->count; i++)
		if (!strcmp(nearest->names[i], candidate))
			return;
	if (nearest->count < NEAREST_COUNT_MAX)
		snprintf(nearest->names[nearest->count++], sizeof(nearest->names[0]), "%s",
		         candidate);
}

static void consider_directory(struct nearest *nearest, const char *name, const char *directory,
                               size_t length)
{
	char path[4096];
	struct dirent *entry;
	DIR *listing;

	snprintf(path, sizeof(path), "%.*s", (int)length, directory);
	listing = opendir(path);
	if (!listing)
		return;
	while ((entry = readdir(listing))) {
		size_t entry_length = strlen(entry->d_name);
		size_t stem = entry_length - strlen(POLICY_SUFFIX);
		char candidate[64];

		if (entry_length <= strlen(POLICY_SUFFIX) || stem >= sizeof(candidate) ||
		    strcmp(entry->d_name + stem, POLICY_SUFFIX) != 0)
			continue;
		snprintf(candidate, sizeof(candidate), "%.*s", (int)stem, entry->d_name);
		consider(nearest, name, candidate);
	}
	closedir(listing);
}

void moat_policy_nearest(const char *search_path, const char *name, char *list, size_t size)
{
	struct nearest nearest = {.distance = distance_limit(name)};
	const char *path = search_path ? search_path : "";
	size_t used = 0;

	for (;;) {
		size_t length = strcspn(path, ":");

		if (length > 0)
			consider_directory(&nearest, name, path, length);
		if (path[length] == '\0')
			break;
		path += length + 1;
	}
	consider_directory(&nearest, name, MOAT_POLICY_DIR, strlen(MOAT_POLICY_DIR));
	list[0] = '\0';
	for (size_t i = 0; i < nearest.count && used < size; i++) {
		int written = snprintf(list + used, size - used, "%s'%s'", i ? ", " : "",
		                       nearest.names[i]);

		if (written < 0)
			break;
		used += (size_t)written;
	}
}
