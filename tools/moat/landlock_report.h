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

#include "moat.h"

/* One `moat: refused:` line per distinct Landlock refusal, on stderr; returns how many. */
size_t moat_command_print_landlock_refusals(const moat_landlock_audit *audit,
                                            const moat_policy *policy);

/* The Landlock part of the last report line: a count, or why none can be seen. */
void moat_command_print_landlock_summary(const moat_landlock_audit *audit, size_t count);

#endif /* MOAT_TOOL_LANDLOCK_REPORT_H */
