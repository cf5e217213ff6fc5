/* SPDX-License-Identifier: MIT */
/*
 * The syscall tables that lib/syscalls/ searches, one per architecture. Their
 * rows live in table_ARCH.c, which tools/gen-syscall-table.sh generates;
 * nothing outside lib/syscalls/ should include this header.
 */
#ifndef MOAT_SYSCALLS_TABLE_H
#define MOAT_SYSCALLS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define MOAT_SYSCALL_MAX_ARGUMENTS 6

/*
 * Room for the longest syscall name, set_mempolicy_home_node (23
 * characters), and its NUL. tools/gen-syscall-table.sh reads this line and
 * refuses a name that does not fit.
 */
#define MOAT_SYSCALL_NAME_SIZE 24

/*
 * The name is held in the row rather than pointed to, so that the tables
 * need no relocation at start-up and stay in read-only memory
 * (docs/performance.md).
 */
struct moat_syscalls_entry {
	char name[MOAT_SYSCALL_NAME_SIZE];
	int number;
	int argument_count; /* 0..MOAT_SYSCALL_MAX_ARGUMENTS */
	/* Bits the kernel reads of each argument; 64 past argument_count. */
	uint8_t argument_bits[MOAT_SYSCALL_MAX_ARGUMENTS];
};

struct moat_syscalls_table {
	const struct moat_syscalls_entry *rows; /* sorted by number */
	size_t count;
	const uint16_t *by_name; /* indexes into rows, sorted by name (strcmp) */
};

extern const struct moat_syscalls_table moat_syscalls_x86_64;
extern const struct moat_syscalls_table moat_syscalls_aarch64;
extern const struct moat_syscalls_table moat_syscalls_riscv64;

#endif /* MOAT_SYSCALLS_TABLE_H */
