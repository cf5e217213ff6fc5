// SPDX-License-Identifier: MIT
/*
 * Lookups in the generated tables (table_ARCH.c): by name through the
 * name-sorted index, by number by bisecting the number-sorted rows. Both are
 * logarithmic and touch only constant data, so the resolver can ask for
 * every name of every rule without caching anything.
 */
#include "syscalls/syscalls.h"

#include <sys/syscall.h>

#include <linux/audit.h>
#include <linux/elf-em.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls/table.h"

#ifndef AUDIT_ARCH_RISCV64
#define AUDIT_ARCH_RISCV64 (EM_RISCV | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE)
#endif

struct moat_arch {
	const char *name;
	uint32_t audit;
	uint32_t foreign_number_bit;
	const struct moat_syscalls_table *table;
};

/*
 * The compat ABIs (i386 on x86_64, AArch32 on aarch64, rv32 on riscv64)
 * enter with their own AUDIT_ARCH value, which the architecture check
 * kills; only x32 shares x86_64's value and needs its number bit checked.
 */
static const struct moat_arch architectures[] = {
        {"x86_64", AUDIT_ARCH_X86_64, 0x40000000U, &moat_syscalls_x86_64},
        {"aarch64", AUDIT_ARCH_AARCH64, 0, &moat_syscalls_aarch64},
        {"riscv64", AUDIT_ARCH_RISCV64, 0, &moat_syscalls_riscv64},
};

#define ARCHITECTURE_COUNT (sizeof(architectures) / sizeof(architectures[0]))

const struct moat_arch *moat_arch_native(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	return &architectures[0];
#elif defined(__aarch64__) && !defined(__ILP32__)
	return &architectures[1];
#elif defined(__riscv) && __riscv_xlen == 64
	return &architectures[2];
#else
#error "moat supports x86_64, aarch64 and riscv64"
#endif
}

const struct moat_arch *moat_arch_find(const char *name)
{
	for (size_t i = 0; name && i < ARCHITECTURE_COUNT; i++) {
		if (strcmp(architectures[i].name, name) == 0)
			return &architectures[i];
	}
	return NULL;
}

const struct moat_arch *moat_arch_at(size_t index)
{
	return index < ARCHITECTURE_COUNT ? &architectures[index] : NULL;
}

const char *moat_arch_list(void)
{
	return "x86_64, aarch64, riscv64";
}

const char *moat_arch_name(const struct moat_arch *arch)
{
	return arch->name;
}

uint32_t moat_arch_audit(const struct moat_arch *arch)
{
	return arch->audit;
}

uint32_t moat_arch_foreign_number_bit(const struct moat_arch *arch)
{
	return arch->foreign_number_bit;
}

uint32_t moat_native_audit_arch(void)
{
	return moat_arch_native()->audit;
}

struct name_key {
	const char *name;
	const struct moat_syscalls_entry *rows;
};

static int compare_name(const void *key, const void *element)
{
	const struct name_key *wanted = key;
	const uint16_t *row = element;

	return strcmp(wanted->name, wanted->rows[*row].name);
}

int moat_arch_syscall_number(const struct moat_arch *arch, const char *name)
{
	const struct moat_syscalls_table *table = arch->table;
	struct name_key key = {name, table->rows};
	const uint16_t *row;

	if (!name)
		return -1;
	row = bsearch(&key, table->by_name, table->count, sizeof(table->by_name[0]), compare_name);
	return row ? table->rows[*row].number : -1;
}

/* The index of the first row whose number is greater than `number`. */
static size_t first_row_after(const struct moat_syscalls_table *table, int number)
{
	size_t low = 0, high = table->count;

	while (low < high) {
		size_t middle = low + (high - low) / 2;

		if (table->rows[middle].number <= number)
			low = middle + 1;
		else
			high = middle;
	}
	return low;
}

static const struct moat_syscalls_entry *find_number(const struct moat_arch *arch, int number)
{
	size_t row;

	if (number < 0)
		return NULL;
	row = first_row_after(arch->table, number);
	if (row == 0 || arch->table->rows[row - 1].number != number)
		return NULL;
	return &arch->table->rows[row - 1];
}

const char *moat_arch_syscall_name(const struct moat_arch *arch, int number)
{
	const struct moat_syscalls_entry *entry = find_number(arch, number);

	return entry ? entry->name : NULL;
}

int moat_arch_syscall_next(const struct moat_arch *arch, int number)
{
	size_t row = first_row_after(arch->table, number);

	return row < arch->table->count ? arch->table->rows[row].number : -1;
}

unsigned moat_arch_argument_bits(const struct moat_arch *arch, int number, unsigned arg)
{
	const struct moat_syscalls_entry *entry = find_number(arch, number);

	if (!entry || arg >= MOAT_SYSCALL_MAX_ARGUMENTS)
		return 64;
	return entry->argument_bits[arg];
}

uint64_t moat_arch_argument_mask(const struct moat_arch *arch, int number, unsigned arg)
{
	unsigned bits = moat_arch_argument_bits(arch, number, arg);

	return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

int moat_arch_argument_count(const struct moat_arch *arch, int number)
{
	const struct moat_syscalls_entry *entry = find_number(arch, number);

	return entry ? entry->argument_count : -1;
}

const struct moat_arch *moat_arch_with_syscall(const char *name, const struct moat_arch *except)
{
	for (size_t i = 0; i < ARCHITECTURE_COUNT; i++) {
		if (&architectures[i] != except &&
		    moat_arch_syscall_number(&architectures[i], name) >= 0)
			return &architectures[i];
	}
	return NULL;
}

int moat_syscall_number(const char *name)
{
	return moat_arch_syscall_number(moat_arch_native(), name);
}

const char *moat_syscall_name(int number)
{
	return moat_arch_syscall_name(moat_arch_native(), number);
}

int moat_syscall_next(int number)
{
	return moat_arch_syscall_next(moat_arch_native(), number);
}

unsigned moat_syscall_argument_bits(int number, unsigned arg)
{
	return moat_arch_argument_bits(moat_arch_native(), number, arg);
}

int moat_syscall_argument_count(int number)
{
	return moat_arch_argument_count(moat_arch_native(), number);
}

/*
 * In the order the child makes them: sendmsg hands the listener over
 * (moat_listener_send(), whose flags are fixed); close drops the child's
 * copy and the socket; prctl (no_new_privs) and seccomp install the enforce
 * part; execve starts the program; when it fails, write reports why on the
 * error pipe and exit_group ends the child. Descriptors and pointers differ
 * from one spawn to the next: they are never fixed.
 */
static const struct moat_handoff_call handoff_calls[] = {
        {SYS_sendmsg, 1U << 2, {[2] = MOAT_HANDOFF_SENDMSG_FLAGS}},
        {SYS_close, 0, {0}},
        {SYS_prctl, 0, {0}},
        {SYS_seccomp, 0, {0}},
        {SYS_execve, 0, {0}},
        {SYS_write, 0, {0}},
        {SYS_exit_group, 0, {0}},
};

const struct moat_handoff_call *moat_syscall_handoff_calls(size_t *count)
{
	*count = sizeof(handoff_calls) / sizeof(handoff_calls[0]);
	return handoff_calls;
}

bool moat_syscall_is_handoff(int number)
{
	for (size_t i = 0; i < sizeof(handoff_calls) / sizeof(handoff_calls[0]); i++) {
		if (handoff_calls[i].number == number)
			return true;
	}
	return false;
}
