// SPDX-License-Identifier: MIT
/* A well-behaved plugin: prints its answer and returns 0. */
#include <stdio.h>

int plugin_run(const char *input);

int plugin_run(const char *input)
{
	printf("hello, %s\n", input);
	return 0;
}
