/* SPDX-License-Identifier: MIT */
/* Loading policies in tests, with the diagnostics kept for assertions. */
#ifndef MOAT_TEST_POLICY_SUPPORT_H
#define MOAT_TEST_POLICY_SUPPORT_H

#include <stddef.h>

#include "moat.h"

struct test_diagnostics {
	char text[8192]; /* every diagnostic, one per line, as `moat check` prints them */
	size_t errors;
	size_t warnings;
	size_t notes;
	struct moat_error error; /* the first error */
};

/*
 * Loads `text` as a policy named "test.policy". Returns the policy, or NULL
 * with the diagnostics in `diagnostics`.
 */
moat_policy *test_load(const char *text, struct test_diagnostics *diagnostics);

/* The same with load options of the caller (its callback is replaced). */
moat_policy *test_load_with(const char *text, struct moat_load_options options,
                            struct test_diagnostics *diagnostics);

/* Loads policy files merged in order, as `moat run -p A -p B` does. */
moat_policy *test_load_paths(const char *const *paths, size_t count,
                             struct moat_load_options options,
                             struct test_diagnostics *diagnostics);

/*
 * Loads `text` for architecture `arch` (moat_policy_load_arch(), which reads
 * files: the text goes through a temporary one).
 */
moat_policy *test_load_arch(const char *text, const char *arch,
                            struct test_diagnostics *diagnostics);

#endif /* MOAT_TEST_POLICY_SUPPORT_H */
