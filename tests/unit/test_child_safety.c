// SPDX-License-Identifier: MIT
/*
 * The code moat_spawn runs between clone3 and execve is async-signal-safe.
 * The child is a copy of a possibly multi-threaded caller: a lock another
 * thread held at the clone (the malloc arena's, a FILE's, the stdio list's)
 * stays held in the copy, where nobody will release it, so one malloc,
 * vsnprintf or fopen there can hang the child, and moat_spawn with it.
 *
 * Two tests:
 *  - unsafe calls are caught where they happen: this program replaces
 *    malloc, free, calloc, realloc, vsnprintf, snprintf and strerror with
 *    versions that note any call made by a process other than the test's
 *    (in a shared mapping every copy writes to), and every set-up step's
 *    success and error paths run once, as root and as uid 65534. Its
 *    positive control calls the parent's error filler (util/error.h) in a
 *    raw clone, which the detector must catch, and the child's filler
 *    (util/message.h), which it must not. glibc's own internal allocations
 *    go through malloc, so an unsafe glibc call is caught there too.
 *  - under load: threads that hammer malloc/free and stdio while the test
 *    spawns thousands of failing and successful sandboxes; a watchdog kills
 *    a set-up that stops making progress and fails the test rather than
 *    hanging CI. Its positive control: a naive raw clone whose child calls
 *    fprintf and malloc under the same load, which hangs when it clones
 *    while a hammer thread holds a lock ("control reproduced"). That race
 *    is a matter of timing, so when it does not happen within its bound the
 *    control prints SKIP; the first test's control is deterministic.
 *
 * With AddressSanitizer the allocator belongs to the sanitizer, so the
 * detector is left out and its test skips.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "child_signals.h"
#include "policy_support.h"
#include "process/plan.h"
#include "sanitizer.h"
#include "util/error.h"
#include "util/message.h"

#define NOBODY           65534
#define DEFAULT_SPAWNS   1000
#define WATCHDOG_SECONDS 30

/* ---- the detector ------------------------------------------------------ */

/* Shared by the test and every copy of it, so a child's calls are seen. */
struct unsafe_calls {
	_Atomic int armed;
	pid_t tester; /* calls from this process are the test's own */
	_Atomic int count;
	char first[32]; /* the first unsafe call a copy made */
};

static struct unsafe_calls *unsafe;

#ifndef BUILT_WITH_ASAN
#define DETECTOR 1

static void note_unsafe(const char *name)
{
	size_t i;

	if (!unsafe || !atomic_load_explicit(&unsafe->armed, memory_order_relaxed))
		return;
	if ((pid_t)syscall(SYS_getpid) == unsafe->tester)
		return;
	if (atomic_fetch_add(&unsafe->count, 1) != 0)
		return;
	for (i = 0; name[i] && i + 1 < sizeof(unsafe->first); i++)
		unsafe->first[i] = name[i];
	unsafe->first[i] = '\0';
}

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *pointer, size_t size);
void __libc_free(void *pointer);

/*
 * The real functions, found once before anything is armed. Not glibc's
 * __vsnprintf_chk: clang turns a call of it that cannot overflow back into
 * vsnprintf, which is this file's own, and the replacement then calls
 * itself for ever.
 */
static char *(*real_strerror)(int code);
static int (*real_vsnprintf)(char *buffer, size_t size, const char *format, va_list arguments);

void *malloc(size_t size)
{
	note_unsafe("malloc");
	return __libc_malloc(size);
}

void *calloc(size_t count, size_t size)
{
	note_unsafe("calloc");
	return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size)
{
	note_unsafe("realloc");
	return __libc_realloc(pointer, size);
}

void free(void *pointer)
{
	note_unsafe("free");
	__libc_free(pointer);
}

int vsnprintf(char *buffer, size_t size, const char *format, va_list arguments)
{
	note_unsafe("vsnprintf");
	return real_vsnprintf(buffer, size, format, arguments);
}

int snprintf(char *buffer, size_t size, const char *format, ...)
{
	va_list arguments;
	int length;

	note_unsafe("snprintf");
	va_start(arguments, format);
	length = real_vsnprintf(buffer, size, format, arguments);
	va_end(arguments);
	return length;
}

char *strerror(int code)
{
	note_unsafe("strerror");
	return real_strerror(code);
}

__attribute__((constructor)) static void find_real_functions(void)
{
	real_strerror = (char *(*)(int))dlsym(RTLD_NEXT, "strerror");
	real_vsnprintf =
	        (int (*)(char *, size_t, const char *, va_list))dlsym(RTLD_NEXT, "vsnprintf");
}
#endif

static void arm(void)
{
	unsafe->tester = (pid_t)syscall(SYS_getpid);
	atomic_store(&unsafe->count, 0);
	unsafe->first[0] = '\0';
	atomic_store(&unsafe->armed, 1);
}

/* How many unsafe calls copies made since arm(). */
static int disarm(void)
{
	atomic_store(&unsafe->armed, 0);
	return atomic_load(&unsafe->count);
}

static int setup(void **state)
{
	(void)state;
	unsafe = mmap(NULL, sizeof(*unsafe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
	              0);
	return unsafe == MAP_FAILED ? -1 : 0;
}

/* ---- policies and spawning ------------------------------------------------ */

static moat_policy *load(const char *text)
{
	struct test_diagnostics diagnostics;
	moat_policy *policy = test_load(text, &diagnostics);

	if (!policy)
		fail_msg("policy refused:\n%s\n%s", diagnostics.text, text);
	return policy;
}

/* Namespaces, a new root, Landlock, limits and a filter: every step does something. */
#define FULL_POLICY                                                                                \
	"moat 1\n[namespaces]\nunshare user mount pid net ipc uts\nhostname child-safety\n"        \
	"[mounts]\nbind /usr\nsymlink usr/lib /lib\nsymlink usr/lib64 /lib64\n"                    \
	"symlink usr/bin /bin\ntmpfs /tmp\n"                                                       \
	"[filesystem]\nread /usr\nexec /usr\n"                                                     \
	"[limits]\nnofile 64\ncore 0\n"                                                            \
	"[syscalls]\ndefault allow\nkill @default-deny\n"

struct spawn_case {
	const char *name;
	const char *policy;
	const char *program;
	int keep_fd;         /* passed in keep_fds when >= 0 */
	int code;            /* what moat_spawn returns */
	const char *step;    /* the failed step's name, with code < 0 */
	const char *message; /* in the error's message */
	unsigned users;      /* AS_ROOT, AS_NOBODY */
};

enum { AS_ROOT = 1, AS_NOBODY = 2, AS_BOTH = AS_ROOT | AS_NOBODY };

static const struct spawn_case cases[] = {
        {"success", FULL_POLICY, "/usr/bin/true", -1, 0, NULL, NULL, AS_BOTH},
        {"success, no namespaces",
         "moat 1\n[filesystem]\nread /usr /etc\nexec /usr\n[limits]\nnofile 64\n"
         "[syscalls]\ndefault allow\nkill @default-deny\n",
         "/usr/bin/true", -1, 0, NULL, NULL, AS_BOTH},
        {"cwd missing", FULL_POLICY "[process]\ncwd /no-such-directory\n", "/usr/bin/true", -1,
         -ENOENT, "cwd", "/no-such-directory", AS_BOTH},
        {"Landlock path missing in the new root",
         "moat 1\n[namespaces]\nunshare user mount pid\n[mounts]\nbind /usr\n"
         "[filesystem]\nread /usr /etc\n",
         "/usr/bin/true", -1, -ENOENT, "landlock", "'/etc'", AS_BOTH},
        {"mount refused",
         "moat 1\n[namespaces]\nunshare user mount pid\n[mounts]\nbind /usr\n"
         "tmpfs /usr/moat-no-such-directory\n",
         "/usr/bin/true", -1, -EROFS, "namespaces", "moat-no-such-directory", AS_BOTH},
        {"kept descriptor not open", "moat 1\n", "/usr/bin/true", 900, -EBADF, "descriptors", "900",
         AS_BOTH},
        {"program missing", FULL_POLICY, "/usr/bin/moat-no-such-program", -1, -ENOENT, "exec",
         "moat-no-such-program", AS_BOTH},
};

#define CASE_COUNT (sizeof(cases) / sizeof(cases[0]))

/* Spawns one case and waits for it; 0 when it ended as expected, else a line in `why`. */
static int run_case(const struct spawn_case *test, moat_policy *policy, char *why, size_t size)
{
	char *argv[] = {(char *)test->program, NULL};
	struct moat_sandbox_options options = MOAT_SANDBOX_OPTIONS_INIT;
	struct moat_error error = {0};
	moat_child *child = NULL;
	int result, status;

	if (test->keep_fd >= 0) {
		options.keep_fds = &test->keep_fd;
		options.keep_fd_count = 1;
	}
	result = moat_spawn(&child, policy, argv[0], argv, &options, &error);
	if (result != test->code) {
		snprintf(why, size, "%s: moat_spawn returned %d, not %d (%s: %.300s)", test->name,
		         result, test->code, error.step, error.message);
		return -1;
	}
	if (result < 0) {
		if (strcmp(error.step, test->step) != 0 || !strstr(error.message, test->message)) {
			snprintf(why, size, "%s: step '%s', message '%.300s'", test->name,
			         error.step, error.message);
			return -1;
		}
		return 0;
	}
	result = moat_child_wait(child, &status);
	moat_child_free(child);
	if (result < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(why, size, "%s: wait %d, status %#x", test->name, result, status);
		return -1;
	}
	return 0;
}

/* ---- every step, once, with the detector armed ------------------------- */

/* Runs every case; returns the number of unsafe calls, or -1 with `why` filled. */
static int run_cases_detected(moat_policy **policies, unsigned user, char *why, size_t size)
{
	for (size_t i = 0; i < CASE_COUNT; i++) {
		int seen;

		if (!(cases[i].users & user))
			continue;
		arm();
		if (run_case(&cases[i], policies[i], why, size) < 0) {
			disarm();
			return -1;
		}
		seen = disarm();
		if (seen) {
			snprintf(why, size, "%s: %d unsafe calls in the child, the first %s",
			         cases[i].name, seen, unsafe->first);
			return seen;
		}
	}
	return 0;
}

static pid_t raw_clone(int *pidfd)
{
	struct clone_args arguments = {
	        .flags = CLONE_PIDFD,
	        .pidfd = (uint64_t)(uintptr_t)pidfd,
	        .exit_signal = SIGCHLD,
	};

	return (pid_t)syscall(SYS_clone3, &arguments, sizeof(arguments));
}

/*
 * The limits step's error path. A spawn cannot reach it (the plan refuses a
 * raise the caller may not make, before the clone), so the step runs in a
 * raw clone as uid 65534, asked to raise a hard limit, which only
 * CAP_SYS_RESOURCE may do.
 */
static int refused_limit_detected(char *why, size_t size)
{
	struct moat_process_plan plan = {.limit_count = 1};
	int pidfd, status, seen;
	pid_t pid;

	plan.limits[0] = (struct moat_process_limit){.resource = RLIMIT_NOFILE, .name = "nofile"};
	getrlimit(RLIMIT_NOFILE, &plan.limits[0].value);
	plan.limits[0].value.rlim_max++;
	arm();
	pid = raw_clone(&pidfd);
	if (pid == 0) {
		struct moat_error error;
		int result = moat_process_apply_limits(&plan, &error);

		_exit(result == -EPERM && strstr(error.message, "nofile") ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		disarm();
		snprintf(why, size, "limits: cannot run the step in a clone");
		return -1;
	}
	close(pidfd);
	seen = disarm();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		snprintf(why, size, "limits: the step did not fail with EPERM (status %#x)",
		         status);
	else if (seen)
		snprintf(why, size, "limits: %d unsafe calls in the child, the first %s", seen,
		         unsafe->first);
	return !WIFEXITED(status) || WEXITSTATUS(status) != 0 || seen ? -1 : 0;
}

/* As uid 65534 in a forked child: exit 0, or 1 with the reason on stderr. */
static void run_cases_unprivileged(moat_policy **policies)
{
	char why[512] = "";
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		child_default_signals();
		if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
		    setresuid(NOBODY, NOBODY, NOBODY) < 0 || prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
			_exit(2);
		if (run_cases_detected(policies, AS_NOBODY, why, sizeof(why)) != 0 ||
		    refused_limit_detected(why, sizeof(why)) != 0) {
			fprintf(stderr, "as uid %d: %s\n", NOBODY, why);
			_exit(1);
		}
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* The control: fills an error in a raw clone, as a child step would, and counts. */
static int unsafe_calls_of_filler(bool printf_filler)
{
	int pidfd, status;
	pid_t pid;

	arm();
	pid = raw_clone(&pidfd);
	if (pid == 0) {
		struct moat_error error;

		if (printf_filler)
			moat_error_set(&error, -ENOENT, "cannot change to %s", "/nowhere");
		else
			moat_message_set_reason(&error, -ENOENT, "cannot change to /nowhere");
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(pidfd);
	return disarm();
}

static void test_no_unsafe_call_in_the_child(void **state)
{
	moat_policy *policies[CASE_COUNT];
	char why[512] = "";

	(void)state;
#ifndef DETECTOR
	print_message("SKIP: with AddressSanitizer the allocator is the sanitizer's, so the "
	              "detector that replaces it is not built\n");
	skip();
#endif
	/* Positive control: the detector sees a printf-style filler in a copy. */
	assert_true(unsafe_calls_of_filler(true) > 0);
	assert_string_equal(unsafe->first, "vsnprintf");
	assert_int_equal(unsafe_calls_of_filler(false), 0);

	for (size_t i = 0; i < CASE_COUNT; i++)
		policies[i] = load(cases[i].policy);
	if (run_cases_detected(policies, AS_ROOT, why, sizeof(why)) != 0)
		fail_msg("as root: %s", why);
	run_cases_unprivileged(policies);
	for (size_t i = 0; i < CASE_COUNT; i++)
		moat_policy_free(policies[i]);
}

/* ---- under load ---------------------------------------------------------- */

struct load {
	atomic_bool stop;
	FILE *sink; /* shared by the stdio hammer and the control's child */
	atomic_ulong progress;
	pid_t spawner; /* the thread whose children the watchdog kills */
	atomic_bool hung;
};

static void *hammer_malloc(void *context)
{
	struct load *load = context;
	void *blocks[64] = {0};
	unsigned size = 16;

	while (!atomic_load(&load->stop)) {
		for (unsigned i = 0; i < 64; i++) {
			free(blocks[i]);
			size = size * 1103515245u + 12345u;
			blocks[i] = malloc(16 + size % 65536);
		}
	}
	for (unsigned i = 0; i < 64; i++)
		free(blocks[i]);
	return NULL;
}

static void *hammer_stdio(void *context)
{
	struct load *load = context;
	unsigned long round = 0;

	while (!atomic_load(&load->stop)) {
		FILE *file = fopen("/dev/null", "w");

		fprintf(load->sink, "round %lu %s %f\n", round++, "of the stdio hammer", 3.25);
		if (file) {
			fprintf(file, "%lu\n", round);
			fclose(file);
		}
	}
	return NULL;
}

/* Kills the spawning thread's children when a spawn makes no progress for too long. */
static void *watchdog(void *context)
{
	struct load *load = context;
	unsigned long last = atomic_load(&load->progress);
	time_t since = time(NULL);

	while (!atomic_load(&load->stop)) {
		unsigned long now = atomic_load(&load->progress);
		char path[64];
		FILE *children;
		int pid;

		usleep(100 * 1000);
		if (now != last) {
			last = now;
			since = time(NULL);
			continue;
		}
		if (time(NULL) - since < WATCHDOG_SECONDS)
			continue;
		atomic_store(&load->hung, true);
		snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)load->spawner);
		children = fopen(path, "r");
		while (children && fscanf(children, "%d", &pid) == 1)
			kill(pid, SIGKILL);
		if (children)
			fclose(children);
		since = time(NULL);
	}
	return NULL;
}

static void start_load(struct load *load, pthread_t threads[3])
{
	*load = (struct load){.spawner = (pid_t)syscall(SYS_gettid)};
	load->sink = fopen("/dev/null", "w");
	assert_non_null(load->sink);
	assert_int_equal(pthread_create(&threads[0], NULL, hammer_malloc, load), 0);
	assert_int_equal(pthread_create(&threads[1], NULL, hammer_stdio, load), 0);
	assert_int_equal(pthread_create(&threads[2], NULL, watchdog, load), 0);
}

static void stop_load(struct load *load, pthread_t threads[3])
{
	atomic_store(&load->stop, true);
	for (int i = 0; i < 3; i++)
		pthread_join(threads[i], NULL);
	fclose(load->sink);
}

static unsigned long spawn_count(void)
{
	const char *text = getenv("MOAT_CHILD_SAFETY_SPAWNS");

	return text ? strtoul(text, NULL, 10) : DEFAULT_SPAWNS;
}

/* The naive child: what a step that formats or allocates would do. */
static int naive_child(struct load *load)
{
	int pidfd, status, result;
	struct pollfd ended = {.events = POLLIN};
	pid_t pid = raw_clone(&pidfd);

	if (pid == 0) {
		char *text = malloc(256);

		fprintf(load->sink, "cannot change to %s\n", "/nowhere");
		free(text);
		_exit(0);
	}
	assert_true(pid > 0);
	ended.fd = pidfd;
	result = poll(&ended, 1, 2000);
	if (result == 0)
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(pidfd);
	return result == 0 ? 1 : 0;
}

static void test_spawn_under_load(void **state)
{
	const struct spawn_case *failing[] = {&cases[2], &cases[3], &cases[5], &cases[6]};
	const struct spawn_case *succeeding = &cases[1];
	moat_policy *policies[CASE_COUNT];
	unsigned long count = spawn_count(), attempt;
	pthread_t threads[3];
	struct load work;
	char why[512] = "";
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < CASE_COUNT; i++)
		policies[i] = load(cases[i].policy);
	start_load(&work, threads);

	/* Positive control: a child that allocates and prints hangs under this load. */
	for (attempt = 1; attempt <= 200 && !naive_child(&work); attempt++)
		continue;
	if (attempt <= 200)
		print_message("control reproduced: a naive child hung after %lu clones\n", attempt);
	else
		print_message("SKIP: control not reproduced: 200 naive clones under load did not "
		              "hang (the race is a matter of timing)\n");

	for (unsigned long i = 0; i < 2 * count && failures < 5; i++) {
		const struct spawn_case *test = i < count ? failing[i % 4] : succeeding;

		if (run_case(test, policies[test - cases], why, sizeof(why)) < 0) {
			print_message("spawn %lu: %s\n", i, why);
			failures++;
		}
		atomic_fetch_add(&work.progress, 1);
	}
	stop_load(&work, threads);
	for (size_t i = 0; i < CASE_COUNT; i++)
		moat_policy_free(policies[i]);
	assert_false(atomic_load(&work.hung));
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_no_unsafe_call_in_the_child),
	        cmocka_unit_test(test_spawn_under_load),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
