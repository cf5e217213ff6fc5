/* SPDX-License-Identifier: MIT */
/*
 * The native syscall table that lib/syscalls/syscalls.c searches. Its rows
 * live in table.c, which tools/gen-syscall-table.sh generates; nothing else
 * should include this header.
 */
#ifndef MOAT_SYSCALLS_TABLE_H
#define MOAT_SYSCALLS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define MOAT_SYSCALL_MAX_ARGUMENTS 6

struct moat_syscalls_entry {
	const char *name;
	int number;
	int argument_count; /* 0..MOAT_SYSCALL_MAX_ARGUMENTS */
	/* Bits the kernel reads of each argument; 64 past argument_count. */
	uint8_t argument_bits[MOAT_SYSCALL_MAX_ARGUMENTS];
};

/* Every syscall of the native architecture, sorted by number. */
extern const struct moat_syscalls_entry moat_syscalls_table[];
extern const size_t moat_syscalls_count;

/* Indexes into moat_syscalls_table, sorted by name in strcmp() order. */
extern const uint16_t moat_syscalls_by_name[];

#endif /* MOAT_SYSCALLS_TABLE_H */
