// SPDX-License-Identifier: MIT
/* A plugin that allocates without end, and aborts when an allocation fails. */
#include <stdlib.h>
#include <string.h>

int plugin_run(const char *input);

int plugin_run(const char *input)
{
	/* The blocks escape through here: a compiler may not elide the allocations. */
	static char *volatile kept;

	(void)input;
	for (;;) {
		char *block = malloc(1 << 20);

		if (!block)
			abort();
		memset(block, 1, 1 << 20);
		kept = block;
	}
	return 0;
}
