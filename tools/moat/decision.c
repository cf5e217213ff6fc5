// SPDX-License-Identifier: MIT
/* How the command writes an action and the statement that decided it (eval, test). */
#include <stdio.h>

#include "commands.h"
#include "moat.h"

int moat_command_action_text(const struct moat_action *action, char *buffer, size_t size)
{
	return moat_action_format(action, buffer, size);
}

int moat_command_decider_text(const struct moat_decision *decision, char *buffer, size_t size)
{
	if (decision->location.line == 0)
		return snprintf(buffer, size, "moat (%s)", decision->statement);
	return snprintf(buffer, size, "%s:%u:%u (%s)",
	                decision->location.file ? decision->location.file : "",
	                decision->location.line, decision->location.column, decision->statement);
}
