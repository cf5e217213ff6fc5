// SPDX-License-Identifier: MIT
/* The host's handlers: one per syscall number, kept sorted for lookup. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "supervise/supervise.h"
#include "syscalls/syscalls.h"
#include "util/error.h"

/* The index of `syscall` in the table, or where it would go. */
static size_t position(const struct moat_supervisor *supervisor, int syscall)
{
	size_t low = 0, high = supervisor->handler_count;

	while (low < high) {
		size_t middle = low + (high - low) / 2;

		if (supervisor->handlers[middle].syscall < syscall)
			low = middle + 1;
		else
			high = middle;
	}
	return low;
}

const struct moat_handler *moat_handler_find(const struct moat_supervisor *supervisor, int syscall)
{
	size_t at = position(supervisor, syscall);

	if (at < supervisor->handler_count && supervisor->handlers[at].syscall == syscall)
		return &supervisor->handlers[at];
	return NULL;
}

static int insert(struct moat_supervisor *supervisor, size_t at, struct moat_handler handler)
{
	struct moat_handler *table =
	        realloc(supervisor->handlers, (supervisor->handler_count + 1) * sizeof(*table));

	if (!table)
		return -ENOMEM;
	memmove(&table[at + 1], &table[at], (supervisor->handler_count - at) * sizeof(*table));
	table[at] = handler;
	supervisor->handlers = table;
	supervisor->handler_count++;
	return 0;
}

static void remove_at(struct moat_supervisor *supervisor, size_t at)
{
	struct moat_handler *table = supervisor->handlers;

	memmove(&table[at], &table[at + 1], (supervisor->handler_count - at - 1) * sizeof(*table));
	supervisor->handler_count--;
}

int moat_supervisor_handle(moat_supervisor *supervisor, const char *syscall,
                           moat_handler_fn *handler, void *context, struct moat_error *error)
{
	int number = syscall ? moat_syscall_number(syscall) : -1;
	size_t at;
	bool found;
	int result = 0;

	if (number < 0)
		return moat_error_set(error, -EINVAL, "unknown system call '%s'",
		                      syscall ? syscall : "(null)");
	/* Waits for every batch in progress: a replaced handler is no longer running after. */
	pthread_rwlock_wrlock(&supervisor->handler_lock);
	at = position(supervisor, number);
	found = at < supervisor->handler_count && supervisor->handlers[at].syscall == number;
	if (found && handler)
		supervisor->handlers[at] = (struct moat_handler){number, handler, context};
	else if (found)
		remove_at(supervisor, at);
	else if (handler)
		result = insert(supervisor, at, (struct moat_handler){number, handler, context});
	pthread_rwlock_unlock(&supervisor->handler_lock);
	if (result < 0)
		return moat_error_set(error, result, "out of memory");
	return 0;
}

void moat_handlers_release(struct moat_supervisor *supervisor)
{
	free(supervisor->handlers);
	supervisor->handlers = NULL;
	supervisor->handler_count = 0;
}
