/* SPDX-License-Identifier: MIT */
/*
 * The Landlock lines of `moat run --report` (docs/authoring.md "Denial
 * reports"): the refusals the kernel's audit records showed, each with the
 * statement that decided it and the grant that would allow it, and why
 * none could be seen when none could.
 */
#ifndef MOAT_TOOL_LANDLOCK_REPORT_H
#define MOAT_TOOL_LANDLOCK_REPORT_H

#include <stddef.h>

#include "landlock/audit.h"

/*
 * A reader for a sandbox of this kernel's Landlock ABI, lowered to `limit`
 * when it is above 0 (`--landlock-abi`); NULL when out of memory.
 */
struct moat_landlock_audit *moat_command_landlock_audit_open(int limit);

/* One `moat: refused:` line per distinct Landlock refusal, on stderr; returns how many. */
size_t moat_command_print_landlock_refusals(const struct moat_landlock_audit *audit,
                                            const moat_policy *policy);

/* The Landlock part of the last report line: a count, or why none can be seen. */
void moat_command_print_landlock_summary(const struct moat_landlock_audit *audit, size_t count);

#endif /* MOAT_TOOL_LANDLOCK_REPORT_H */
