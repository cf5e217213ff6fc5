// SPDX-License-Identifier: MIT
/* A plugin that loops for ever, using the CPU: the cpu limit ends it. */
int plugin_run(const char *input);

int plugin_run(const char *input)
{
	volatile unsigned long counter = 0;

	(void)input;
	for (;;)
		counter++;
	return 0;
}
