// SPDX-License-Identifier: MIT
/*
 * [limits]: every resource limit, applied in a forked child as root and as
 * uid 65534, each against a positive control (the same child without the
 * step) that shows the action works when the limit is not there.
 */
#include "test_process.h"

#include <dirent.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>

#define MIB (UINT64_C(1) << 20)

struct limit_case {
	struct moat_process_plan *plan; /* NULL: the positive control */
	int fd;
	bool capabilities_none; /* also drop every capability after the limits */
};

static struct moat_process_plan *limit_plan(enum moat_limit_resource resource, uint64_t soft,
                                            uint64_t hard)
{
	struct moat_policy policy;

	pt_policy_init(&policy);
	policy.limits.present = true;
	policy.limits.limits[resource].present = true;
	policy.limits.limits[resource].soft = soft;
	policy.limits.limits[resource].hard = hard;
	return pt_plan(&policy, NULL);
}

static int apply(const struct limit_case *test)
{
	if (!test->plan)
		return 0;
	if (moat_process_apply_limits(test->plan, NULL) < 0)
		return -1;
	if (test->capabilities_none && moat_process_apply_capabilities(test->plan, NULL) < 0)
		return -1;
	return 0;
}

static void assert_current_limit_at_least(int resource, rlim_t needed)
{
	struct rlimit current;

	assert_int_equal(getrlimit(resource, &current), 0);
	if (current.rlim_cur != RLIM_INFINITY && current.rlim_cur < needed) {
		print_message("the inherited limit (%llu) is too low for the positive control\n",
		              (unsigned long long)current.rlim_cur);
		skip();
	}
}

/* ---- as -------------------------------------------------------------- */

static int map_a_gibibyte(void *context)
{
	void *memory;

	if (apply(context) < 0)
		return PT_CHILD_APPLY_FAILED;
	memory = mmap(NULL, 1024 * MIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
	              0);
	if (memory == MAP_FAILED)
		return errno;
	munmap(memory, 1024 * MIB);
	return 0;
}

static void test_as(void **state)
{
	enum pt_user user = pt_user_of(state);
	struct limit_case limited = {limit_plan(MOAT_LIMIT_AS, 256 * MIB, 256 * MIB)};
	struct limit_case control = {NULL};

	pt_assert_exit(pt_run(user, map_a_gibibyte, &limited), ENOMEM);
	pt_assert_exit(pt_run(user, map_a_gibibyte, &control), 0);
	moat_process_plan_free(limited.plan);
}

/* ---- cpu ------------------------------------------------------------- */

static double cpu_seconds(void)
{
	struct timespec now;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* Busy for 1.15 s of CPU time: past a 1 s limit, and not much more. */
static int burn_cpu(void *context)
{
	volatile unsigned long counter = 0;

	/* 1.15 s of CPU can take far longer on a loaded machine: a wider watchdog. */
	alarm(60);
	if (apply(context) < 0)
		return PT_CHILD_APPLY_FAILED;
	while (cpu_seconds() < 1.15)
		counter++;
	return 0;
}

/*
 * The three children run at once to keep the test short. At the soft limit
 * the kernel sends SIGXCPU, at the hard limit SIGKILL; a soft limit of 1 s
 * under a hard one of 2 s shows the first, 1 s for both the second.
 */
static void test_cpu(void **state)
{
	struct limit_case soft = {limit_plan(MOAT_LIMIT_CPU, 1, 2)};
	struct limit_case hard = {limit_plan(MOAT_LIMIT_CPU, 1, 1)};
	struct limit_case control = {NULL};
	enum pt_user soft_user = geteuid() == 0 ? PT_ROOT : PT_NOBODY_USER;
	pid_t soft_child = pt_start(soft_user, burn_cpu, &soft);
	pid_t hard_child = pt_start(PT_NOBODY_USER, burn_cpu, &hard);
	pid_t control_child = pt_start(PT_NOBODY_USER, burn_cpu, &control);

	int soft_status = pt_wait(soft_child);
	int hard_status = pt_wait(hard_child);
	int control_status = pt_wait(control_child);

	(void)state;
	pt_assert_signal(soft_status, SIGXCPU);
	pt_assert_signal(hard_status, SIGKILL);
	pt_assert_exit(control_status, 0);
	moat_process_plan_free(soft.plan);
	moat_process_plan_free(hard.plan);
}

/* ---- data ------------------------------------------------------------ */

/* Bit 0: the heap grew by 64 MiB; bit 1: a private writable 64 MiB mapping worked. */
static int grow_data(void *context)
{
	int grown = 0;
	void *memory;

	if (apply(context) < 0)
		return PT_CHILD_APPLY_FAILED;
	if (sbrk((intptr_t)(64 * MIB)) != (void *)-1)
		grown |= 1;
	else if (errno != ENOMEM)
		return PT_CHILD_BROKEN;
	memory = mmap(NULL, 64 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (memory != MAP_FAILED)
		grown |= 2;
	else if (errno != ENOMEM)
		return PT_CHILD_BROKEN;
	return grown;
}

static void test_data(void **state)
{
	enum pt_user user = pt_user_of(state);
	struct limit_case limited = {limit_plan(MOAT_LIMIT_DATA, 32 * MIB, 32 * MIB)};
	struct limit_case control = {NULL};

	pt_assert_exit(pt_run(user, grow_data, &limited), 0);
	pt_assert_exit(pt_run(user, grow_data, &control), 3);
	moat_process_plan_free(limited.plan);
}

/* ---- fsize ----------------------------------------------------------- */

static int write_past_4k(struct limit_case *test)
{
	char block[128] = {0};

	if (apply(test) < 0)
		return PT_CHILD_APPLY_FAILED;
	if (pwrite(test->fd, block, sizeof(block), 0) != (ssize_t)sizeof(block))
		return PT_CHILD_BROKEN; /* below the limit: must work */
	if (pwrite(test->fd, block, sizeof(block), 4096) < 0)
		return errno;
	return 0;
}

static int write_ignoring_sigxfsz(void *context)
{
	signal(SIGXFSZ, SIG_IGN);
	return write_past_4k(context);
}

static int write_with_sigxfsz(void *context)
{
	return write_past_4k(context);
}

static void test_fsize(void **state)
{
	enum pt_user user = pt_user_of(state);
	char path[] = "/tmp/moat-test-fsize-XXXXXX";
	int fd = mkstemp(path);
	struct limit_case limited = {limit_plan(MOAT_LIMIT_FSIZE, 4096, 4096), fd};
	struct limit_case control = {NULL, fd};

	/* The descriptor is inherited: uid 65534 writes without opening. */
	assert_true(fd >= 0);
	assert_int_equal(unlink(path), 0);
	pt_assert_exit(pt_run(user, write_ignoring_sigxfsz, &limited), EFBIG);
	pt_assert_signal(pt_run(user, write_with_sigxfsz, &limited), SIGXFSZ);
	pt_assert_exit(pt_run(user, write_ignoring_sigxfsz, &control), 0);
	close(fd);
	moat_process_plan_free(limited.plan);
}

/* ---- nofile ---------------------------------------------------------- */

#define HIGH_FD 100

/*
 * Opens 32 descriptors. Under the limit, the descriptor above it that was
 * already open stays usable (a limit below an open descriptor is
 * harmless), but no new descriptor can be made up there.
 */
static int open_many(void *context)
{
	struct limit_case *test = context;
	int i;

	if (apply(test) < 0)
		return PT_CHILD_APPLY_FAILED;
	if (test->plan) {
		if (fcntl(HIGH_FD, F_GETFD) < 0)
			return PT_CHILD_BROKEN;
		if (dup2(0, HIGH_FD + 1) >= 0 || errno != EBADF)
			return PT_CHILD_BROKEN + 1;
	}
	for (i = 0; i < 32; i++)
		if (open("/dev/null", O_RDONLY) < 0)
			return errno;
	return 0;
}

static void test_nofile(void **state)
{
	enum pt_user user = pt_user_of(state);
	struct limit_case limited = {limit_plan(MOAT_LIMIT_NOFILE, 16, 16)};
	struct limit_case control = {NULL};

	assert_int_equal(dup2(0, HIGH_FD), HIGH_FD);
	pt_assert_exit(pt_run(user, open_many, &limited), EMFILE);
	pt_assert_exit(pt_run(user, open_many, &control), 0);
	close(HIGH_FD);
	moat_process_plan_free(limited.plan);
}

/* ---- nproc ----------------------------------------------------------- */

static int fork_once(void *context)
{
	pid_t pid;

	if (apply(context) < 0)
		return PT_CHILD_APPLY_FAILED;
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return errno;
	waitpid(pid, NULL, 0);
	return 0;
}

/*
 * RLIMIT_NPROC counts the processes of the real uid. The kernel exempts
 * uid 0 and holders of CAP_SYS_RESOURCE or CAP_SYS_ADMIN, so as root the
 * limit does nothing: the root variant asserts that exemption.
 */
static void test_nproc(void **state)
{
	enum pt_user user = pt_user_of(state);
	struct limit_case limited = {limit_plan(MOAT_LIMIT_NPROC, 1, 1)};
	struct limit_case control = {NULL};

	pt_assert_exit(pt_run(user, fork_once, &limited), user == PT_ROOT ? 0 : EAGAIN);
	pt_assert_exit(pt_run(user, fork_once, &control), 0);
	moat_process_plan_free(limited.plan);
}

/* ---- stack ----------------------------------------------------------- */

/* Uses `depth` pages of stack, each written so the stack really grows. */
static int recurse(int depth)
{
	volatile char page[4096];
	size_t i;

	for (i = 0; i < sizeof(page); i += 64)
		page[i] = 1;
	if (depth == 0)
		return page[0];
	return recurse(depth - 1) + page[64]; /* not a tail call: every frame stays */
}

static int use_two_mebibytes_of_stack(void *context)
{
	if (apply(context) < 0)
		return PT_CHILD_APPLY_FAILED;
	return recurse(512) == 0 ? PT_CHILD_BROKEN : 0;
}

static void test_stack(void **state)
{
	enum pt_user user = pt_user_of(state);
	struct limit_case limited = {limit_plan(MOAT_LIMIT_STACK, 256 * 1024, 256 * 1024)};
	struct limit_case control = {NULL};

	assert_current_limit_at_least(RLIMIT_STACK, 4 * MIB);
	/* Growing the stack past the limit is a fault the process cannot handle. */
	pt_assert_signal(pt_run(user, use_two_mebibytes_of_stack, &limited), SIGSEGV);
	pt_assert_exit(pt_run(user, use_two_mebibytes_of_stack, &control), 0);
	moat_process_plan_free(limited.plan);
}

/* ---- core ------------------------------------------------------------ */

#if defined(__SANITIZE_ADDRESS__)
#define ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ADDRESS_SANITIZER 1
#endif
#endif

struct core_case {
	struct moat_process_plan *plan; /* NULL: the positive control */
	const char *directory;
	rlim_t expected; /* soft and hard RLIMIT_CORE after the step */
};

/*
 * Checks RLIMIT_CORE, then crashes in `directory`. The control raises its
 * soft limit to the hard one itself, since the suite may run with soft 0.
 */
static int crash(void *context)
{
	struct core_case *test = context;
	struct rlimit core;

	if (test->plan && moat_process_apply_limits(test->plan, NULL) < 0)
		return PT_CHILD_APPLY_FAILED;
	if (getrlimit(RLIMIT_CORE, &core) < 0)
		return PT_CHILD_BROKEN;
	if (!test->plan) {
		core.rlim_cur = core.rlim_max;
		if (setrlimit(RLIMIT_CORE, &core) < 0)
			return PT_CHILD_BROKEN;
	} else if (core.rlim_cur != test->expected || core.rlim_max != test->expected) {
		return PT_CHILD_BROKEN + 1;
	}
	/* Changing uid made the process undumpable; the control must be able to dump. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0 || chdir(test->directory) < 0)
		return PT_CHILD_BROKEN + 2;
	signal(SIGABRT, SIG_DFL);
	abort();
}

/* Removes the files a crash left in `path` and says whether there were any. */
static bool remove_cores(const char *path)
{
	DIR *directory = opendir(path);
	struct dirent *entry;
	bool found = false;

	while (directory && (entry = readdir(directory))) {
		if (entry->d_name[0] == '.')
			continue;
		unlinkat(dirfd(directory), entry->d_name, 0);
		found = true;
	}
	if (directory)
		closedir(directory);
	return found;
}

/*
 * A crash can be watched only where the kernel writes cores into the
 * crashing process's directory; a pipe or an absolute core_pattern sends
 * them elsewhere, and AddressSanitizer turns dumping off by itself.
 */
static bool cores_land_in_cwd(void)
{
	char pattern[256] = "";
	FILE *file = fopen("/proc/sys/kernel/core_pattern", "re");
	struct rlimit core;

	if (file) {
		if (!fgets(pattern, sizeof(pattern), file))
			pattern[0] = '\0';
		fclose(file);
	}
#ifdef ADDRESS_SANITIZER
	return false;
#endif
	return pattern[0] && !strchr(pattern, '|') && !strchr(pattern, '/') &&
	       getrlimit(RLIMIT_CORE, &core) == 0 && core.rlim_max == RLIM_INFINITY;
}

static void test_core(void **state)
{
	enum pt_user user = pt_user_of(state);
	struct moat_policy policy;
	char directory[] = "/tmp/moat-test-core-XXXXXX";
	struct core_case off = {NULL, directory, 0};
	struct core_case raised = {NULL, directory, RLIM_INFINITY};
	struct core_case control = {NULL, directory, 0};
	int off_status, raised_status = 0, control_status = 0;
	bool off_cores, raised_cores = false, control_cores = false;
	bool watch_dumps = cores_land_in_cwd();

	/* No [limits] at all: core dumps are still off. */
	pt_policy_init(&policy);
	off.plan = pt_plan(&policy, NULL);
	/* `core unlimited` raises them again. */
	policy.limits.present = true;
	policy.limits.limits[MOAT_LIMIT_CORE].present = true;
	policy.limits.limits[MOAT_LIMIT_CORE].soft = MOAT_LIMIT_UNLIMITED;
	policy.limits.limits[MOAT_LIMIT_CORE].hard = MOAT_LIMIT_UNLIMITED;
	raised.plan = pt_plan(&policy, NULL);
	assert_non_null(mkdtemp(directory));

	/* Everything runs before the first assertion, so the directory is always removed. */
	chmod(directory, 0777);
	off_status = pt_run(user, crash, &off);
	off_cores = remove_cores(directory);
	if (watch_dumps) {
		control_status = pt_run(user, crash, &control);
		control_cores = remove_cores(directory);
		raised_status = pt_run(user, crash, &raised);
		raised_cores = remove_cores(directory);
	}
	assert_int_equal(rmdir(directory), 0);

	pt_assert_signal(off_status, SIGABRT);
	assert_false(WCOREDUMP(off_status));
	assert_false(off_cores);
	if (watch_dumps) {
		pt_assert_signal(control_status, SIGABRT);
		assert_true(WCOREDUMP(control_status));
		assert_true(control_cores);
		pt_assert_signal(raised_status, SIGABRT);
		assert_true(WCOREDUMP(raised_status));
		assert_true(raised_cores);
	} else {
		print_message("SKIP: core dump controls: cores are not written to the crashing "
		              "process's directory here: "
		              "only RLIMIT_CORE and the wait status were checked\n");
	}
	moat_process_plan_free(off.plan);
	moat_process_plan_free(raised.plan);
}

/* ---- memlock --------------------------------------------------------- */

static int lock_a_mebibyte(void *context)
{
	void *memory;

	if (apply(context) < 0)
		return PT_CHILD_APPLY_FAILED;
	memory = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (memory == MAP_FAILED)
		return PT_CHILD_BROKEN;
	/* The system call itself: AddressSanitizer turns mlock() into a no-op. */
	if (syscall(SYS_mlock, memory, MIB) < 0)
		return errno;
	munlock(memory, MIB);
	return 0;
}

/*
 * CAP_IPC_LOCK overrides RLIMIT_MEMLOCK: root locks past the limit until the
 * capabilities are dropped, which is why the limits come before them and
 * `capabilities none` is the default.
 */
static void test_memlock(void **state)
{
	enum pt_user user = pt_user_of(state);
	struct limit_case limited = {limit_plan(MOAT_LIMIT_MEMLOCK, 64 * 1024, 64 * 1024)};
	struct limit_case dropped = limited;
	struct limit_case control = {NULL};

	assert_current_limit_at_least(RLIMIT_MEMLOCK, 2 * MIB);
	dropped.capabilities_none = true;
	pt_assert_exit(pt_run(user, lock_a_mebibyte, &limited), user == PT_ROOT ? 0 : ENOMEM);
	pt_assert_exit(pt_run(user, lock_a_mebibyte, &dropped), ENOMEM);
	pt_assert_exit(pt_run(user, lock_a_mebibyte, &control), 0);
	moat_process_plan_free(limited.plan);
}

/* ---- soft and hard, as the IR says ---------------------------------- */

static int report_nofile(void *context)
{
	struct rlimit value;

	if (apply(context) < 0)
		return PT_CHILD_APPLY_FAILED;
	getrlimit(RLIMIT_NOFILE, &value);
	return value.rlim_cur == 20 && value.rlim_max == 40 ? 0 : PT_CHILD_BROKEN;
}

static void test_soft_and_hard_differ(void **state)
{
	enum pt_user user = pt_user_of(state);
	struct limit_case limited = {limit_plan(MOAT_LIMIT_NOFILE, 20, 40)};

	pt_assert_exit(pt_run(user, report_nofile, &limited), 0);
	moat_process_plan_free(limited.plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        pt_test_as_both(test_as),      cmocka_unit_test(test_cpu),
	        pt_test_as_both(test_data),    pt_test_as_both(test_fsize),
	        pt_test_as_both(test_nofile),  pt_test_as_both(test_nproc),
	        pt_test_as_both(test_stack),   pt_test_as_both(test_core),
	        pt_test_as_both(test_memlock), pt_test_as_both(test_soft_and_hard_differ),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
