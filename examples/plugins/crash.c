// SPDX-License-Identifier: MIT
/* A plugin that crashes: a write through a null pointer. */
int plugin_run(const char *input);

int plugin_run(const char *input)
{
	volatile char *nowhere = 0;

	(void)input;
	*nowhere = 1;
	return 0;
}
