// SPDX-License-Identifier: MIT
/*
 * `new-session yes` (the default): the sandbox starts a session of its own
 * and so has no controlling terminal. A terminal descriptor it inherited
 * still works for reading and writing, but TIOCSTI (pushing characters into
 * the terminal's input, which the caller's shell would then run) and
 * TIOCLINUX need the terminal to be the caller's controlling terminal, or
 * CAP_SYS_ADMIN, which the sandbox does not keep.
 */
#include "process/plan.h"

#include <errno.h>
#include <unistd.h>

#include "util/message.h"

int moat_process_apply_session(const struct moat_process_plan *plan, struct moat_error *error)
{
	if (!plan->new_session)
		return 0;
	/* setsid() fails only with EPERM, for a process group leader. */
	if (setsid() < 0)
		return moat_message_set(error, -errno,
		                        "cannot start a new session (setsid): the process already "
		                        "leads a process group");
	return 0;
}
