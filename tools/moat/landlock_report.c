// SPDX-License-Identifier: MIT
/* The Landlock lines of `moat run --report` (landlock_report.h). */
#include "landlock_report.h"

#include <stdbool.h>
#include <stdio.h>

/* What the policy decides for the refused access; false when it cannot say. */
static bool decide(const moat_policy *policy, const struct moat_landlock_denial *denial,
                   struct moat_decision *decision)
{
	if (denial->kind == MOAT_LANDLOCK_DENIAL_PATH)
		return moat_decide_path(policy, denial->path, denial->access, decision, NULL) == 0;
	return moat_decide_port(policy,
	                        denial->kind == MOAT_LANDLOCK_DENIAL_CONNECT ? MOAT_PORT_CONNECT
	                                                                     : MOAT_PORT_BIND,
	                        denial->port, decision, NULL) == 0;
}

/*
 * ` by FILE:LINE:COL (STATEMENT)` where a statement of the policy denies
 * it; otherwise the reason moat cannot name one (a path of the sandbox's
 * new root that this machine's paths decide differently, a right the
 * policy language has no name for).
 */
static void print_decider(const moat_policy *policy, const struct moat_landlock_denial *denial)
{
	struct moat_decision decision;

	if (denial->kind == MOAT_LANDLOCK_DENIAL_PATH && denial->path[0] != '/')
		fputs(" by Landlock (the kernel named only the entry, not its directory)", stderr);
	else if (!decide(policy, denial, &decision))
		fputs(" by Landlock (a right no statement names)", stderr);
	else if (decision.allowed || !decision.location.line)
		fputs(" by Landlock (no statement of the policy denies it on this machine's "
		      "paths; with [mounts] the sandbox's paths differ)",
		      stderr);
	else
		fprintf(stderr, " by %s:%u:%u (%s)", decision.location.file, decision.location.line,
		        decision.location.column, decision.statement);
}

static void print_grant(const struct moat_landlock_denial *denial)
{
	if (denial->kind == MOAT_LANDLOCK_DENIAL_PATH && denial->path[0] != '/')
		fprintf(stderr, "[filesystem] allow %s on the directory of %s", denial->access,
		        denial->path);
	else if (denial->kind == MOAT_LANDLOCK_DENIAL_PATH)
		fprintf(stderr, "[filesystem] allow %s %s", denial->access, denial->path);
	else
		fprintf(stderr, "[network] %s %u", denial->access, denial->port);
}

size_t moat_command_print_landlock_refusals(const moat_landlock_audit *audit,
                                            const moat_policy *policy)
{
	size_t count = moat_landlock_audit_count(audit);

	for (size_t i = 0; i < count; i++) {
		const struct moat_landlock_denial *denial = moat_landlock_audit_denial(audit, i);

		fputs("moat: refused: ", stderr);
		if (denial->kind == MOAT_LANDLOCK_DENIAL_PATH)
			fprintf(stderr, "%s %s", denial->access, denial->path);
		else
			fprintf(stderr, "%s %u", denial->access, denial->port);
		print_decider(policy, denial);
		fprintf(stderr, ": Landlock, %lu time%s; grant: ", denial->count,
		        denial->count == 1 ? "" : "s");
		print_grant(denial);
		fputc('\n', stderr);
	}
	return count;
}

void moat_command_print_landlock_summary(const moat_landlock_audit *audit, size_t count)
{
	switch (audit ? moat_landlock_audit_visibility(audit) : MOAT_AUDIT_NO_AUDIT) {
	case MOAT_AUDIT_VISIBLE:
		fprintf(stderr, ", %zu distinct Landlock refusal%s%s\n", count,
		        count == 1 ? "" : "s",
		        moat_landlock_audit_lost(audit)
		                ? " (some audit records were lost: there may be more)"
		                : "");
		return;
	case MOAT_AUDIT_OLD_LANDLOCK:
		fputs("; Landlock refusals are not visible: the kernel logs them from Landlock "
		      "ABI 7 on",
		      stderr);
		break;
	case MOAT_AUDIT_NO_AUDIT:
		fputs("; Landlock refusals are not visible: this kernel has no audit support",
		      stderr);
		break;
	case MOAT_AUDIT_NO_CAPABILITY:
		fputs("; Landlock refusals are not visible: reading audit records needs "
		      "CAP_AUDIT_READ (run moat as root)",
		      stderr);
		break;
	case MOAT_AUDIT_OFF:
		fputs("; Landlock refusals are not visible: kernel auditing is off (`auditctl -e "
		      "1` "
		      "turns it on)",
		      stderr);
		break;
	}
	fputs(" (the program sees EACCES)\n", stderr);
}
