// SPDX-License-Identifier: MIT
/* moat: the command line face of libmoat. Dispatches to one file per subcommand. */
#include <malloc.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "commands.h"
#include "moat.h"

static const struct moat_command commands[] = {
        {"run", "run a program in a sandbox", moat_command_run, moat_command_run_usage},
        {"check", "parse and validate policies", moat_command_check, moat_command_check_usage},
        {"compile", "print a policy's seccomp program", moat_command_compile,
         moat_command_compile_usage},
        {"eval", "evaluate one syscall against a policy's filter", moat_command_eval,
         moat_command_eval_usage},
        {"learn", "write a policy from what a program does", moat_command_learn,
         moat_command_learn_usage},
        {"test", "check a policy's decisions against expectations", moat_command_test,
         moat_command_test_usage},
        {"features", "what this kernel can enforce", moat_command_features,
         moat_command_features_usage},
        {"export", "write a policy's [syscalls] as an OCI/Docker seccomp profile",
         moat_command_export, moat_command_export_usage},
        {"import", "write an OCI/Docker seccomp profile as a policy", moat_command_import,
         moat_command_import_usage},
        {"syscalls", "list the system calls moat knows by name", moat_command_syscalls,
         moat_command_syscalls_usage},
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

void moat_command_error(const char *format, ...)
{
	va_list arguments;

	fputs("moat: ", stderr);
	va_start(arguments, format);
	vfprintf(stderr, format, arguments);
	va_end(arguments);
	fputc('\n', stderr);
}

int moat_command_wants_help(int argc, char **argv)
{
	return argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));
}

static void usage(FILE *stream)
{
	fprintf(stream, "usage: moat COMMAND [ARGS...]\n"
	                "       moat --help | --version\n\n"
	                "Runs programs in sandboxes described by policy files.\n\n"
	                "commands:\n");
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fprintf(stream, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(stream,
	        "\n`moat COMMAND --help` describes one command; man moat(1) has the rest.\n");
}

/*
 * The heap grows in one step and is never given back. glibc otherwise
 * moves the break some twenty times in one `moat run` (growing by 132 KiB,
 * trimming after frees), and each move is a system call and, when it
 * shrinks, a TLB flush: dear in a VM. moat's heap peaks under 1 MiB at
 * start-up, and a `moat run` that stays as supervisor keeps what it had.
 */
static void keep_the_heap(void)
{
	mallopt(M_TOP_PAD, 1 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* What `moat run` of bench/run/typical.policy touches before the sandbox starts, rounded up. */
#define HEAP_IN_USE  (512 << 10)
#define STACK_IN_USE (48 << 10)

/*
 * The memory a command will touch is made present in two calls instead of
 * one page fault per page. On the PVM-virtualised machine of
 * docs/performance.md a fault costs 12-15 us and populating 1 us a page,
 * and a `moat run` faulted on some 110 pages of heap and 9 of stack. A
 * kernel before 5.14 refuses MADV_POPULATE_WRITE; then the pages fault in
 * as before.
 */
static void populate_memory(void)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	char *heap = malloc(HEAP_IN_USE);
	char here;
	uintptr_t top = (uintptr_t)&here & ~(page - 1);

	if (heap) {
		uintptr_t start = ((uintptr_t)heap + page - 1) & ~(page - 1);

		madvise((void *)start, HEAP_IN_USE - page, MADV_POPULATE_WRITE);
		free(heap);
	}
	/* The stack's mapping reaches that far below: execve maps 128 KiB more than it uses. */
	madvise((void *)(top - STACK_IN_USE), STACK_IN_USE, MADV_POPULATE_WRITE);
}

int main(int argc, char **argv)
{
	keep_the_heap();
	if (argc < 2) {
		usage(stderr);
		return MOAT_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("moat %s\n", moat_version());
		return 0;
	}
	for (size_t i = 0; i < COMMAND_COUNT; i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			if (moat_command_wants_help(argc - 1, argv + 1)) {
				commands[i].usage(stdout);
				return 0;
			}
			populate_memory();
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	moat_command_error("unknown command '%s'; `moat --help` lists them", argv[1]);
	return MOAT_EXIT_USAGE;
}
