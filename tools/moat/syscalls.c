// SPDX-License-Identifier: MIT
/*
 * moat syscalls: the system calls moat knows by name on the native
 * architecture, the names `eval`, `test` and [syscalls] rules accept. Shell
 * completion reads this list, so that it offers exactly what the command
 * takes.
 */
#include <stdio.h>

#include "commands.h"
#include "moat.h"

void moat_command_syscalls_usage(FILE *stream)
{
	fprintf(stream, "usage: moat syscalls\n\n"
	                "Prints every system call moat knows on this architecture, one a line:\n"
	                "its name, a space and its number, in the order of the numbers. These\n"
	                "are the names [syscalls] rules, `moat eval` and `moat test` accept.\n\n"
	                "exit status: 0 printed, 1 a write error, 2 usage error.\n");
}

int moat_command_syscalls(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		moat_command_error("syscalls takes no arguments");
		return MOAT_EXIT_USAGE;
	}
	for (int number = moat_syscall_after(NULL, -1); number >= 0;
	     number = moat_syscall_after(NULL, number))
		printf("%s %d\n", moat_syscall_to_name(NULL, number), number);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		moat_command_error("syscalls: cannot write the list");
		return 1;
	}
	return 0;
}
