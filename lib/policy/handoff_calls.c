// SPDX-License-Identifier: MIT
#include "policy/handoff_calls.h"

/*
 * In the order the child makes them: sendmsg hands the listener over; close
 * drops the child's copy and the socket; prctl (no_new_privs) and seccomp
 * install the enforce part; execve starts the program; when it fails, write
 * reports why on the error pipe and exit_group ends the child.
 */
static const char *const handoff_syscalls[] = {
        "sendmsg", "close", "prctl", "seccomp", "execve", "write", "exit_group",
};

const char *moat_policy_handoff_syscall(size_t index)
{
	return index < sizeof(handoff_syscalls) / sizeof(handoff_syscalls[0])
	               ? handoff_syscalls[index]
	               : NULL;
}
