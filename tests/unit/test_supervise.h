/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the supervisor's tests: sandboxes made the way
 * moat_spawn() makes them (a forked child that hands its listener over with
 * moat_handoff_child(), then runs a body instead of exec), served by a
 * supervisor in the test process.
 *
 * A child never calls cmocka. It returns 0 when every expectation held;
 * SV_EXPECT() writes the failed expectation to stderr and returns 1. Codes
 * from 120 up mean the child itself broke.
 */
#ifndef MOAT_TEST_SUPERVISE_H
#define MOAT_TEST_SUPERVISE_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "landlock/landlock.h"
#include "moat.h"
#include "policy_support.h"
#include "supervise/handoff.h"

enum {
	SV_HANDOFF_FAILED = 120,
	SV_CHILD_BROKEN = 121,
};

/* In a child: report a failed expectation on stderr (write(2) only) and fail. */
#define SV_EXPECT(condition)                                                                       \
	do {                                                                                       \
		if (!(condition)) {                                                                \
			sv_child_say(__FILE__, __LINE__, #condition);                              \
			return 1;                                                                  \
		}                                                                                  \
	} while (0)

static inline void sv_child_say(const char *file, int line, const char *what)
{
	char text[512];
	int length = snprintf(text, sizeof(text), "child: %s:%d: expected %s (errno %d)\n", file,
	                      line, what, errno);
	ssize_t ignored = write(STDERR_FILENO, text, (size_t)length);

	(void)ignored;
}

typedef int sv_body(void *context);

/* The Landlock ABI of the running kernel (0 without Landlock). */
static inline int sv_landlock_abi(void)
{
	struct moat_landlock_features features;

	assert_int_equal(moat_landlock_probe(&features), 0);
	return features.abi;
}

/* A policy from text; `environment` gives ${NAME}s ("NAME=VALUE", NULL-terminated). */
static inline moat_policy *sv_policy(const char *text, const char *const *environment)
{
	struct moat_load_options options = {.version = MOAT_LOAD_OPTIONS_VERSION,
	                                    .environment = environment};
	struct test_diagnostics diagnostics;
	moat_policy *policy = test_load_with(text, options, &diagnostics);

	if (!policy)
		fail_msg("policy does not load:\n%s", diagnostics.text);
	return policy;
}

/*
 * The hand-off plan for `policy` on this kernel. Skips when the kernel
 * cannot protect the supervisor (Landlock ABI 6); fails on other refusals.
 */
static inline void sv_plan(struct moat_handoff_plan *plan, const moat_policy *policy)
{
	struct moat_error error = {0};
	int result = moat_handoff_plan_build(plan, policy, sv_landlock_abi(), &error);

	if (result == -EOPNOTSUPP) {
		print_message("SKIP: %s\n", error.message);
		skip();
	}
	if (result < 0)
		fail_msg("hand-off plan: %s", error.message);
}

/*
 * A hand-off plan built on first use, so that a kernel that cannot build one
 * skips only the tests that need it.
 */
struct sv_lazy_plan {
	struct moat_handoff_plan plan;
	bool built;
};

static inline const struct moat_handoff_plan *sv_lazy_plan_get(struct sv_lazy_plan *lazy,
                                                               const moat_policy *policy)
{
	if (!lazy->built) {
		sv_plan(&lazy->plan, policy);
		lazy->built = true;
	}
	return &lazy->plan;
}

static inline void sv_lazy_plan_release(struct sv_lazy_plan *lazy)
{
	if (lazy->built)
		moat_handoff_plan_release(&lazy->plan);
	lazy->built = false;
}

static inline moat_supervisor *sv_supervisor(unsigned flags)
{
	struct moat_supervisor_options options = {.version = MOAT_SUPERVISOR_OPTIONS_VERSION,
	                                          .flags = flags};
	struct moat_error error = {0};
	moat_supervisor *supervisor;
	int result = moat_supervisor_new(&supervisor, &options, &error);

	/* seccomp(2) does not know SECCOMP_GET_NOTIF_SIZES: no user notification (or valgrind). */
	if (result == -ENOSYS || result == -EINVAL) {
		print_message("SKIP: %s\n", error.message);
		skip();
	}
	if (result < 0)
		fail_msg("moat_supervisor_new: %s", error.message);
	return supervisor;
}

enum {
	SV_DIE_WITH_PARENT = 1U << 0, /* the sandbox gets SIGKILL when its parent dies */
};

/*
 * Starts a sandbox that runs `body`: the child enters the plan with
 * moat_handoff_child() (no core dumps), the parent receives its listener
 * into `*listener`. Returns the child's pid, or a negative errno with
 * `error` filled. No cmocka here: a test's own children use it too.
 */
static inline pid_t sv_spawn(const struct moat_handoff_plan *plan, unsigned flags, sv_body *body,
                             void *context, int *listener, struct moat_error *error)
{
	int pair[2], pidfd, result;
	pid_t parent = getpid(), pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		return -errno;
	pid = fork();
	if (pid == 0) {
		struct rlimit no_core = {0, 0};

		close(pair[0]);
		setrlimit(RLIMIT_CORE, &no_core);
		/* A supervisor's process is not dumpable; execve would make the child dumpable
		 * again. */
		prctl(PR_SET_DUMPABLE, 1);
		if ((flags & SV_DIE_WITH_PARENT) &&
		    (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent))
			_exit(SV_CHILD_BROKEN);
		if (moat_handoff_child(plan, pair[1], error) < 0) {
			sv_child_say("handoff", 0, error->message);
			_exit(SV_HANDOFF_FAILED);
		}
		_exit(body(context));
	}
	close(pair[1]);
	if (pid < 0) {
		close(pair[0]);
		return -errno;
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	result = moat_listener_receive(pair[0], pidfd, 5000, listener, error);
	close(pair[0]);
	close(pidfd);
	if (result < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return result;
	}
	return pid;
}

/*
 * sv_spawn() for a test: the sandbox dies with the test, and its listener
 * goes to `supervisor` (or to `*listener` when `supervisor` is NULL).
 */
static inline pid_t sv_start_listener(moat_supervisor *supervisor, const moat_policy *policy,
                                      const struct moat_handoff_plan *plan, sv_body *body,
                                      void *context, int *listener)
{
	struct moat_error error = {0};
	int received;
	pid_t pid = sv_spawn(plan, SV_DIE_WITH_PARENT, body, context, &received, &error);

	if (pid < 0)
		fail_msg("starting a sandbox: %s", error.message);
	if (!supervisor) {
		*listener = received;
		return pid;
	}
	if (moat_supervisor_add(supervisor, received, policy, pid, &error) < 0)
		fail_msg("moat_supervisor_add: %s", error.message);
	return pid;
}

static inline pid_t sv_start(moat_supervisor *supervisor, const moat_policy *policy,
                             const struct moat_handoff_plan *plan, sv_body *body, void *context)
{
	return sv_start_listener(supervisor, policy, plan, body, context, NULL);
}

static inline long sv_milliseconds(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Serves until no sandbox is left; fails the test after `limit_ms`. */
static inline void sv_serve_all(moat_supervisor *supervisor, long limit_ms)
{
	long deadline = sv_milliseconds() + limit_ms;
	int left;

	do {
		left = moat_supervisor_dispatch(supervisor, 100);
		assert_true(left >= 0);
		if (sv_milliseconds() > deadline)
			fail_msg("%d sandboxes still running after %ld ms", left, limit_ms);
	} while (left > 0);
}

/* The child's exit code, or 128 + the signal that killed it. */
static inline int sv_wait(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Runs one sandbox to its end under a fresh supervisor; returns its exit code. */
static inline int sv_run_plan(const moat_policy *policy, const struct moat_handoff_plan *plan,
                              sv_body *body, void *context)
{
	moat_supervisor *supervisor = sv_supervisor(0);
	pid_t pid = sv_start(supervisor, policy, plan, body, context);

	sv_serve_all(supervisor, 10000);
	moat_supervisor_free(supervisor);
	return sv_wait(pid);
}

static inline int sv_run(const moat_policy *policy, sv_body *body, void *context)
{
	struct moat_handoff_plan plan;
	int result;

	sv_plan(&plan, policy);
	result = sv_run_plan(policy, &plan, body, context);
	moat_handoff_plan_release(&plan);
	return result;
}

/* Runs `body` in a plain child, without any sandbox (positive controls). */
static inline int sv_run_unsandboxed(sv_body *body, void *context)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(body(context));
	return sv_wait(pid);
}

/* ---- files --------------------------------------------------------------- */

static inline void sv_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Reads a small file from an fd into `buffer`; returns what was read (child-safe). */
static inline ssize_t sv_read_fd(int fd, char *buffer, size_t size)
{
	ssize_t got = read(fd, buffer, size - 1);

	buffer[got > 0 ? got : 0] = '\0';
	return got;
}

static inline int sv_remove_entry(const char *path, const struct stat *status, int type,
                                  struct FTW *walk)
{
	(void)status;
	(void)walk;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* Removes a directory tree made by a test. */
static inline void sv_remove_tree(const char *path)
{
	assert_int_equal(nftw(path, sv_remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

#endif /* MOAT_TEST_SUPERVISE_H */
