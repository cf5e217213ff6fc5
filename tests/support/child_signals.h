// SPDX-License-Identifier: MIT
/*
 * For a test's forked child: cmocka catches SIGSEGV, SIGILL, SIGFPE, SIGBUS
 * and SIGSYS while a test runs and jumps back into its runner. A child that
 * inherited those handlers and faulted would go on running the rest of the
 * suite instead of dying, and its parent would see an exit, not the signal.
 */
#ifndef MOAT_TEST_CHILD_SIGNALS_H
#define MOAT_TEST_CHILD_SIGNALS_H

#include <signal.h>

static inline void child_default_signals(void)
{
	static const int caught_by_cmocka[] = {SIGSEGV, SIGILL, SIGFPE, SIGBUS, SIGSYS};

	for (unsigned i = 0; i < sizeof(caught_by_cmocka) / sizeof(caught_by_cmocka[0]); i++)
		signal(caught_by_cmocka[i], SIG_DFL);
}

#endif /* MOAT_TEST_CHILD_SIGNALS_H */
