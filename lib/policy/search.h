/* SPDX-License-Identifier: MIT */
/*
 * Finding a policy by name, as `include NAME` does: NAME.policy in each
 * directory of the search path (colon-separated), then in the installed
 * policies directory.
 */
#ifndef MOAT_POLICY_SEARCH_H
#define MOAT_POLICY_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Writes the file that `name` stands for to `found`: true when there is
 * one. `search_path` may be NULL (nothing but the installed directory).
 */
bool moat_policy_search(const char *search_path, const char *name, char *found, size_t size);

/*
 * True when a policy argument is a name rather than a path: it holds no
 * `/`, does not end in `.policy`, and is not a file in the working
 * directory.
 */
bool moat_policy_is_name(const char *argument);

#endif /* MOAT_POLICY_SEARCH_H */
