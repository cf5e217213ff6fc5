// SPDX-License-Identifier: MIT
/*
 * The two-part filter and the hand-off plan, without a kernel:
 *  - for seeded random policies, the notify part only notifies or allows,
 *    the enforce part never notifies, and the kernel's rule for stacked
 *    filters (the most restrictive result wins) gives back exactly what
 *    the one-piece filter says, for every call tried;
 *  - for seeded random policies and every routing of reports, the one
 *    filter (moat_filter_compile_one) says exactly what the two routed
 *    parts stacked say, hand-off calls included;
 *  - the one filter is chosen only when the policy allows the child's
 *    hand-off calls as the child makes them (a condition may read only
 *    what the hand-off fixes: sendmsg's flags), and the notify part never
 *    sends a hand-off call to the supervisor;
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

/* A call of the hand-off now and then, so that their sparing is tried. */
static int random_call_or_handoff(struct ir_random *random, const struct moat_policy *policy)
{
	size_t count;
	const struct moat_handoff_call *handoff = moat_syscall_handoff_calls(&count);

	if (ir_random_below(random, 4) == 0)
		return handoff[ir_random_below(random, count)].number;
	return random_syscall(random, policy);
}

/*
 * A hand-off call sent to the supervisor would wait for it before it
 * listens: the notify part sends one only where the policy itself says
 * `notify` (which the resolver refuses; random policies may have it).
 */
static void check_handoff_spared(moat_filter *policy, moat_filter *notify, int number,
                                 const uint64_t args[6])
{
	struct moat_action decided, first;

	if (!moat_syscall_is_handoff(number))
		return;
	assert_int_equal(moat_filter_eval(policy, number, args, &decided), 0);
	assert_int_equal(moat_filter_eval(notify, number, args, &first), 0);
	if (first.kind == MOAT_ACTION_NOTIFY && decided.kind != MOAT_ACTION_NOTIFY)
		fail_msg("the notify part notifies the hand-off's %s(%#llx, %#llx, %#llx)",
		         moat_syscall_name(number), (unsigned long long)args[0],
		         (unsigned long long)args[1], (unsigned long long)args[2]);
}

static void check_one_filter(moat_filter *one, moat_filter *notify, moat_filter *enforce,
                             int number, const uint64_t args[6])
{
	struct moat_action single, first, second;

	assert_int_equal(moat_filter_eval(one, number, args, &single), 0);
	assert_int_equal(moat_filter_eval(notify, number, args, &first), 0);
	assert_int_equal(moat_filter_eval(enforce, number, args, &second), 0);
	if (!same_action(stacked(first, second), single))
		fail_msg("%s(%#llx, %#llx, %#llx): one filter %d/%d, parts %d and %d/%d",
		         moat_syscall_name(number), (unsigned long long)args[0],
		         (unsigned long long)args[1], (unsigned long long)args[2], single.kind,
		         single.errno_value, first.kind, second.kind, second.errno_value);
}

static void test_one_filter_is_the_parts_stacked(void **state)
{
	static const unsigned routings[] = {MOAT_ROUTE_KILL, MOAT_ROUTE_ERRNO,
	                                    MOAT_ROUTE_KILL | MOAT_ROUTE_ERRNO, 0};
	struct ir_random random;
	size_t notified = 0, decided = 0;

	(void)state;
	ir_random_seed(&random, UINT64_C(0x6f6e65)); /* "one" */
	for (int i = 0; i < POLICIES; i++) {
		struct moat_policy *policy = ir_random_policy(&random, 12);
		unsigned routed = routings[i % 4];
		moat_filter *whole, *one, *notify, *enforce;
		struct moat_error error;

		if (!routed && !policy->syscalls.has_notify) {
			irb_free(policy);
			continue;
		}
		assert_int_equal(moat_filter_compile(&whole, policy, &error), 0);
		assert_int_equal(moat_filter_compile_one(policy, routed, &one, &error), 0);
		assert_int_equal(
		        moat_filter_compile_routed(policy, routed, &notify, &enforce, &error), 0);
		assert_int_equal(one->wants_listener, 1);
		for (int call = 0; call < CALLS_PER_POLICY; call++) {
			int number = random_call_or_handoff(&random, policy);
			uint64_t args[6];
			struct moat_action action;

			for (unsigned arg = 0; arg < 6; arg++)
				args[arg] = ir_random_argument(&random, policy, number, arg);
			check_one_filter(one, notify, enforce, number, args);
			check_handoff_spared(whole, notify, number, args);
			moat_filter_eval(one, number, args, &action);
			if (action.kind == MOAT_ACTION_NOTIFY)
				notified++;
			else
				decided++;
		}
		moat_filter_free(whole);
		moat_filter_free(one);
		moat_filter_free(notify);
		moat_filter_free(enforce);
		irb_free(policy);
	}
	/* Both kinds of outcome were tried. */
	assert_true(notified > 100);
	assert_true(decided > 100);
}

static void test_one_filter_needs_something_to_notify(void **state)
{
	struct irb *builder = irb_new(IRB_ERRNO(EPERM));
	struct moat_policy *policy;
	moat_filter *one;
	struct moat_error error;

	(void)state;
	irb_rule(builder, SYS_read, IRB_ALLOW, NULL);
	policy = irb_finish(builder);
	assert_int_equal(moat_filter_compile_one(policy, 0, &one, &error), -EINVAL);
	assert_null(one);
	irb_free(policy);
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

/* Whether the routed plan for `text` is one filter; checks the plan's shape either way. */
static bool routed_plan_is_one_filter(const char *text, unsigned routed)
{
	moat_policy *policy = load(text);
	struct moat_handoff_plan plan;
	struct moat_error error;
	bool fits = moat_filter_routed_fits_one(policy, routed);

	assert_int_equal(moat_handoff_plan_build_routed(&plan, policy, 6, routed, false, &error),
	                 0);
	assert_non_null(plan.notify_part);
	assert_true(plan.notify_part->wants_listener);
	assert_int_equal(plan.enforce_part == NULL, fits);
	moat_handoff_plan_release(&plan);
	moat_policy_free(policy);
	return fits;
}

/* A policy that allows the hand-off's calls outright, but for sendmsg, which the text after
 * decides. */
#define HANDOFF_BUT_SENDMSG                                                                        \
	"moat 1\n[syscalls]\ndefault kill\nallow close write exit_group execve\n"

static void test_one_filter_only_when_the_handoff_is_allowed(void **state)
{
	static const char *const two_parts[] = {
	        /* The hand-off's sendmsg would be killed before the listener left. */
	        "moat 1\n[syscalls]\ndefault allow\nkill sendmsg\n",
	        "moat 1\n[syscalls]\ndefault kill\nallow close write exit_group execve\n",
	        /* Refused with an errno: the listener would stay in the child. */
	        "moat 1\n[syscalls]\ndefault allow\nerrno EPERM close\n",
	        /* Allowed on a condition only: not for every argument. */
	        "moat 1\n[syscalls]\ndefault allow\nkill close if arg0 == 3\n",
	        ("moat 1\n[syscalls]\ndefault kill\n"
	         "allow sendmsg close write exit_group execve if arg0 < 100\n"),
	        /* Logged is not allowed outright. */
	        "moat 1\n[syscalls]\ndefault allow\nlog write\n",
	        /* `notify` rules of its own keep the two parts. */
	        "moat 1\n[syscalls]\ndefault allow\nnotify openat\nkill socket\n",
	        /* sendmsg allowed on its flags, but not with the hand-off's MSG_NOSIGNAL. */
	        HANDOFF_BUT_SENDMSG "allow sendmsg if arg2 == 0\n",
	        "moat 1\n[syscalls]\ndefault allow\nkill sendmsg if arg2 & MSG_NOSIGNAL != 0\n",
	        /* A condition on the descriptor or the message the hand-off does not fix. */
	        HANDOFF_BUT_SENDMSG "allow sendmsg if arg0 > 2\n",
	        HANDOFF_BUT_SENDMSG "allow sendmsg if arg2 & MSG_FASTOPEN == 0 && arg0 > 2\n",
	        "moat 1\n[syscalls]\ndefault allow\nerrno EPERM sendmsg if arg1 == 0\n",
	        /* An earlier rule on the descriptor could decide before the flags are read. */
	        (HANDOFF_BUT_SENDMSG "kill sendmsg if arg0 == 3\n"
	                             "allow sendmsg if arg2 & MSG_FASTOPEN == 0\n"),
	};
	static const char *const one_filter[] = {
	        "moat 1\n[syscalls]\ndefault allow\n",
	        ("moat 1\n[syscalls]\ndefault allow\nkill socket if arg0 == AF_INET\n"
	         "errno EACCES socket\n"),
	        /* prctl and seccomp only install the enforce part, which it lacks. */
	        "moat 1\n[syscalls]\ndefault allow\nkill prctl seccomp\n",
	        ("moat 1\n[syscalls]\ndefault kill\n"
	         "allow sendmsg close write exit_group execve\nallow fcntl if arg1 == 1\n"),
	        /* sendmsg allowed on a condition that holds for the hand-off's flags. */
	        HANDOFF_BUT_SENDMSG "allow sendmsg if arg2 & MSG_FASTOPEN == 0\n",
	        HANDOFF_BUT_SENDMSG "allow sendmsg if arg2 in {0, MSG_NOSIGNAL}\n",
	        "moat 1\n[syscalls]\ndefault allow\nkill sendmsg if arg2 & MSG_OOB != 0\n",
	        /* A rule that holds for them decides before one on the descriptor. */
	        (HANDOFF_BUT_SENDMSG "allow sendmsg if arg2 & MSG_FASTOPEN == 0\n"
	                             "kill sendmsg if arg0 == 3\n"),
	};
	moat_policy *policy;

	(void)state;
	for (size_t i = 0; i < sizeof(two_parts) / sizeof(two_parts[0]); i++) {
		if (routed_plan_is_one_filter(two_parts[i], MOAT_ROUTE_KILL))
			fail_msg("one filter for:\n%s", two_parts[i]);
	}
	for (size_t i = 0; i < sizeof(one_filter) / sizeof(one_filter[0]); i++) {
		if (!routed_plan_is_one_filter(one_filter[i], MOAT_ROUTE_KILL))
			fail_msg("two parts for:\n%s", one_filter[i]);
		assert_true(routed_plan_is_one_filter(one_filter[i], MOAT_ROUTE_ERRNO));
	}
	/* Nothing routed: nothing for one filter to notify. */
	policy = load(one_filter[0]);
	assert_false(moat_filter_routed_fits_one(policy, 0));
	moat_policy_free(policy);
}

/*
 * policies/system.policy leaves sendmsg to its `default kill` (@stdio has
 * sendto, not sendmsg, which can pass descriptors): two parts. Allowed as
 * @inet and @sendfd allow it, without TCP Fast Open, the policy is one
 * filter, and that filter, run by the interpreter, allows the hand-off's
 * sendmsg whatever its descriptor and message: the decision the IR gave is
 * the compiled one. Positive control: allowed only without flags, two parts.
 */
static void test_system_policy_with_sendmsg_is_one_filter(void **state)
{
	static const uint64_t descriptors[] = {0, 3, 30, 1023};
	moat_policy *system = test_load_system("");
	moat_policy *fast_open =
	        test_load_system("[syscalls]\nallow sendmsg if arg2 & MSG_FASTOPEN == 0\n");
	moat_policy *no_flags = test_load_system("[syscalls]\nallow sendmsg if arg2 == 0\n");
	moat_filter *one;
	struct moat_error error;

	(void)state;
	assert_false(moat_filter_routed_fits_one(system, MOAT_ROUTE_KILL));
	assert_true(moat_filter_routed_fits_one(fast_open, MOAT_ROUTE_KILL));
	assert_true(moat_filter_routed_fits_one(fast_open, MOAT_ROUTE_KILL | MOAT_ROUTE_ERRNO));
	assert_false(moat_filter_routed_fits_one(no_flags, MOAT_ROUTE_KILL));
	assert_int_equal(moat_filter_compile_one(fast_open, MOAT_ROUTE_KILL, &one, &error), 0);
	for (size_t i = 0; i < sizeof(descriptors) / sizeof(descriptors[0]); i++) {
		uint64_t handoff[6] = {descriptors[i], UINT64_C(0x7ffc12345678),
		                       MOAT_HANDOFF_SENDMSG_FLAGS};
		uint64_t fast[6] = {descriptors[i], UINT64_C(0x7ffc12345678),
		                    MOAT_HANDOFF_SENDMSG_FLAGS | MSG_FASTOPEN};
		struct moat_action action;

		assert_int_equal(moat_filter_eval(one, SYS_sendmsg, handoff, &action), 0);
		assert_int_equal(action.kind, MOAT_ACTION_ALLOW);
		/* The program's own sendmsg is still decided: Fast Open is not allowed. */
		assert_int_equal(moat_filter_eval(one, SYS_sendmsg, fast, &action), 0);
		assert_int_not_equal(action.kind, MOAT_ACTION_ALLOW);
	}
	moat_filter_free(one);
	moat_policy_free(system);
	moat_policy_free(fast_open);
	moat_policy_free(no_flags);
}

/*
 * Regression: a hand-off call with conditional rules only, under a routed
 * `default kill`, fell to the routed default in the notify part, so the
 * hand-off's own sendmsg waited for the supervisor it was handing the
 * listener to. The notify part allows it; the enforce part keeps the kill.
 */
static void test_notify_part_spares_a_conditional_handoff_call(void **state)
{
	moat_policy *policy = load(HANDOFF_BUT_SENDMSG "allow sendmsg if arg2 == 0\n");
	uint64_t handoff[6] = {30, UINT64_C(0x7ffc12345678), MOAT_HANDOFF_SENDMSG_FLAGS};
	moat_filter *notify, *enforce;
	struct moat_action action;
	struct moat_error error;

	(void)state;
	assert_int_equal(
	        moat_filter_compile_routed(policy, MOAT_ROUTE_KILL, &notify, &enforce, &error), 0);
	assert_int_equal(moat_filter_eval(notify, SYS_sendmsg, handoff, &action), 0);
	assert_int_equal(action.kind, MOAT_ACTION_ALLOW);
	assert_int_equal(moat_filter_eval(enforce, SYS_sendmsg, handoff, &action), 0);
	assert_int_equal(action.kind, MOAT_ACTION_KILL_PROCESS);
	/* Positive control: a call that is not the hand-off's goes to the supervisor. */
	assert_int_equal(moat_filter_eval(notify, SYS_socket, handoff, &action), 0);
	assert_int_equal(action.kind, MOAT_ACTION_NOTIFY);
	moat_filter_free(notify);
	moat_filter_free(enforce);
	moat_policy_free(policy);
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
	        cmocka_unit_test(test_one_filter_is_the_parts_stacked),
	        cmocka_unit_test(test_one_filter_needs_something_to_notify),
	        cmocka_unit_test(test_one_filter_only_when_the_handoff_is_allowed),
	        cmocka_unit_test(test_system_policy_with_sendmsg_is_one_filter),
	        cmocka_unit_test(test_notify_part_spares_a_conditional_handoff_call),
	        cmocka_unit_test(test_notify_on_the_handoff_calls_is_refused),
	        cmocka_unit_test(test_plan_isolation_follows_landlock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
