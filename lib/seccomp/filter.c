// SPDX-License-Identifier: MIT
/* The public face of the seccomp filter: compile, inspect, evaluate. */
#include "seccomp/filter.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/action.h"
#include "seccomp/interpreter.h"
#include "seccomp/listing.h"
#include "syscalls/syscalls.h"
#include "util/error.h"

int moat_filter_compile(moat_filter **filter, const moat_policy *policy, struct moat_error *error)
{
	struct moat_filter *result;
	int rc;

	*filter = NULL;
	result = calloc(1, sizeof(*result));
	if (!result)
		return moat_error_set(error, -ENOMEM, "out of memory");
	result->present = policy->syscalls.present;
	if (result->present) {
		rc = moat_seccomp_generate(&result->program, &policy->syscalls, error);
		if (rc < 0) {
			free(result);
			return rc;
		}
		/* What the program can return, not what the policy wrote: a notify rule that
		 * can never apply needs no supervisor. */
		for (size_t i = 0; i < result->program.length && !result->wants_listener; i++) {
			const struct sock_filter *insn = &result->program.instructions[i];

			result->wants_listener = insn->code == (BPF_RET | BPF_K) &&
			                         insn->k == SECCOMP_RET_USER_NOTIF;
		}
	}
	*filter = result;
	return 0;
}

void moat_filter_free(moat_filter *filter)
{
	if (!filter)
		return;
	moat_seccomp_program_release(&filter->program);
	free(filter);
}

size_t moat_filter_length(const moat_filter *filter)
{
	return filter->program.length;
}

const void *moat_filter_instructions(const moat_filter *filter)
{
	return filter->program.instructions;
}

int moat_filter_listing(const moat_filter *filter, char **text)
{
	static const char no_filter[] =
	        "; the policy has no [syscalls] section: no seccomp filter\n";

	if (filter->present)
		return moat_seccomp_listing(&filter->program, text);
	*text = strdup(no_filter);
	return *text ? 0 : -ENOMEM;
}

int moat_filter_run(const moat_filter *filter, const void *seccomp_data, uint32_t *return_value)
{
	struct seccomp_data data;

	if (!filter->present) {
		*return_value = SECCOMP_RET_ALLOW; /* no filter: the kernel allows everything */
		return 0;
	}
	memcpy(&data, seccomp_data, sizeof(data));
	return moat_bpf_run(filter->program.instructions, filter->program.length, &data,
	                    return_value, NULL);
}

int moat_filter_eval(const moat_filter *filter, int syscall_number, const uint64_t args[6],
                     struct moat_action *action)
{
	struct seccomp_data data = {
	        .nr = syscall_number,
	        .arch = filter->present ? filter->program.architecture : moat_native_audit_arch(),
	};
	uint32_t value;
	int rc;

	if (args)
		memcpy(data.args, args, sizeof(data.args));
	rc = moat_filter_run(filter, &data, &value);
	if (rc == 0)
		moat_seccomp_decode(value, action);
	return rc;
}
