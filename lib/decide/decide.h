/* SPDX-License-Identifier: MIT */
/*
 * Decisions: what a policy decides for one syscall, path access or port, and
 * which statement decided. Reads the IR and the compiled filter; runs
 * nothing. The public entry points are moat_decide_*() in moat.h.
 */
#ifndef MOAT_DECIDE_DECIDE_H
#define MOAT_DECIDE_DECIDE_H

#include "moat.h"
#include "policy/ir.h"

/* Fills the deciding statement of `decision` from `statement`. */
void moat_decide_by(struct moat_decision *decision, const struct moat_statement *statement);

/* An allow, or a denial with EACCES as Landlock gives it, decided by `statement`. */
void moat_decide_verdict(struct moat_decision *decision, bool allowed,
                         const struct moat_statement *statement);

#endif /* MOAT_DECIDE_DECIDE_H */
