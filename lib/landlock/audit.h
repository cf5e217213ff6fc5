/* SPDX-License-Identifier: MIT */
/*
 * Landlock refusals as the kernel's audit records tell them (Landlock ABI 7),
 * for `moat run --report` (docs/authoring.md "Denial reports").
 *
 * The kernel writes one AUDIT_LANDLOCK_ACCESS record per refused access
 * (`domain=ID blockers=fs.write_file path="/etc/hostname" ...`) and, after
 * a domain's first refusal, one AUDIT_LANDLOCK_DOMAIN record that names the
 * host pid of the process that created the domain (`domain=ID
 * status=allocated ... pid=PID`). Every sandbox on the host writes them; a
 * reader keeps only the refusals of the domains created by the processes it
 * watches (the sandbox's first process and its children: moat's program
 * process applies Landlock), and counts each distinct one.
 *
 * Records reach a NETLINK_AUDIT socket bound to the read-log multicast
 * group, which needs CAP_AUDIT_READ, and only while auditing is on; the
 * reader opens it before the sandbox starts, so that no record is missed,
 * and never changes the host's audit state. It prints nothing and keeps no
 * global state.
 */
#ifndef MOAT_LANDLOCK_AUDIT_H
#define MOAT_LANDLOCK_AUDIT_H

#include "moat.h"

/*
 * The public reader (moat.h, "Landlock refusals") is this module's; this
 * header adds what tests need: a reader for a sandbox of Landlock ABI `abi`
 * (the ABI the plan used), which moat_landlock_audit_open() opens after
 * probing the kernel. Returns 0, or -ENOMEM with `error`.
 */
int moat_landlock_audit_open_abi(struct moat_landlock_audit **audit, int abi,
                                 struct moat_error *error);

/*
 * Parses one record's text (after its `audit(T:SERIAL): ` stamp or with
 * it) of netlink type `type` into the reader; for tests, and for read().
 */
void moat_landlock_audit_record(struct moat_landlock_audit *audit, int type, const char *text,
                                size_t length);

#endif /* MOAT_LANDLOCK_AUDIT_H */
