/* SPDX-License-Identifier: MIT */
/*
 * Collecting diagnostics while a policy is read. The library never prints:
 * each diagnostic goes to the caller's callback (with the included-from
 * chain), the first error is kept in the caller's struct moat_error, and the
 * counts decide whether the policy is accepted.
 */
#ifndef MOAT_POLICY_DIAGNOSTICS_H
#define MOAT_POLICY_DIAGNOSTICS_H

#include <stdarg.h>
#include <stddef.h>

#include "moat.h"
#include "policy/source.h"

struct moat_diagnostics {
	moat_diagnostic_fn *callback;
	void *context;
	struct moat_error *first_error; /* may be NULL */
	size_t error_count;
	size_t warning_count;
};

void moat_diagnostics_init(struct moat_diagnostics *diagnostics,
                           const struct moat_load_options *options, struct moat_error *error);

/*
 * Reports a diagnostic about `location`, which lies in `source` (NULL for a
 * diagnostic about no file in particular). Notes explain the diagnostic
 * before them and are not counted.
 */
void moat_diagnose(struct moat_diagnostics *diagnostics, enum moat_severity severity,
                   const struct moat_source *source, const struct moat_location *location,
                   const char *format, ...) __attribute__((format(printf, 5, 6)));
void moat_vdiagnose(struct moat_diagnostics *diagnostics, enum moat_severity severity,
                    const struct moat_source *source, const struct moat_location *location,
                    const char *format, va_list arguments) __attribute__((format(printf, 5, 0)));

#endif /* MOAT_POLICY_DIAGNOSTICS_H */
