// SPDX-License-Identifier: MIT
/*
 * Process hygiene: inherited descriptors, the environment and the working
 * directory the program gets, the new session (no controlling terminal, so
 * no TIOCSTI into the caller's terminal), and death with the parent. Each
 * runs in a forked child as root and as uid 65534, next to a positive
 * control without the step.
 */
#include "test_process.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

struct hygiene_case {
	struct moat_process_plan *plan; /* NULL: the positive control */
	int inherited;                  /* a descriptor the caller left open by accident */
	int kept[2];                    /* descriptors passed on purpose */
	int out;                        /* where process_report writes */
	const char *program;
	const char *const *environment;
	const char *directory;
};

static struct moat_process_plan *default_plan(void)
{
	struct moat_policy policy;

	pt_policy_init(&policy);
	return pt_plan(&policy, NULL);
}

/* Starts `action`, collects what it writes to test->out, returns its wait status. */
static int run_report(enum pt_user user, pt_action *action, struct hygiene_case *test, char *output,
                      size_t size)
{
	return pt_run_reading(user, action, test, &test->out, output, size);
}

/* ---- descriptors ------------------------------------------------------ */

/*
 * An inherited descriptor (no O_CLOEXEC: the accident under test, reading
 * one byte) between two kept ones (O_CLOEXEC, which the step clears),
 * listed out of order: kept[1] < inherited < kept[0].
 */
static void make_descriptors(struct hygiene_case *test)
{
	int pipe_fds[2];

	assert_int_equal(pipe2(pipe_fds, O_CLOEXEC), 0);
	assert_int_equal(write(pipe_fds[1], "x", 1), 1);
	test->kept[1] = fcntl(pipe_fds[1], F_DUPFD_CLOEXEC, 50);
	test->inherited = fcntl(pipe_fds[0], F_DUPFD, test->kept[1] + 1);
	test->kept[0] = fcntl(pipe_fds[1], F_DUPFD_CLOEXEC, test->inherited + 1);
	assert_true(test->kept[1] >= 50 && test->inherited > test->kept[1] &&
	            test->kept[0] > test->inherited);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
}

static void close_descriptors(const struct hygiene_case *test)
{
	close(test->inherited);
	close(test->kept[0]);
	close(test->kept[1]);
}

static int apply_descriptors(const struct hygiene_case *test)
{
	return moat_process_apply_descriptors(test->plan, test->kept, 2, NULL);
}

/* Returns 0 when the inherited descriptor still reads, else the errno. */
static int read_inherited(const struct hygiene_case *test)
{
	char byte;

	if (read(test->inherited, &byte, 1) != 1)
		return errno;
	return 0;
}

/* 0 when both kept descriptors are open and no longer close-on-exec. */
static int check_kept(const struct hygiene_case *test)
{
	return fcntl(test->kept[0], F_GETFD) == 0 && fcntl(test->kept[1], F_GETFD) == 0 ? 0 : -1;
}

static int close_and_read(void *context)
{
	struct hygiene_case *test = context;

	if (test->plan && apply_descriptors(test) < 0)
		return PT_CHILD_APPLY_FAILED;
	if (test->plan && check_kept(test) < 0)
		return PT_CHILD_BROKEN;
	return read_inherited(test);
}

static void test_inherited_descriptor_closed(void **state)
{
	enum pt_user user = pt_user_of(state);
	struct hygiene_case closed = {default_plan()};
	struct hygiene_case control = {NULL};

	make_descriptors(&closed);
	control = closed;
	control.plan = NULL;
	pt_assert_exit(pt_run(user, close_and_read, &closed), EBADF);
	pt_assert_exit(pt_run(user, close_and_read, &control), 0);
	close_descriptors(&closed);
	moat_process_plan_free(closed.plan);
}

/* Whether process_report's "fds 0 1 2 ..." line names `fd`. */
static bool lists_descriptor(const char *output, int fd)
{
	const char *cursor = strchr(output, ' ');

	while (cursor) {
		char *end;
		long listed = strtol(cursor + 1, &end, 10);

		if (listed == fd)
			return true;
		cursor = strchr(end, ' ');
	}
	return false;
}

static int exec_report_descriptors(void *context)
{
	struct hygiene_case *test = context;
	char *const argv[] = {(char *)test->program, "fds", NULL};

	if (dup2(test->out, STDOUT_FILENO) < 0)
		return PT_CHILD_BROKEN;
	if (test->plan && apply_descriptors(test) < 0)
		return PT_CHILD_APPLY_FAILED;
	execv(test->program, argv);
	return PT_CHILD_BROKEN + 1;
}

/*
 * After execve the program has 0, 1, 2 and the kept descriptors, and not
 * the inherited one. The control shows the opposite for all three.
 */
static void test_kept_descriptors_survive_exec(void **state)
{
	enum pt_user user = pt_user_of(state);
	char program[PATH_MAX];
	char output[256];
	char expected[64];
	struct hygiene_case step = {default_plan()};
	struct hygiene_case control;

	if (!pt_program(program, sizeof(program), "process_report"))
		return;
	make_descriptors(&step);
	step.program = program;
	control = step;
	control.plan = NULL;

	pt_assert_exit(run_report(user, exec_report_descriptors, &step, output, sizeof(output)), 0);
	snprintf(expected, sizeof(expected), "fds 0 1 2 %d %d\n", step.kept[1], step.kept[0]);
	assert_string_equal(output, expected);

	pt_assert_exit(run_report(user, exec_report_descriptors, &control, output, sizeof(output)),
	               0);
	assert_true(lists_descriptor(output, step.inherited));
	assert_false(lists_descriptor(output, step.kept[0]));
	assert_false(lists_descriptor(output, step.kept[1]));

	close_descriptors(&step);
	moat_process_plan_free(step.plan);
}

/* close_range answers ENOSYS, as on a kernel before 5.9. */
static int deny_close_range(void)
{
	struct sock_filter code[] = {
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_close_range, 0, 1),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog program = {sizeof(code) / sizeof(code[0]), code};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program, 0, 0) < 0)
		return -1;
	return syscall(SYS_close_range, 1000, 1000, 0) < 0 && errno == ENOSYS ? 0 : -1;
}

/* The /proc/self/fd fallback closes the inherited descriptor and keeps the kept ones. */
static int close_without_close_range(void *context)
{
	if (deny_close_range() < 0)
		return PT_CHILD_BROKEN + 1;
	return close_and_read(context);
}

static void test_descriptors_fallback(void **state)
{
	enum pt_user user = pt_user_of(state);
	struct hygiene_case step = {default_plan()};

	make_descriptors(&step);
	pt_assert_exit(pt_run(user, close_without_close_range, &step), EBADF);
	close_descriptors(&step);
	moat_process_plan_free(step.plan);
}

/* `close-fds no`: nothing is closed, but the kept descriptors still lose close-on-exec. */
static void test_close_fds_no(void **state)
{
	enum pt_user user = pt_user_of(state);
	struct moat_policy policy;
	struct hygiene_case step = {NULL};

	pt_policy_init(&policy);
	policy.process.close_fds = false;
	step.plan = pt_plan(&policy, NULL);
	make_descriptors(&step);
	pt_assert_exit(pt_run(user, close_and_read, &step), 0);
	close_descriptors(&step);
	moat_process_plan_free(step.plan);
}

static void test_kept_descriptor_not_open(void **state)
{
	struct moat_process_plan *plan = default_plan();
	struct moat_error error = {0};
	int closed = fcntl(0, F_DUPFD_CLOEXEC, 200);

	(void)state;
	assert_true(closed >= 0);
	close(closed);
	/* Checked before anything is closed, so this runs in the test process itself. */
	assert_int_equal(moat_process_apply_descriptors(plan, &closed, 1, &error), -EBADF);
	assert_non_null(strstr(error.message, "is not open"));
	moat_process_plan_free(plan);
}

/* ---- environment ------------------------------------------------------ */

static int exec_report_environment(void *context)
{
	struct hygiene_case *test = context;
	char *const argv[] = {(char *)test->program, "env", NULL};

	if (dup2(test->out, STDOUT_FILENO) < 0)
		return PT_CHILD_BROKEN;
	execve(test->program, argv, (char *const *)test->environment);
	return PT_CHILD_BROKEN + 1;
}

/* What the program sees is exactly the plan's environment. */
static void test_environment_reaches_program(void **state)
{
	static const char *const caller[] = {"SECRET=caller", "PATH=/bin", NULL};
	static const char *const keep[] = {"PATH"};
	static const char *const set[] = {"LANG=C"};
	enum pt_user user = pt_user_of(state);
	char program[PATH_MAX];
	char output[512];
	struct moat_policy policy;
	struct moat_process_plan *cleared;
	struct moat_process_plan *kept;
	struct moat_process_plan *inherited;
	struct hygiene_case test = {NULL};

	if (!pt_program(program, sizeof(program), "process_report"))
		return;
	test.program = program;
	pt_policy_init(&policy);
	policy.process.environment_set = set;
	policy.process.environment_set_count = 1;
	inherited = pt_plan(&policy, caller);
	policy.process.environment = MOAT_ENVIRONMENT_CLEAR;
	cleared = pt_plan(&policy, caller);
	policy.process.environment = MOAT_ENVIRONMENT_KEEP;
	policy.process.environment_keep = keep;
	policy.process.environment_keep_count = 1;
	kept = pt_plan(&policy, caller);

	test.environment = moat_process_plan_environment(cleared);
	pt_assert_exit(run_report(user, exec_report_environment, &test, output, sizeof(output)), 0);
	assert_string_equal(output, "LANG=C\n");
	test.environment = moat_process_plan_environment(kept);
	pt_assert_exit(run_report(user, exec_report_environment, &test, output, sizeof(output)), 0);
	assert_string_equal(output, "PATH=/bin\nLANG=C\n");
	/* The control: the caller's secret reaches a program that inherits. */
	test.environment = moat_process_plan_environment(inherited);
	pt_assert_exit(run_report(user, exec_report_environment, &test, output, sizeof(output)), 0);
	assert_string_equal(output, "SECRET=caller\nPATH=/bin\nLANG=C\n");

	moat_process_plan_free(cleared);
	moat_process_plan_free(kept);
	moat_process_plan_free(inherited);
}

/* ---- cwd -------------------------------------------------------------- */

static int report_cwd(void *context)
{
	struct hygiene_case *test = context;
	char cwd[PATH_MAX];

	if (test->plan && moat_process_apply_cwd(test->plan, NULL) < 0)
		return PT_CHILD_APPLY_FAILED;
	if (!getcwd(cwd, sizeof(cwd)))
		return PT_CHILD_BROKEN;
	return strcmp(cwd, test->directory) == 0 ? 0 : 1;
}

static int cwd_missing(void *context)
{
	struct moat_error error = {0};
	int result = moat_process_apply_cwd(context, &error);

	return result == -ENOENT && strstr(error.message, "/nonexistent") ? 0 : PT_CHILD_BROKEN;
}

static void test_cwd(void **state)
{
	enum pt_user user = pt_user_of(state);
	char directory[] = "/tmp/moat-test-cwd-XXXXXX";
	struct moat_policy policy;
	struct hygiene_case step = {NULL, .directory = directory};
	struct hygiene_case control = {NULL, .directory = directory};
	struct moat_process_plan *missing;
	int step_status, control_status;

	pt_policy_init(&policy);
	assert_non_null(mkdtemp(directory));
	chmod(directory, 0755);
	policy.process.cwd = directory;
	step.plan = pt_plan(&policy, NULL);
	policy.process.cwd = "/nonexistent/moat";
	missing = pt_plan(&policy, NULL);

	step_status = pt_run(user, report_cwd, &step);
	control_status = pt_run(user, report_cwd, &control);
	assert_int_equal(rmdir(directory), 0);
	pt_assert_exit(step_status, 0);
	pt_assert_exit(control_status, 1);
	pt_assert_exit(pt_run(user, cwd_missing, missing), 0);
	moat_process_plan_free(step.plan);
	moat_process_plan_free(missing);
}

/* ---- new session ------------------------------------------------------ */

/* What a process under the test terminal could do, as bits of its exit status. */
enum {
	TTY_OPENED = 1 << 0,     /* open("/dev/tty") worked: it has a controlling terminal */
	TTY_ENXIO = 1 << 1,      /* ... failed with ENXIO: it has none */
	TIOCSTI_WORKED = 1 << 2, /* pushed a character into the terminal's input */
	TIOCSTI_EPERM = 1 << 3,
};

struct session_case {
	struct moat_process_plan *plan;
	enum pt_user user;
	int terminal; /* the slave side of the pty */
};

static int try_terminal(const struct session_case *test, bool apply)
{
	int result = 0;
	int fd;

	if (pt_become(test->user) < 0)
		return PT_CHILD_DROP_FAILED;
	if (apply && moat_process_apply_session(test->plan, NULL) < 0)
		return PT_CHILD_APPLY_FAILED;
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		result |= TTY_OPENED;
		close(fd);
	} else if (errno == ENXIO) {
		result |= TTY_ENXIO;
	}
	if (ioctl(test->terminal, TIOCSTI, "x") == 0)
		result |= TIOCSTI_WORKED;
	else if (errno == EPERM)
		result |= TIOCSTI_EPERM;
	return result;
}

static int run_under_terminal(const struct session_case *test, bool apply)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(try_terminal(test, apply));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Starts a session whose controlling terminal is a new pty (the caller's
 * terminal in the attack), then runs the control and the step in two
 * children of it. Exits with the control's bits in the low nibble and the
 * step's in the high one.
 */
static int session_with_terminal(void *context)
{
	struct session_case *test = context;
	int master, control, step;

	if (setsid() < 0)
		return PT_CHILD_BROKEN;
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		return PT_CHILD_BROKEN + 1;
	/* The first terminal a session leader opens becomes its controlling one. */
	test->terminal = open(ptsname(master), O_RDWR | O_CLOEXEC);
	if (test->terminal < 0)
		return PT_CHILD_BROKEN + 2;
	control = run_under_terminal(test, false);
	step = run_under_terminal(test, true);
	if (control < 0 || step < 0 || control > 15 || step > 15)
		return PT_CHILD_BROKEN + 3;
	return control | step << 4;
}

static bool legacy_tiocsti(void)
{
	FILE *file = fopen("/proc/sys/dev/tty/legacy_tiocsti", "re");
	int value = 1; /* before Linux 6.2 there was no way to turn it off */

	if (file) {
		if (fscanf(file, "%d", &value) != 1)
			value = 0;
		fclose(file);
	}
	return value == 1;
}

/*
 * After the step the process has no controlling terminal: /dev/tty gives
 * ENXIO, and TIOCSTI on the terminal it still holds a descriptor of fails
 * with EPERM. TIOCSTI is checked as uid 65534 only: root's CAP_SYS_ADMIN
 * allows it on any terminal, which `capabilities none` takes away.
 */
static void test_new_session(void **state)
{
	struct session_case test = {default_plan(), pt_user_of(state), -1};
	int status = pt_run(PT_ROOT, session_with_terminal, &test);
	int control, step;

	assert_true(WIFEXITED(status));
	assert_true(WEXITSTATUS(status) < PT_CHILD_DROP_FAILED ||
	            WEXITSTATUS(status) > PT_CHILD_BROKEN + 3);
	control = WEXITSTATUS(status) & 15;
	step = WEXITSTATUS(status) >> 4;
	assert_true(control & TTY_OPENED);
	assert_true(step & TTY_ENXIO);
	if (test.user == PT_NOBODY_USER) {
		/* Whatever the kernel allows, the step leaves nothing to push into. */
		assert_false(step & TIOCSTI_WORKED);
		if (legacy_tiocsti()) {
			assert_true(control & TIOCSTI_WORKED);
			assert_true(step & TIOCSTI_EPERM);
		} else {
			print_message(
			        "SKIP: TIOCSTI positive control: dev.tty.legacy_tiocsti is 0, "
			        "the kernel refuses TIOCSTI to uid 65534 on any terminal\n");
		}
	}
	moat_process_plan_free(test.plan);
}

/* ---- die with the parent ---------------------------------------------- */

struct death_case {
	struct moat_process_plan *plan; /* NULL: the positive control */
	enum pt_user user;
};

/* What the harness saw, as its exit status. */
enum {
	DEATH_KILLED = 0,   /* the sandbox died of SIGKILL when its parent exited */
	DEATH_SURVIVED = 1, /* it was still running 200 ms after */
	DEATH_APPLY_FAILED = 2,
};

/*
 * The sandbox: applies the step, reports, then executes a program that
 * waits (the request must survive execve) until it is killed.
 */
static void sandbox(const struct death_case *test, pid_t parent, int report)
{
	char result = 'R';

	if (pt_become(test->user) < 0)
		_exit(PT_CHILD_DROP_FAILED);
	if (test->plan && moat_process_apply_parent_death(test->plan, parent, NULL) < 0)
		result = 'E';
	if (write(report, &result, 1) != 1)
		_exit(PT_CHILD_BROKEN);
	execl("/bin/sleep", "sleep", "10", (char *)NULL);
	for (;;) /* without /bin/sleep, wait here */
		pause();
}

/* Whether `pid` (a child of ours) ends within `milliseconds`; reaps it then. */
static bool ends_within(pid_t pid, int milliseconds, int *status)
{
	struct timespec pause_time = {0, 10 * 1000 * 1000};
	int waited;

	for (waited = 0; waited <= milliseconds; waited += 10) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return true;
		nanosleep(&pause_time, NULL);
	}
	return false;
}

/*
 * The harness is a subreaper: when the middle process (the sandbox's
 * parent) exits, the sandbox becomes the harness's child, so the harness
 * can see how it ends and clean it up either way.
 */
static int death_harness(void *context)
{
	const struct death_case *test = context;
	int report[2];
	pid_t middle, sandbox_pid;
	char result;
	int status;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0 || pipe2(report, O_CLOEXEC) < 0)
		return PT_CHILD_BROKEN;
	middle = fork();
	if (middle < 0)
		return PT_CHILD_BROKEN + 1;
	if (middle == 0) {
		pid_t self = getpid();

		sandbox_pid = fork();
		if (sandbox_pid == 0)
			sandbox(test, self, report[1]);
		/* Exit once the sandbox is ready: that is the parent death under test. */
		if (sandbox_pid < 0 || read(report[0], &result, 1) != 1 ||
		    write(report[1], &result, 1) != 1 ||
		    write(report[1], &sandbox_pid, sizeof(sandbox_pid)) != sizeof(sandbox_pid))
			_exit(1);
		_exit(0);
	}
	close(report[1]);
	if (waitpid(middle, &status, 0) != middle || status != 0 ||
	    read(report[0], &result, 1) != 1 ||
	    read(report[0], &sandbox_pid, sizeof(sandbox_pid)) != sizeof(sandbox_pid))
		return PT_CHILD_BROKEN + 2;
	/* Killed at once with the step; the control gets 200 ms to show it lives on. */
	if (ends_within(sandbox_pid, test->plan ? 2000 : 200, &status))
		return result == 'R' && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL
		               ? DEATH_KILLED
		               : PT_CHILD_BROKEN + 3;
	kill(sandbox_pid, SIGKILL);
	waitpid(sandbox_pid, &status, 0);
	return result == 'R' ? DEATH_SURVIVED : DEATH_APPLY_FAILED;
}

static void test_die_with_parent(void **state)
{
	struct death_case step = {default_plan(), pt_user_of(state)};
	struct death_case control = {NULL, step.user};

	pt_assert_exit(pt_run(PT_ROOT, death_harness, &step), DEATH_KILLED);
	pt_assert_exit(pt_run(PT_ROOT, death_harness, &control), DEATH_SURVIVED);
	moat_process_plan_free(step.plan);
}

/*
 * A parent that died before the prctl sent no signal; getppid() shows it,
 * and the step refuses. The sandbox waits for its parent to be gone first;
 * the harness, a subreaper, then collects the sandbox's verdict.
 */
static int parent_dies_first(void *context)
{
	int status;
	pid_t middle;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return PT_CHILD_BROKEN;
	middle = fork();
	if (middle == 0) {
		pid_t parent = getpid();

		if (fork() == 0) {
			struct timespec pause_time = {0, 1000 * 1000};
			struct moat_error error = {0};
			int waited;

			for (waited = 0; getppid() == parent && waited < 2000; waited++)
				nanosleep(&pause_time, NULL);
			_exit(moat_process_apply_parent_death(context, parent, &error) == -ESRCH &&
			                      strstr(error.message, "exited before")
			              ? 0
			              : 1);
		}
		_exit(0);
	}
	if (middle < 0 || waitpid(middle, &status, 0) != middle)
		return PT_CHILD_BROKEN + 1;
	/* The middle process is gone: its child is ours now, and our only one. */
	if (waitpid(-1, &status, 0) < 0 || !WIFEXITED(status))
		return PT_CHILD_BROKEN + 2;
	return WEXITSTATUS(status);
}

static void test_parent_died_first(void **state)
{
	struct moat_process_plan *plan = default_plan();

	(void)state;
	pt_assert_exit(pt_run(PT_ROOT, parent_dies_first, plan), 0);
	moat_process_plan_free(plan);
}

/*
 * Why the step comes after every uid change: the kernel clears the
 * parent-death signal when the credentials change.
 */
static int change_uid_after(void *context)
{
	int signal_number = 0;

	if (moat_process_apply_parent_death(context, getppid(), NULL) < 0)
		return PT_CHILD_APPLY_FAILED;
	if (prctl(PR_GET_PDEATHSIG, &signal_number, 0, 0, 0) < 0 || signal_number != SIGKILL)
		return PT_CHILD_BROKEN;
	if (pt_become(PT_NOBODY_USER) < 0)
		return PT_CHILD_DROP_FAILED;
	if (prctl(PR_GET_PDEATHSIG, &signal_number, 0, 0, 0) < 0)
		return PT_CHILD_BROKEN + 1;
	return signal_number;
}

static void test_uid_change_clears_parent_death(void **state)
{
	struct moat_process_plan *plan = default_plan();

	(void)state;
	if (geteuid() != 0) {
		print_message("not root: cannot change uid\n");
		skip();
	}
	pt_assert_exit(pt_run(PT_ROOT, change_uid_after, plan), 0);
	moat_process_plan_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        pt_test_as_both(test_inherited_descriptor_closed),
	        pt_test_as_both(test_kept_descriptors_survive_exec),
	        pt_test_as_both(test_descriptors_fallback),
	        pt_test_as_both(test_close_fds_no),
	        cmocka_unit_test(test_kept_descriptor_not_open),
	        pt_test_as_both(test_environment_reaches_program),
	        pt_test_as_both(test_cwd),
	        pt_test_as_both(test_new_session),
	        pt_test_as_both(test_die_with_parent),
	        cmocka_unit_test(test_parent_died_first),
	        cmocka_unit_test(test_uid_change_clears_parent_death),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
