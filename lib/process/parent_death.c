// SPDX-License-Identifier: MIT
/*
 * `die-with-parent yes` (the default) without a PID namespace, the
 * best-effort fallback: the program's own process is killed when the
 * thread that started it goes away. With a PID namespace, moat's init does
 * it for every process of the sandbox (lib/isolate/init.c).
 */
#include "process/plan.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "util/message.h"

static int parent_gone(pid_t parent, struct moat_error *error)
{
	struct moat_message message = moat_message_begin(error, -ESRCH);

	moat_message_put(&message, "the parent process (pid ");
	moat_message_put_number(&message, parent);
	moat_message_put(&message, ") exited before the sandbox started");
	return moat_message_end(&message);
}

int moat_process_apply_parent_death(const struct moat_process_plan *plan, pid_t parent,
                                    struct moat_error *error)
{
	if (!plan->die_with_parent)
		return 0;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return moat_message_set(
		        error, -errno,
		        "cannot ask for SIGKILL on the parent's death (PR_SET_PDEATHSIG)");
	/*
	 * A parent that died between fork and the prctl sent no signal: this
	 * process was reparented already, so getppid() has changed.
	 */
	if (getppid() != parent)
		return parent_gone(parent, error);
	return 0;
}
