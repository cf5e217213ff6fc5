/* SPDX-License-Identifier: MIT */
/*
 * Loading policy files with a last layer held in memory: the grants a
 * command line adds (`moat run --read PATH ...`) merge as if a last policy
 * file held them, with diagnostics located in that text.
 */
#ifndef MOAT_POLICY_LOAD_H
#define MOAT_POLICY_LOAD_H

#include <stddef.h>

#include "moat.h"

struct moat_policy_text {
	const char *name; /* the file name its diagnostics show */
	const char *text;
	size_t length;
};

/*
 * moat_policy_load() with `last` (when not NULL) merged after the files in
 * `paths`, as if one file included them all and then held `last`.
 */
int moat_policy_load_layered(moat_policy **policy, const char *const *paths, size_t count,
                             const struct moat_policy_text *last,
                             const struct moat_load_options *options, struct moat_error *error);

#endif /* MOAT_POLICY_LOAD_H */
