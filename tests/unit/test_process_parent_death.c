// SPDX-License-Identifier: MIT
/*
 * die-with-parent through moat_spawn(), for a library caller: the sandbox
 * lives as long as the calling *process*, not the thread that called
 * moat_spawn(), and dies with it; and where the PID namespace it relies on
 * cannot be had, `compat strict` refuses and `compat best-effort` falls back
 * to the program's own parent-death signal and says so. As root and as
 * uid 65534. (tests/integration/parent_death.sh kills `moat run` under a
 * program that tries to outlive it.)
 *
 * Every child of the test is reaped and every sandbox killed, whatever the
 * outcome: the test process is a subreaper, so what the dead caller leaves
 * comes back to it.
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy_support.h"

#define NOBODY 65534

enum user { ROOT, NOBODY_USER };

#define test_as_both(function)                                                                     \
	cmocka_unit_test_prestate(function, (void *)(uintptr_t)ROOT),                              \
	        cmocka_unit_test_prestate(function, (void *)(uintptr_t)NOBODY_USER)

static moat_policy *load_system(const char *extra)
{
	struct test_diagnostics diagnostics;
	char text[4096];
	moat_policy *policy;

	snprintf(text, sizeof(text),
	         "moat 1\n%s\ninclude \"%s/policies/system.policy\"\n[syscalls]\nallow @proc\n",
	         extra, getenv("MOAT_SOURCE_DIR"));
	policy = test_load(text, &diagnostics);
	if (!policy)
		fail_msg("policy refused:\n%s", diagnostics.text);
	return policy;
}

static int become(enum user user)
{
	if (user == ROOT)
		return 0;
	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		return -1;
	return 0;
}

/* The user of a test; skips what this machine cannot run. */
static enum user user_of(void **state)
{
	enum user user = (enum user)(uintptr_t)*state;
	pid_t probe;
	int status;

	if (geteuid() != 0) {
		print_message("not root: cannot run the test as root and as uid 65534\n");
		skip();
	}
	if (user == ROOT)
		return user;
	probe = fork();
	assert_true(probe >= 0);
	if (probe == 0)
		_exit(become(user) == 0 && unshare(CLONE_NEWUSER | CLONE_NEWPID) == 0 ? 0 : 1);
	assert_int_equal(waitpid(probe, &status, 0), probe);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		print_message("uid 65534 cannot create user and PID namespaces here\n");
		skip();
	}
	return user;
}

/* The state letter of /proc/PID/stat; 0 when the process is gone. */
static char state_of(pid_t pid)
{
	char path[64], text[512], *close_paren;
	FILE *stat_file;
	size_t length;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	stat_file = fopen(path, "re");
	if (!stat_file)
		return 0;
	length = fread(text, 1, sizeof(text) - 1, stat_file);
	fclose(stat_file);
	text[length] = '\0';
	close_paren = strrchr(text, ')');
	return close_paren && close_paren[1] == ' ' ? close_paren[2] : 0;
}

static bool running(pid_t pid)
{
	char state = state_of(pid);

	return state != 0 && state != 'Z';
}

/* True once `pid` has ended (gone or a zombie), waiting up to `milliseconds`. */
static bool ends_within(pid_t pid, int milliseconds)
{
	struct timespec pause_time = {0, 10 * 1000 * 1000};

	for (int waited = 0; waited <= milliseconds; waited += 10) {
		if (!running(pid))
			return true;
		nanosleep(&pause_time, NULL);
	}
	return false;
}

/* The first child of `pid`, as /proc lists it; 0 when it has none. */
static pid_t first_child(pid_t pid)
{
	char path[96];
	FILE *children;
	int child = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	children = fopen(path, "re");
	if (!children)
		return 0;
	if (fscanf(children, "%d", &child) != 1)
		child = 0;
	fclose(children);
	return child;
}

/* Kills what a test left and reaps every child of the test process. */
static void clean_up(const pid_t *pids, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
	while (waitpid(-1, NULL, 0) > 0)
		continue;
}

/* ---- a sandbox started from a thread ------------------------------------ */

struct thread_start {
	bool naive; /* the positive control: a child with PR_SET_PDEATHSIG instead */
	int report; /* where the thread writes the pid it started */
};

static void *start_from_thread(void *context)
{
	const struct thread_start *start = context;
	char *argv[] = {"/bin/sleep", "30", NULL};
	struct moat_error error;
	moat_child *child;
	pid_t pid = -1;

	if (start->naive) {
		int asked[2];

		if (pipe(asked) < 0)
			_exit(1);
		pid = fork();
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
			if (write(asked[1], "a", 1) != 1)
				_exit(1);
			pause();
			_exit(0);
		}
		/* The thread ends only once the child has asked for the signal. */
		if (pid > 0 && read(asked[0], &(char){0}, 1) != 1)
			pid = -1;
		close(asked[0]);
		close(asked[1]);
	} else {
		moat_policy *policy = load_system("");

		if (moat_spawn(&child, policy, argv[0], argv, NULL, &error) == 0)
			pid = moat_child_pid(child);
		moat_policy_free(policy);
	}
	if (write(start->report, &pid, sizeof(pid)) != sizeof(pid))
		_exit(1);
	return NULL;
}

/*
 * The caller: a process whose thread starts the sandbox and exits; then it
 * waits to be killed. Returns the caller's pid; `*started` is what the
 * thread started, once the thread has ended.
 */
static pid_t start_caller(enum user user, bool naive, pid_t *started)
{
	int report[2];
	pid_t caller;

	assert_int_equal(pipe(report), 0);
	caller = fork();
	assert_true(caller >= 0);
	if (caller == 0) {
		struct thread_start start = {naive, report[1]};
		pthread_t thread;

		alarm(20); /* a test that failed must not leave it behind for long */
		close(report[0]);
		/* Dumpable again after the uid change, as a caller that just exec'd is. */
		if (become(user) < 0 || prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0 ||
		    pthread_create(&thread, NULL, start_from_thread, &start) != 0 ||
		    pthread_join(thread, NULL) != 0 || write(report[1], "j", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(report[1]);
	*started = -1;
	if (read(report[0], started, sizeof(*started)) != sizeof(*started))
		*started = -1;
	/* The second byte says the thread has been joined: it has ended. */
	if (read(report[0], &(char){0}, 1) != 1)
		*started = -1;
	close(report[0]);
	return caller;
}

static void test_sandbox_outlives_the_thread_not_the_process(void **state)
{
	enum user user = user_of(state);
	pid_t pids[3] = {0}, program;

	pids[0] = start_caller(user, false, &pids[1]);
	if (pids[1] <= 0) {
		clean_up(pids, 3);
		fail_msg("moat_spawn from a thread failed");
	}
	/* The thread that called moat_spawn() has ended: the sandbox lives on. */
	usleep(300 * 1000);
	program = pids[2] = first_child(pids[1]);
	if (!running(pids[1]) || program <= 0 || !running(program)) {
		clean_up(pids, 3);
		fail_msg("the sandbox died with the thread that started it");
	}
	/* The calling process is killed: init and the program die with it. */
	kill(pids[0], SIGKILL);
	if (!ends_within(pids[1], 2000) || !ends_within(program, 2000)) {
		clean_up(pids, 3);
		fail_msg("the sandbox outlived the process that started it");
	}
	clean_up(pids, 3);
}

/* Positive control: PR_SET_PDEATHSIG alone fires when the parent thread ends. */
static void test_death_signal_follows_the_thread(void **state)
{
	enum user user = user_of(state);
	pid_t pids[2] = {0};

	pids[0] = start_caller(user, true, &pids[1]);
	if (pids[1] <= 0) {
		clean_up(pids, 2);
		fail_msg("the naive child did not start");
	}
	if (!ends_within(pids[1], 2000)) {
		clean_up(pids, 2);
		fail_msg("positive control: a death signal outlived the thread that asked for it");
	}
	clean_up(pids, 2);
}

/* ---- when no PID namespace can be had ----------------------------------- */

struct warnings {
	char text[1024];
};

static void collect(const struct moat_diagnostic *diagnostic, void *context)
{
	struct warnings *warnings = context;
	size_t used = strlen(warnings->text);

	snprintf(warnings->text + used, sizeof(warnings->text) - used, "%s\n", diagnostic->message);
}

enum {
	FELL_BACK = 10,      /* ran without the namespace, and said so */
	NAMESPACED,          /* ran as pid 2 under init, nothing said */
	REFUSED,             /* strict refused, naming what is missing */
	UNEXPECTED_FAILURE,  /* moat_spawn failed otherwise */
	UNEXPECTED_RESULT,   /* ran, but not as expected */
	CALLER_BROKEN = 120, /* the test's own child could not set up */
};

struct undumpable_case {
	const char *compat;
	bool dumpable; /* the control: a caller that may write the sandbox's uid map */
};

/*
 * An unprivileged caller that changed its uid without execve is not
 * dumpable, so the user namespace that its PID namespace needs cannot be
 * given a uid map: moat_spawn() cannot bind the sandbox to it.
 */
static int spawn_undumpable(void *context)
{
	const struct undumpable_case *test = context;
	char *argv[] = {"/bin/sh", "-c", "test $$ = 2", NULL};
	struct warnings warnings = {{0}};
	struct moat_sandbox_options options = {.version = MOAT_SANDBOX_OPTIONS_VERSION,
	                                       .on_diagnostic = collect,
	                                       .diagnostic_context = &warnings};
	moat_policy *policy = load_system(test->compat);
	struct moat_error error;
	moat_child *child;
	int status, result;

	if (become(NOBODY_USER) < 0 || prctl(PR_SET_DUMPABLE, test->dumpable, 0, 0, 0) < 0)
		return CALLER_BROKEN;
	result = moat_spawn(&child, policy, argv[0], argv, &options, &error);
	moat_policy_free(policy);
	if (result == -EPERM && strstr(error.message, "dumpable"))
		return REFUSED;
	if (result < 0)
		return UNEXPECTED_FAILURE;
	if (moat_child_wait(child, &status) < 0 || !WIFEXITED(status))
		return UNEXPECTED_RESULT;
	moat_child_free(child);
	if (WEXITSTATUS(status) != 0 && strstr(warnings.text, "die-with-parent"))
		return FELL_BACK;
	if (WEXITSTATUS(status) == 0 && !warnings.text[0])
		return NAMESPACED;
	return UNEXPECTED_RESULT;
}

static int run_case(const struct undumpable_case *test)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(20);
		_exit(spawn_undumpable((void *)test));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_without_a_pid_namespace(void **state)
{
	struct undumpable_case strict = {"", false};
	struct undumpable_case best_effort = {"compat best-effort", false};
	struct undumpable_case control = {"compat best-effort", true};

	*state = (void *)(uintptr_t)NOBODY_USER;
	user_of(state);
	assert_int_equal(run_case(&strict), REFUSED);
	assert_int_equal(run_case(&best_effort), FELL_BACK);
	assert_int_equal(run_case(&control), NAMESPACED);
}

static int make_subreaper(void **state)
{
	(void)state;
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        test_as_both(test_sandbox_outlives_the_thread_not_the_process),
	        test_as_both(test_death_signal_follows_the_thread),
	        cmocka_unit_test(test_without_a_pid_namespace),
	};

	return cmocka_run_group_tests(tests, make_subreaper, NULL);
}
