// SPDX-License-Identifier: MIT
#include "seccomp/action.h"

#include <errno.h>
#include <linux/seccomp.h>

uint32_t moat_seccomp_return_value(const struct moat_action *action)
{
	switch (action->kind) {
	case MOAT_ACTION_KILL_PROCESS:
		return SECCOMP_RET_KILL_PROCESS;
	case MOAT_ACTION_KILL_THREAD:
		return SECCOMP_RET_KILL_THREAD;
	case MOAT_ACTION_TRAP:
		return SECCOMP_RET_TRAP;
	case MOAT_ACTION_ERRNO:
		return SECCOMP_RET_ERRNO | ((uint32_t)action->errno_value & SECCOMP_RET_DATA);
	case MOAT_ACTION_NOTIFY:
		return SECCOMP_RET_USER_NOTIF;
	case MOAT_ACTION_LOG:
		return SECCOMP_RET_LOG;
	case MOAT_ACTION_ALLOW:
		return SECCOMP_RET_ALLOW;
	}
	return SECCOMP_RET_KILL_PROCESS;
}

void moat_seccomp_decode(uint32_t value, struct moat_action *action)
{
	uint32_t data = value & SECCOMP_RET_DATA;

	action->errno_value = 0;
	switch (value & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_THREAD:
		action->kind = MOAT_ACTION_KILL_THREAD;
		break;
	case SECCOMP_RET_TRAP:
		action->kind = MOAT_ACTION_TRAP;
		break;
	case SECCOMP_RET_ERRNO:
		action->kind = MOAT_ACTION_ERRNO;
		action->errno_value =
		        data > MOAT_SECCOMP_MAX_ERRNO ? MOAT_SECCOMP_MAX_ERRNO : (int)data;
		break;
	case SECCOMP_RET_USER_NOTIF:
		action->kind = MOAT_ACTION_NOTIFY;
		break;
	case SECCOMP_RET_TRACE:
		action->kind = MOAT_ACTION_ERRNO;
		action->errno_value = ENOSYS;
		break;
	case SECCOMP_RET_LOG:
		action->kind = MOAT_ACTION_LOG;
		break;
	case SECCOMP_RET_ALLOW:
		action->kind = MOAT_ACTION_ALLOW;
		break;
	default:
		action->kind = MOAT_ACTION_KILL_PROCESS;
		break;
	}
}

const char *moat_seccomp_action_keyword(enum moat_action_kind kind)
{
	switch (kind) {
	case MOAT_ACTION_KILL_PROCESS:
		return "kill";
	case MOAT_ACTION_KILL_THREAD:
		return "kill-thread";
	case MOAT_ACTION_TRAP:
		return "trap";
	case MOAT_ACTION_ERRNO:
		return "errno";
	case MOAT_ACTION_NOTIFY:
		return "notify";
	case MOAT_ACTION_LOG:
		return "log";
	case MOAT_ACTION_ALLOW:
		return "allow";
	}
	return "kill";
}
