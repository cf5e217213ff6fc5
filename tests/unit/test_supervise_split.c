// SPDX-License-Identifier: MIT
/*
 * The two-part filter and the hand-off plan, without a kernel:
 *  - for seeded random policies, the notify part only notifies or allows,
 *    the enforce part never notifies, and the kernel's rule for stacked
 *    filters (the most restrictive result wins) gives back exactly what
 *    the one-piece filter says, for every call tried;
 *  - the plan refuses a policy that would route the hand-off's own calls
 *    to the supervisor, and decides the isolation from the Landlock ABI.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>

#include "ir_builder.h"
#include "ir_random.h"
#include "moat.h"
#include "seccomp/filter.h"
#include "policy_support.h"
#include "seccomp/split.h"
#include "supervise/handoff.h"
#include "syscalls/syscalls.h"

#define POLICIES         300
#define CALLS_PER_POLICY 40

/* The kernel's choice between two filters' results: the lower kind is more restrictive. */
static struct moat_action stacked(struct moat_action first, struct moat_action second)
{
	return second.kind < first.kind ? second : first;
}

static bool same_action(struct moat_action a, struct moat_action b)
{
	return a.kind == b.kind && (a.kind != MOAT_ACTION_ERRNO || a.errno_value == b.errno_value);
}

/* A random policy that has at least one `notify` rule. */
static struct moat_policy *random_notify_policy(struct ir_random *random)
{
	for (;;) {
		struct moat_policy *policy = ir_random_policy(random, 12);

		if (policy->syscalls.has_notify)
			return policy;
		irb_free(policy);
	}
}

/* A syscall the policy has rules for, or any syscall. */
static int random_syscall(struct ir_random *random, const struct moat_policy *policy)
{
	if (policy->syscalls.count && ir_random_below(random, 4))
		return policy->syscalls.syscalls[ir_random_below(random, policy->syscalls.count)]
		        .number;
	for (;;) {
		int number = (int)ir_random_below(random, 460);

		if (moat_syscall_name(number))
			return number;
	}
}

static void check_call(moat_filter *whole, moat_filter *notify, moat_filter *enforce, int number,
                       const uint64_t args[6])
{
	struct moat_action expected, first, second;

	assert_int_equal(moat_filter_eval(whole, number, args, &expected), 0);
	assert_int_equal(moat_filter_eval(notify, number, args, &first), 0);
	assert_int_equal(moat_filter_eval(enforce, number, args, &second), 0);
	assert_true(first.kind == MOAT_ACTION_NOTIFY || first.kind == MOAT_ACTION_ALLOW);
	assert_true(second.kind != MOAT_ACTION_NOTIFY);
	if (!same_action(stacked(first, second), expected))
		fail_msg("%s(%#llx, %#llx, %#llx): policy %d/%d, parts %d and %d/%d",
		         moat_syscall_name(number), (unsigned long long)args[0],
		         (unsigned long long)args[1], (unsigned long long)args[2], expected.kind,
		         expected.errno_value, first.kind, second.kind, second.errno_value);
}

static void test_parts_stack_to_the_policy(void **state)
{
	struct ir_random random;
	size_t notified = 0, enforced = 0;

	(void)state;
	ir_random_seed(&random, UINT64_C(0x73706c6974)); /* "split" */
	for (int i = 0; i < POLICIES; i++) {
		struct moat_policy *policy = random_notify_policy(&random);
		moat_filter *whole, *notify, *enforce;
		struct moat_error error;

		assert_int_equal(moat_filter_compile(&whole, policy, &error), 0);
		assert_int_equal(moat_filter_compile_split(policy, &notify, &enforce, &error), 0);
		assert_int_equal(notify->wants_listener, 1);
		assert_int_equal(enforce->wants_listener, 0);
		for (int call = 0; call < CALLS_PER_POLICY; call++) {
			int number = random_syscall(&random, policy);
			uint64_t args[6];
			struct moat_action action;

			for (unsigned arg = 0; arg < 6; arg++)
				args[arg] = ir_random_argument(&random, policy, number, arg);
			check_call(whole, notify, enforce, number, args);
			moat_filter_eval(whole, number, args, &action);
			if (action.kind == MOAT_ACTION_NOTIFY)
				notified++;
			else
				enforced++;
		}
		moat_filter_free(whole);
		moat_filter_free(notify);
		moat_filter_free(enforce);
		irb_free(policy);
	}
	/* Both kinds of outcome were tried. */
	assert_true(notified > 100);
	assert_true(enforced > 100);
}

static void test_split_needs_notify(void **state)
{
	struct irb *builder = irb_new(IRB_ERRNO(EPERM));
	struct moat_policy *policy;
	moat_filter *notify, *enforce;
	struct moat_error error;

	(void)state;
	irb_rule(builder, SYS_read, IRB_ALLOW, NULL);
	policy = irb_finish(builder);
	assert_int_equal(moat_filter_compile_split(policy, &notify, &enforce, &error), -EINVAL);
	assert_null(notify);
	assert_null(enforce);
	irb_free(policy);
}

/* ---- the hand-off plan ------------------------------------------------------- */

static moat_policy *load(const char *text)
{
	struct test_diagnostics diagnostics;
	moat_policy *policy = test_load(text, &diagnostics);

	if (!policy)
		fail_msg("policy does not load:\n%s", diagnostics.text);
	return policy;
}

/* Builds the plan for `text`; returns its result and the error's line. */
static int plan_for(const char *text, int abi, struct moat_handoff_plan *plan,
                    struct moat_error *error)
{
	moat_policy *policy = load(text);
	int result = moat_handoff_plan_build(plan, policy, abi, error);

	moat_policy_free(policy);
	return result;
}

static void test_notify_on_the_handoff_calls_is_refused(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *syscall;
	} refused[] = {
	        {"moat 1\n[syscalls]\ndefault allow\nnotify openat close\n", 4, "close"},
	        {"moat 1\n[syscalls]\ndefault notify\nallow read sendmsg\n", 3, "close"},
	        {"moat 1\n[syscalls]\ndefault allow\nnotify openat\n"
	         "notify sendmsg if arg0 == 3\n",
	         5, "sendmsg"},
	        {"moat 1\n[syscalls]\ndefault allow\nnotify seccomp\n", 4, "seccomp"},
	        {"moat 1\n[syscalls]\ndefault allow\nnotify execve\n", 4, "execve"},
	};
	struct test_diagnostics diagnostics;
	struct moat_handoff_plan plan;
	struct moat_error error;

	(void)state;
	/* The resolver refuses them, so `moat check` says so too. */
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_null(test_load(refused[i].text, &diagnostics));
		assert_int_equal(diagnostics.error.line, refused[i].line);
		assert_non_null(strstr(diagnostics.error.message, refused[i].syscall));
	}
	/* Other actions for those calls are fine, conditions and all. */
	assert_int_equal(plan_for("moat 1\n[syscalls]\ndefault allow\nnotify openat connect\n"
	                          "errno EPERM sendmsg if arg0 == 3\nkill seccomp\n",
	                          7, &plan, &error),
	                 0);
	assert_non_null(plan.notify_part);
	assert_non_null(plan.enforce_part);
	moat_handoff_plan_release(&plan);
	/* A `default notify` made harmless by explicit rules. */
	assert_int_equal(plan_for("moat 1\n[syscalls]\ndefault notify\n"
	                          "allow close sendmsg prctl seccomp exit_group execve write\n",
	                          7, &plan, &error),
	                 0);
	moat_handoff_plan_release(&plan);
}

static void test_plan_isolation_follows_landlock(void **state)
{
	static const char strict[] = "moat 1\n[syscalls]\ndefault allow\nnotify openat\n";
	static const char lenient[] =
	        "moat 1\ncompat best-effort\n[syscalls]\ndefault allow\nnotify openat\n";
	struct moat_handoff_plan plan;
	struct moat_error error;

	(void)state;
	assert_int_equal(plan_for(strict, 6, &plan, &error), 0);
	assert_int_equal(plan.isolation, MOAT_HANDOFF_LANDLOCK | MOAT_HANDOFF_SCOPE_SIGNALS);
	assert_null(plan.dropped);
	moat_handoff_plan_release(&plan);
	/* Below ABI 6 signals cannot be scoped: refused, or reported under best-effort. */
	assert_int_equal(plan_for(strict, 5, &plan, &error), -EOPNOTSUPP);
	assert_non_null(strstr(error.message, "signals"));
	assert_int_equal(plan_for(lenient, 5, &plan, &error), 0);
	assert_int_equal(plan.isolation, MOAT_HANDOFF_LANDLOCK);
	assert_non_null(plan.dropped);
	moat_handoff_plan_release(&plan);
	assert_int_equal(plan_for(lenient, 0, &plan, &error), 0);
	assert_int_equal(plan.isolation, 0);
	assert_non_null(strstr(plan.dropped, "ptrace"));
	moat_handoff_plan_release(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parts_stack_to_the_policy),
	        cmocka_unit_test(test_split_needs_notify),
	        cmocka_unit_test(test_notify_on_the_handoff_calls_is_refused),
	        cmocka_unit_test(test_plan_isolation_follows_landlock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
