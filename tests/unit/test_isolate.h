/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the tests of lib/isolate/: policies loaded from text,
 * and the checks that skip a test the machine cannot run. Children that
 * run as root or as uid 65534 come from test_process.h.
 */
#ifndef MOAT_TEST_ISOLATE_H
#define MOAT_TEST_ISOLATE_H

#include "test_process.h"

#include <sched.h>
#include <sys/prctl.h>

#include "isolate/internal.h"
#include "policy_support.h"

/* The policy `text`, which must load; fails the test with its diagnostics otherwise. */
static inline moat_policy *it_load(const char *text)
{
	struct test_diagnostics diagnostics;
	moat_policy *policy = test_load(text, &diagnostics);

	if (!policy)
		fail_msg("the policy does not load:\n%s", diagnostics.text);
	return policy;
}

struct it_child {
	pt_action *action;
	void *context;
};

static inline int it_dumpable_action(void *context)
{
	const struct it_child *child = context;

	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	return child->action(child->context);
}

/*
 * pt_run() as a process started as `user` would be: one that dropped root
 * without execve is not dumpable, and moat refuses to give such a process a
 * user namespace (the kernel would not let the sandbox write its uid map).
 */
static inline int it_run(enum pt_user user, pt_action *action, void *context)
{
	struct it_child child = {action, context};

	return pt_run(user, it_dumpable_action, &child);
}

/* The user of a pt_test_as_both test, skipping what this machine cannot run. */
static inline enum pt_user it_user_of(void **state)
{
	enum pt_user user = pt_user_of(state);

	if (user == PT_NOBODY_USER || geteuid() != 0)
		pt_skip_without_user_namespaces();
	return user;
}

#endif /* MOAT_TEST_ISOLATE_H */
