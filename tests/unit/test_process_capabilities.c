// SPDX-License-Identifier: MIT
/*
 * `capabilities none|keep` and no_new_privs: what a child holds after the
 * step, what a privileged action does with and without it, and what
 * survives execve (tests/programs/process_report reports it).
 */
#include "test_process.h"

#include <linux/capability.h>
#include <linux/securebits.h>
#include <sched.h>
#include <sys/prctl.h>

#define BIT(capability) (UINT64_C(1) << (capability))

#define LOCKED_SECUREBITS                                                                          \
	(SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |                           \
	 SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED)

/* A privileged port: below ip_unprivileged_port_start on a default system. */
#define PRIVILEGED_PORT "80"

struct capability_case {
	struct moat_process_plan *plan; /* NULL: the positive control */
	int file;                       /* to chown */
	int out;                        /* where process_report writes */
	const char *program;
};

static struct moat_process_plan *capability_plan(uint64_t keep)
{
	struct moat_policy policy;

	pt_policy_init(&policy);
	policy.process.capabilities_keep = keep;
	return pt_plan(&policy, NULL);
}

/* The value of `name` in /proc/PID/status text ("CapEff"), or UINT64_MAX. */
static uint64_t status_field(const char *text, const char *name)
{
	const char *found = strstr(text, name);

	if (!found || found[strlen(name)] != ':')
		return UINT64_MAX;
	return strtoull(found + strlen(name) + 1, NULL, 16);
}

static bool skip_unless_root(void)
{
	if (geteuid() == 0)
		return false;
	print_message("not root: this test needs capabilities to drop\n");
	skip();
	return true;
}

/* ---- capabilities none ------------------------------------------------ */

/*
 * As root: drop, then check the five sets, the securebits, and that chown
 * to another user is refused. As uid 65534 the capabilities to drop come
 * from a user namespace of its own; sethostname in a UTS namespace owned
 * by it is the privileged action. The child returns the errno of that
 * action, or 0.
 */
static int drop_and_act(void *context)
{
	struct capability_case *test = context;
	bool root = geteuid() == 0;

	if (unshare(root ? CLONE_NEWUTS : CLONE_NEWUSER | CLONE_NEWUTS) < 0)
		return PT_CHILD_BROKEN;
	if (test->plan) {
		if (moat_process_apply_capabilities(test->plan, NULL) < 0)
			return PT_CHILD_APPLY_FAILED;
		if (pt_status_hex("CapEff") || pt_status_hex("CapPrm") || pt_status_hex("CapInh") ||
		    pt_status_hex("CapAmb") || pt_status_hex("CapBnd"))
			return PT_CHILD_BROKEN + 1;
		if (prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != LOCKED_SECUREBITS)
			return PT_CHILD_BROKEN + 2;
		/* Locked: the sandbox cannot turn them off again. */
		if (prctl(PR_SET_SECUREBITS, 0, 0, 0, 0) == 0 || errno != EPERM)
			return PT_CHILD_BROKEN + 3;
	}
	if (root && fchown(test->file, PT_NOBODY, (gid_t)-1) < 0)
		return errno;
	if (sethostname("sandbox", 7) < 0)
		return errno;
	return 0;
}

static void test_none(void **state)
{
	enum pt_user user = pt_user_of(state);
	char path[] = "/tmp/moat-test-chown-XXXXXX";
	int file;
	struct capability_case dropped = {NULL};
	struct capability_case control = {NULL};

	if (user == PT_NOBODY_USER)
		pt_skip_without_user_namespaces();
	file = mkstemp(path);
	assert_true(file >= 0);
	assert_int_equal(unlink(path), 0); /* the children chown the open file */
	dropped.plan = capability_plan(0);
	dropped.file = control.file = file;
	pt_assert_exit(pt_run(user, drop_and_act, &dropped), EPERM);
	pt_assert_exit(pt_run(user, drop_and_act, &control), 0);
	close(file);
	moat_process_plan_free(dropped.plan);
}

/*
 * Without CAP_SETPCAP (uid 65534, no user namespace) there is nothing to
 * drop and the bounding set cannot change: the step succeeds, the four
 * process sets stay empty, the bounding set stays as it was. no_new_privs
 * is what stops execve from granting anything then.
 */
static int drop_without_setpcap(void *context)
{
	uint64_t bounding = pt_status_hex("CapBnd");

	if (moat_process_apply_capabilities(context, NULL) < 0)
		return PT_CHILD_APPLY_FAILED;
	if (pt_status_hex("CapEff") || pt_status_hex("CapPrm") || pt_status_hex("CapInh") ||
	    pt_status_hex("CapAmb"))
		return PT_CHILD_BROKEN;
	return pt_status_hex("CapBnd") == bounding ? 0 : PT_CHILD_BROKEN + 1;
}

static void test_none_without_setpcap(void **state)
{
	struct moat_process_plan *plan = capability_plan(0);

	(void)state;
	pt_assert_exit(pt_run(PT_NOBODY_USER, drop_without_setpcap, plan), 0);
	moat_process_plan_free(plan);
}

/* ---- across execve ---------------------------------------------------- */

/* Runs process_report caps and bind in a network namespace of its own. */
static int exec_report(struct capability_case *test)
{
	char *const argv[] = {(char *)test->program, "caps", "bind", PRIVILEGED_PORT, NULL};

	if (dup2(test->out, STDOUT_FILENO) < 0)
		return PT_CHILD_BROKEN;
	execv(test->program, argv);
	return PT_CHILD_BROKEN + 1;
}

static int drop_as_root_and_exec(void *context)
{
	struct capability_case *test = context;

	if (unshare(CLONE_NEWNET) < 0)
		return PT_CHILD_BROKEN;
	if (test->plan && moat_process_apply_capabilities(test->plan, NULL) < 0)
		return PT_CHILD_APPLY_FAILED;
	return exec_report(test);
}

/*
 * Becomes uid 65534 keeping its capabilities, the way a sandbox is entered
 * as a non-root user inside a user namespace, then applies the step with
 * no_new_privs and execs.
 */
static int keep_as_nobody_and_exec(void *context)
{
	struct capability_case *test = context;

	if (unshare(CLONE_NEWNET) < 0 || prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return PT_CHILD_BROKEN;
	if (pt_become(PT_NOBODY_USER) < 0)
		return PT_CHILD_DROP_FAILED;
	if (test->plan) {
		if (moat_process_apply_capabilities(test->plan, NULL) < 0 ||
		    moat_process_apply_no_new_privs(test->plan, NULL) < 0)
			return PT_CHILD_APPLY_FAILED;
	} else if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		return PT_CHILD_BROKEN + 1;
	}
	return exec_report(test);
}

static void run_report(pt_action *action, struct capability_case *test, char *output, size_t size)
{
	pt_assert_exit(pt_run_reading(PT_ROOT, action, test, &test->out, output, size), 0);
}

static bool find_report(struct capability_case *test)
{
	static char path[PATH_MAX];

	test->program = path;
	return pt_program(path, sizeof(path), "process_report");
}

/* Root cannot regain capabilities by executing a program (SECBIT_NOROOT, empty bounding set). */
static void test_none_across_exec_as_root(void **state)
{
	struct capability_case dropped = {capability_plan(0)};
	struct capability_case control = {NULL};
	char output[2048];

	(void)state;
	if (skip_unless_root() || !find_report(&dropped))
		return;
	control.program = dropped.program;

	run_report(drop_as_root_and_exec, &dropped, output, sizeof(output));
	assert_int_equal(status_field(output, "CapEff"), 0);
	assert_int_equal(status_field(output, "CapPrm"), 0);
	assert_int_equal(status_field(output, "CapInh"), 0);
	assert_int_equal(status_field(output, "CapAmb"), 0);
	assert_int_equal(status_field(output, "CapBnd"), 0);
	assert_non_null(strstr(output, "bind 13\n")); /* EACCES */

	run_report(drop_as_root_and_exec, &control, output, sizeof(output));
	assert_true(status_field(output, "CapEff") & BIT(CAP_NET_BIND_SERVICE));
	assert_non_null(strstr(output, "bind 0\n"));
	moat_process_plan_free(dropped.plan);
}

/*
 * `capabilities keep CAP_NET_BIND_SERVICE` for uid 65534: the kept
 * capability, and nothing else, survives execve of an ordinary program.
 * Without the step the capabilities are lost at execve.
 */
static void test_keep_across_exec_as_nobody(void **state)
{
	struct capability_case kept = {capability_plan(BIT(CAP_NET_BIND_SERVICE))};
	struct capability_case control = {NULL};
	char output[2048];
	const char *fields[] = {"CapEff", "CapPrm", "CapInh", "CapAmb", "CapBnd"};
	size_t i;

	(void)state;
	if (skip_unless_root() || !find_report(&kept))
		return;
	control.program = kept.program;

	run_report(keep_as_nobody_and_exec, &kept, output, sizeof(output));
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		assert_int_equal(status_field(output, fields[i]), BIT(CAP_NET_BIND_SERVICE));
	assert_non_null(strstr(output, "bind 0\n"));

	run_report(keep_as_nobody_and_exec, &control, output, sizeof(output));
	assert_int_equal(status_field(output, "CapEff"), 0);
	assert_int_equal(status_field(output, "CapAmb"), 0);
	assert_non_null(strstr(output, "bind 13\n"));
	moat_process_plan_free(kept.plan);
}

/* Keeping a capability the process does not hold is an error, not a silent drop. */
static int keep_missing(void *context)
{
	struct moat_error error = {0};
	int result = moat_process_apply_capabilities(context, &error);

	return result == -EPERM && strstr(error.message, "capability 10") ? 0 : PT_CHILD_BROKEN;
}

static void test_keep_not_held(void **state)
{
	struct moat_process_plan *plan = capability_plan(BIT(CAP_NET_BIND_SERVICE));

	(void)state;
	pt_assert_exit(pt_run(PT_NOBODY_USER, keep_missing, plan), 0);
	moat_process_plan_free(plan);
}

/* ---- no_new_privs ----------------------------------------------------- */

static int report_no_new_privs(void *context)
{
	if (context && moat_process_apply_no_new_privs(context, NULL) < 0)
		return PT_CHILD_APPLY_FAILED;
	return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
}

static void test_no_new_privs(void **state)
{
	enum pt_user user = pt_user_of(state);
	struct moat_process_plan *plan = capability_plan(0);

	pt_assert_exit(pt_run(user, report_no_new_privs, plan), 1);
	pt_assert_exit(pt_run(user, report_no_new_privs, NULL), 0);
	moat_process_plan_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        pt_test_as_both(test_none),
	        cmocka_unit_test(test_none_without_setpcap),
	        cmocka_unit_test(test_none_across_exec_as_root),
	        cmocka_unit_test(test_keep_across_exec_as_nobody),
	        cmocka_unit_test(test_keep_not_held),
	        pt_test_as_both(test_no_new_privs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
