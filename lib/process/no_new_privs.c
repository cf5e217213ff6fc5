// SPDX-License-Identifier: MIT
/*
 * no_new_privs, always: execve can no longer grant privileges (set-user-ID
 * and set-group-ID bits and file capabilities do not take effect, and a
 * capability gain is clipped to the permitted set), and it cannot be unset.
 * An unprivileged process needs it to install a seccomp filter or a
 * Landlock ruleset.
 */
#include "process/plan.h"

#include <errno.h>
#include <sys/prctl.h>

#include "util/message.h"

int moat_process_apply_no_new_privs(const struct moat_process_plan *plan, struct moat_error *error)
{
	(void)plan;
	/* Set already (a sandbox entered before): a second request is not needed. */
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return moat_message_set(error, -errno,
		                        "cannot set no_new_privs (PR_SET_NO_NEW_PRIVS)");
	return 0;
}
