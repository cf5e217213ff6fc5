// SPDX-License-Identifier: MIT
/*
 * The supervisor out of the sandbox's reach, tested as an unprivileged user
 * (uid 65534 when the suite runs as root: root's CAP_SYS_PTRACE would pass
 * every check):
 *  - moat_supervisor_new() makes its process non-dumpable: a process of the
 *    same user can no longer ptrace it or open its /proc/PID/mem, which it
 *    could before (positive control);
 *  - a sandbox made by moat_handoff_child() cannot signal, ptrace or read
 *    the memory of the supervisor or of any other process outside it, while
 *    the same sandbox without the Landlock domain can (positive control).
 *
 * Everything runs in a "lab" child of the test that drops its user first;
 * the lab reports through its exit status and never calls cmocka.
 */
#include "test_supervise.h"

#include <grp.h>
#include <sys/ptrace.h>

#define NOBODY        65534
#define SERVED_PARENT 4242

enum {
	LAB_DROP_FAILED = 100,
	LAB_SETUP_FAILED = 101,
	LAB_NO_USER_NOTIFICATION = 77,
};

/* A supervisor in the lab: its error as an exit code. */
static int lab_supervisor(moat_supervisor **supervisor)
{
	struct moat_error error;
	int result = moat_supervisor_new(supervisor, NULL, &error);

	if (result == -ENOSYS || result == -EINVAL)
		return LAB_NO_USER_NOTIFICATION;
	return result < 0 ? LAB_SETUP_FAILED : 0;
}

/* The lab's exit code, with a skip when the kernel has no user notification. */
static int lab_result(pid_t lab)
{
	int result = sv_wait(lab);

	if (result == LAB_NO_USER_NOTIFICATION) {
		print_message("skipped: no seccomp user notification\n");
		skip();
	}
	return result;
}

static moat_policy *policy;
static struct sv_lazy_plan lazy_plan;

static int setup(void **state)
{
	(void)state;
	policy = sv_policy("moat 1\n[syscalls]\ndefault allow\nnotify getppid\n", NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sv_lazy_plan_release(&lazy_plan);
	moat_policy_free(policy);
	return 0;
}

static int drop_to_nobody(void)
{
	if (getuid() != 0)
		return 0;
	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		return -1;
	/* Changing the user made the process non-dumpable; a program starts dumpable. */
	return prctl(PR_SET_DUMPABLE, 1);
}

/* What a process can do to `target`: each field 0 or the errno. */
struct reach {
	int signal;
	int trace;
	int memory;
};

static struct reach reach(pid_t target)
{
	struct reach result = {0};
	char path[64];
	int fd;

	if (kill(target, 0) < 0)
		result.signal = errno;
	/* SEIZE does not stop the target; ending the tracer detaches it. */
	if (ptrace(PTRACE_SEIZE, target, NULL, NULL) < 0)
		result.trace = errno;
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)target);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		result.memory = errno;
	else
		close(fd);
	return result;
}

/* Runs reach() in a child (so that its tracing ends with it) and returns the result. */
struct probe {
	pid_t target;
	int report;
	bool sandboxed;
};

static int probe_body(void *context)
{
	const struct probe *probe = context;
	struct reach result = reach(probe->target);

	/* A sandbox is served: its notified call reaches the lab's handler. */
	SV_EXPECT(!probe->sandboxed || getppid() == SERVED_PARENT);
	SV_EXPECT(write(probe->report, &result, sizeof(result)) == sizeof(result));
	return 0;
}

static int read_reach(int fd, struct reach *result)
{
	return read(fd, result, sizeof(*result)) == sizeof(*result) ? 0 : -1;
}

/* An unsandboxed process of the lab's user probes `target`. */
static int probe_plain(pid_t target, struct reach *result)
{
	int report[2];
	struct probe probe = {target, 0, false};
	pid_t pid;
	int status;

	if (pipe(report) < 0)
		return -1;
	probe.report = report[1];
	pid = fork();
	if (pid == 0)
		_exit(probe_body(&probe));
	waitpid(pid, &status, 0);
	status = read_reach(report[0], result);
	close(report[0]);
	close(report[1]);
	return status;
}

static int served_parent(const struct moat_notification *notification, moat_memory *memory,
                         struct moat_reply *reply, void *context)
{
	(void)notification;
	(void)memory;
	(void)context;
	reply->kind = MOAT_REPLY_VALUE;
	reply->value = SERVED_PARENT;
	return 0;
}

/* A sandbox (with or without the plan's isolation) probes `target`, served by `supervisor`. */
static int probe_sandboxed(moat_supervisor *supervisor, unsigned isolation, pid_t target,
                           struct reach *result)
{
	struct moat_handoff_plan variant = lazy_plan.plan;
	struct probe probe = {target, 0, true};
	struct moat_error error;
	int report[2], listener, left, status;
	pid_t pid;

	if (pipe(report) < 0)
		return -1;
	probe.report = report[1];
	variant.isolation = isolation;
	pid = sv_spawn(&variant, 0, probe_body, &probe, &listener, &error);
	if (pid < 0 || moat_supervisor_add(supervisor, listener, policy, pid, &error) < 0)
		return -1;
	do
		left = moat_supervisor_dispatch(supervisor, 1000);
	while (left > 0);
	waitpid(pid, &status, 0);
	status = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? read_reach(report[0], result) : -1;
	close(report[0]);
	close(report[1]);
	return status;
}

/* ---- non-dumpable ------------------------------------------------------------ */

static int dumpable_lab(void)
{
	struct moat_supervisor *supervisor;
	struct reach before, after;
	int result = 0;

	if (drop_to_nobody() < 0)
		return LAB_DROP_FAILED;
	/* Positive control: a dumpable process of the same user is within reach. */
	if (probe_plain(getpid(), &before) < 0)
		return LAB_SETUP_FAILED;
	if (before.trace || before.memory)
		return 1;
	result = lab_supervisor(&supervisor);
	if (result)
		return result;
	if (prctl(PR_GET_DUMPABLE) != 0)
		result = 2;
	else if (probe_plain(getpid(), &after) < 0)
		result = LAB_SETUP_FAILED;
	else if (after.trace != EPERM || (after.memory != EACCES && after.memory != EPERM))
		result = 3;
	moat_supervisor_free(supervisor);
	return result;
}

static void test_supervisor_is_not_dumpable(void **state)
{
	pid_t pid = fork();

	(void)state;
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(dumpable_lab());
	/* 1: the control failed; 2: still dumpable; 3: still within reach. */
	assert_int_equal(lab_result(pid), 0);
}

/* ---- the sandbox cannot reach out --------------------------------------------- */

struct isolation_results {
	struct reach contained_supervisor; /* the sandbox -> the supervisor */
	struct reach contained_other;      /* the sandbox -> another process of the user */
	struct reach open_supervisor;      /* without the Landlock domain */
	struct reach open_other;
};

static int isolation_lab(int report)
{
	unsigned contained = lazy_plan.plan.isolation;
	struct isolation_results results;
	struct moat_supervisor *supervisor;
	struct moat_error error;
	pid_t other;
	int result = 0;

	if (drop_to_nobody() < 0)
		return LAB_DROP_FAILED;
	/* Another process of the same user, outside the sandbox, dumpable. */
	other = fork();
	if (other == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	if (other < 0)
		return LAB_SETUP_FAILED;
	result = lab_supervisor(&supervisor);
	if (result)
		return result;
	if (moat_supervisor_handle(supervisor, "getppid", served_parent, NULL, &error) < 0)
		result = LAB_SETUP_FAILED;
	if (result == 0 &&
	    (probe_sandboxed(supervisor, contained, getpid(), &results.contained_supervisor) ||
	     probe_sandboxed(supervisor, contained, other, &results.contained_other) ||
	     probe_sandboxed(supervisor, 0, getpid(), &results.open_supervisor) ||
	     probe_sandboxed(supervisor, 0, other, &results.open_other)))
		result = LAB_SETUP_FAILED;
	moat_supervisor_free(supervisor);
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
	if (result == 0 && write(report, &results, sizeof(results)) != sizeof(results))
		result = LAB_SETUP_FAILED;
	return result;
}

static void test_sandbox_cannot_reach_out(void **state)
{
	struct isolation_results results;
	int report[2];
	pid_t pid;

	(void)state;
	sv_lazy_plan_get(&lazy_plan, policy);
	if (!(lazy_plan.plan.isolation & MOAT_HANDOFF_SCOPE_SIGNALS)) {
		print_message("Landlock ABI 6 is missing: no signal scoping to test\n");
		skip();
	}
	assert_int_equal(pipe(report), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(isolation_lab(report[1]));
	assert_int_equal(lab_result(pid), 0);
	assert_int_equal(read(report[0], &results, sizeof(results)), sizeof(results));
	close(report[0]);
	close(report[1]);
	/* Positive controls: without the domain, signals get through, and a dumpable process is
	 * open. */
	assert_int_equal(results.open_supervisor.signal, 0);
	assert_int_equal(results.open_other.signal, 0);
	assert_int_equal(results.open_other.trace, 0);
	assert_int_equal(results.open_other.memory, 0);
	/* The supervisor itself is non-dumpable, so even then it cannot be traced. */
	assert_int_equal(results.open_supervisor.trace, EPERM);
	/* In the sandbox: no signal, no ptrace, no memory, for the supervisor or anyone outside. */
	assert_int_equal(results.contained_supervisor.signal, EPERM);
	assert_int_equal(results.contained_supervisor.trace, EPERM);
	assert_true(results.contained_supervisor.memory == EACCES ||
	            results.contained_supervisor.memory == EPERM);
	assert_int_equal(results.contained_other.signal, EPERM);
	assert_int_equal(results.contained_other.trace, EPERM);
	assert_true(results.contained_other.memory == EACCES ||
	            results.contained_other.memory == EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_supervisor_is_not_dumpable),
	        cmocka_unit_test(test_sandbox_cannot_reach_out),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
