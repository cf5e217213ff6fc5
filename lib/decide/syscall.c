// SPDX-License-Identifier: MIT
/* A syscall's decision: the compiled filter run as the kernel would, and the side table read. */
#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>

#include "decide/decide.h"
#include "seccomp/action.h"
#include "seccomp/decider.h"
#include "seccomp/filter.h"
#include "syscalls/syscalls.h"

static const struct moat_statement no_filter = {{NULL, 0, 0},
                                                "no [syscalls] section: no seccomp filter"};

void moat_decide_by(struct moat_decision *decision, const struct moat_statement *statement)
{
	decision->location = statement->location;
	decision->statement = statement->text ? statement->text : "";
}

void moat_decide_verdict(struct moat_decision *decision, bool allowed,
                         const struct moat_statement *statement)
{
	decision->allowed = allowed;
	decision->action = allowed ? (struct moat_action){MOAT_ACTION_ALLOW, 0}
	                           : (struct moat_action){MOAT_ACTION_ERRNO, EACCES};
	moat_decide_by(decision, statement);
}

int moat_decide_syscall(const moat_filter *filter, int syscall_number, const uint64_t args[6],
                        struct moat_decision *decision)
{
	struct seccomp_data data = {
	        .nr = syscall_number,
	        .arch = filter->present ? filter->program.architecture : moat_native_audit_arch(),
	};
	struct moat_bpf_trace trace;
	uint32_t value;
	int rc;

	memset(decision, 0, sizeof(*decision));
	if (args)
		memcpy(data.args, args, sizeof(data.args));
	if (!filter->present) {
		decision->allowed = 1;
		decision->action.kind = MOAT_ACTION_ALLOW;
		moat_decide_by(decision, &no_filter);
		return 0;
	}
	rc = moat_bpf_run_traced(filter->program.instructions, filter->program.length, &data,
	                         &value, &trace);
	if (rc < 0)
		return rc;
	moat_seccomp_decode(value, &decision->action);
	decision->allowed = decision->action.kind == MOAT_ACTION_ALLOW ||
	                    decision->action.kind == MOAT_ACTION_LOG;
	moat_decide_by(decision, moat_seccomp_decider(&filter->program, &data, &trace));
	return 0;
}
