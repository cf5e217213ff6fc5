// SPDX-License-Identifier: MIT
/* A plugin that allocates without end, and aborts when an allocation fails. */
#include <stdlib.h>
#include <string.h>

int plugin_run(const char *input);

int plugin_run(const char *input)
{
	(void)input;
	for (;;) {
		char *block = malloc(1 << 20);

		if (!block)
			abort();
		memset(block, 1, 1 << 20);
		/* The block escapes, so no compiler can elide the allocation (clang would). */
		__asm__ volatile("" : : "r"(block) : "memory");
	}
	return 0;
}
