// SPDX-License-Identifier: MIT
/*
 * Lookups in the generated table (table.c): by name through the
 * name-sorted index, by number by bisecting the number-sorted rows. Both are
 * logarithmic and touch only constant data, so the resolver can ask for
 * every name of every rule without caching anything.
 */
#include "syscalls/syscalls.h"

#include <sys/syscall.h>

#include <linux/audit.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls/table.h"

uint32_t moat_native_audit_arch(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	return AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
	return AUDIT_ARCH_AARCH64;
#else
#error "moat supports x86_64 and aarch64"
#endif
}

static int compare_name(const void *key, const void *element)
{
	const uint16_t *row = element;

	return strcmp(key, moat_syscalls_table[*row].name);
}

int moat_syscall_number(const char *name)
{
	const uint16_t *row;

	if (!name)
		return -1;
	row = bsearch(name, moat_syscalls_by_name, moat_syscalls_count,
	              sizeof(moat_syscalls_by_name[0]), compare_name);
	return row ? moat_syscalls_table[*row].number : -1;
}

/* The index of the first row whose number is greater than `number`. */
static size_t first_row_after(int number)
{
	size_t low = 0, high = moat_syscalls_count;

	while (low < high) {
		size_t middle = low + (high - low) / 2;

		if (moat_syscalls_table[middle].number <= number)
			low = middle + 1;
		else
			high = middle;
	}
	return low;
}

static const struct moat_syscalls_entry *find_number(int number)
{
	size_t row;

	if (number < 0)
		return NULL;
	row = first_row_after(number);
	if (row == 0 || moat_syscalls_table[row - 1].number != number)
		return NULL;
	return &moat_syscalls_table[row - 1];
}

const char *moat_syscall_name(int number)
{
	const struct moat_syscalls_entry *entry = find_number(number);

	return entry ? entry->name : NULL;
}

int moat_syscall_next(int number)
{
	size_t row = first_row_after(number);

	return row < moat_syscalls_count ? moat_syscalls_table[row].number : -1;
}

unsigned moat_syscall_argument_bits(int number, unsigned arg)
{
	const struct moat_syscalls_entry *entry = find_number(number);

	if (!entry || arg >= MOAT_SYSCALL_MAX_ARGUMENTS)
		return 64;
	return entry->argument_bits[arg];
}

int moat_syscall_argument_count(int number)
{
	const struct moat_syscalls_entry *entry = find_number(number);

	return entry ? entry->argument_count : -1;
}

/*
 * In the order the child makes them: sendmsg hands the listener over; close
 * drops the child's copy and the socket; prctl (no_new_privs) and seccomp
 * install the enforce part; execve starts the program; when it fails, write
 * reports why on the error pipe and exit_group ends the child.
 */
static const int handoff_numbers[] = {
        SYS_sendmsg, SYS_close, SYS_prctl, SYS_seccomp, SYS_execve, SYS_write, SYS_exit_group,
};

const int *moat_syscall_handoff_numbers(size_t *count)
{
	*count = sizeof(handoff_numbers) / sizeof(handoff_numbers[0]);
	return handoff_numbers;
}

bool moat_syscall_is_handoff(int number)
{
	for (size_t i = 0; i < sizeof(handoff_numbers) / sizeof(handoff_numbers[0]); i++) {
		if (handoff_numbers[i] == number)
			return true;
	}
	return false;
}
