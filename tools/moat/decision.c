// SPDX-License-Identifier: MIT
/* How the command writes an action and the statement that decided it (eval, test). */
#include <stdio.h>

#include "commands.h"
#include "moat.h"
#include "policy/constants.h"
#include "seccomp/action.h"

int moat_command_action_text(const struct moat_action *action, char *buffer, size_t size)
{
	const char *name;

	if (action->kind != MOAT_ACTION_ERRNO)
		return snprintf(buffer, size, "%s", moat_seccomp_action_keyword(action->kind));
	name = moat_errno_name(action->errno_value);
	if (name)
		return snprintf(buffer, size, "errno %s", name);
	return snprintf(buffer, size, "errno %d", action->errno_value);
}

int moat_command_decider_text(const struct moat_decision *decision, char *buffer, size_t size)
{
	if (decision->location.line == 0)
		return snprintf(buffer, size, "moat (%s)", decision->statement);
	return snprintf(buffer, size, "%s:%u:%u (%s)",
	                decision->location.file ? decision->location.file : "",
	                decision->location.line, decision->location.column, decision->statement);
}
