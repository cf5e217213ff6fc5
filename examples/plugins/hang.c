// SPDX-License-Identifier: MIT
/* A plugin that waits for ever without using the CPU: only the timeout ends it. */
#include <unistd.h>

int plugin_run(const char *input);

int plugin_run(const char *input)
{
	(void)input;
	for (;;)
		pause();
	return 0;
}
