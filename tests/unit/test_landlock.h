/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the Landlock tests: a scratch directory tree, policies
 * built by hand in the IR's shape, and a runner that applies a plan in a
 * forked child (as root and as uid 65534) and reports what one action did.
 *
 * An action returns 0 when it succeeded and the errno when it failed; the
 * child exits with that value, so the parent can compare it with the errno
 * the rule should produce. Codes from 120 up mean the child itself broke.
 */
#ifndef MOAT_TEST_LANDLOCK_H
#define MOAT_TEST_LANDLOCK_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "landlock/landlock.h"
#include "policy/ir.h"

#define LL_NOBODY_ID 65534

enum ll_user {
	LL_SELF, /* the test's own user: root, normally */
	LL_NOBODY_USER,
};

/* Exit codes of a child that could not run its action. */
enum {
	LL_CHILD_DROP_FAILED = 120,
	LL_CHILD_NNP_FAILED = 121,
	LL_CHILD_APPLY_FAILED = 122,
	LL_CHILD_SIGNALLED = 123,
	LL_CHILD_UNEXPECTED = 124,
};

typedef int ll_action(void *context);

static inline const char *ll_user_name(enum ll_user user)
{
	if (user == LL_NOBODY_USER)
		return "uid 65534";
	return geteuid() == 0 ? "root" : "the test's user";
}

/*
 * The last user to run actions as: root runs each action as itself and as
 * uid 65534; anyone else only as itself.
 */
static inline enum ll_user ll_last_user(void)
{
	return geteuid() == 0 ? LL_NOBODY_USER : LL_SELF;
}

/* Hands a file to uid 65534, so that it can use it too (when the test is root). */
static inline void ll_give_away(const char *path)
{
	if (geteuid() == 0)
		assert_int_equal(lchown(path, LL_NOBODY_ID, LL_NOBODY_ID), 0);
}

/* Becomes uid/gid 65534 with no supplementary groups; 0 or -1. */
static inline int ll_become(enum ll_user user)
{
	if (user == LL_SELF)
		return 0;
	if (setgroups(0, NULL) < 0 || setresgid(LL_NOBODY_ID, LL_NOBODY_ID, LL_NOBODY_ID) < 0 ||
	    setresuid(LL_NOBODY_ID, LL_NOBODY_ID, LL_NOBODY_ID) < 0)
		return -1;
	return 0;
}

/*
 * Forks; the child becomes `user`, sets no_new_privs, applies `plan` (none
 * when NULL: the positive control) and runs `action`. Returns the child's
 * exit status.
 */
static inline int ll_run(const struct moat_landlock_plan *plan, enum ll_user user,
                         ll_action *action, void *context)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct moat_error error;

		if (ll_become(user) < 0)
			_exit(LL_CHILD_DROP_FAILED);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(LL_CHILD_NNP_FAILED);
		if (plan && moat_landlock_apply(plan, 0, &error) < 0) {
			fprintf(stderr, "apply: %s\n", error.message);
			_exit(LL_CHILD_APPLY_FAILED);
		}
		_exit(action(context));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		return LL_CHILD_SIGNALLED;
	return WEXITSTATUS(status);
}

/* Skips the test, saying why, when the kernel's Landlock is older than `abi`. */
static inline void ll_require_abi(const struct moat_landlock_features *features, int abi,
                                  const char *what)
{
	if (features->abi < abi) {
		printf("SKIP: %s needs Landlock ABI %d; this kernel has %d\n", what, abi,
		       features->abi);
		skip();
	}
}

static inline struct moat_location ll_at(unsigned line)
{
	return (struct moat_location){.file = "test.policy", .line = line, .column = 1};
}

static inline struct moat_path_rule ll_rule(uint64_t access, const char *path, unsigned line)
{
	return (struct moat_path_rule){
	        .access = access, .path = path, .optional = false, .location = ll_at(line)};
}

/* The same rule written with `allow` and the rights' names rather than a shorthand. */
static inline struct moat_path_rule ll_named_rule(uint64_t access, const char *path, unsigned line)
{
	struct moat_path_rule rule = ll_rule(access, path, line);

	rule.named = access;
	return rule;
}

static inline void ll_policy_init(struct moat_policy *policy, enum moat_compat compat)
{
	memset(policy, 0, sizeof(*policy));
	policy->compat = compat;
}

static inline void ll_policy_filesystem(struct moat_policy *policy,
                                        const struct moat_path_rule *rules, size_t count)
{
	policy->filesystem.present = true;
	policy->filesystem.rules = rules;
	policy->filesystem.count = count;
}

/* Builds a plan that must build, printing the error if it does not. */
static inline struct moat_landlock_plan *ll_plan(const struct moat_policy *policy,
                                                 const struct moat_landlock_features *features)
{
	struct moat_landlock_plan *plan = NULL;
	struct moat_error error = {0};
	int code = moat_landlock_plan_build(&plan, policy, features, &error);

	if (code < 0)
		printf("plan_build: %s:%u:%u: %s\n", error.file, error.line, error.column,
		       error.message);
	assert_int_equal(code, 0);
	assert_non_null(plan);
	return plan;
}

/* ---- a scratch directory tree that uid 65534 can use ----------------- */

struct ll_tree {
	char root[64];          /* /tmp/moat-landlock-XXXXXX */
	char allowed[PATH_MAX]; /* the directory the policies let a sandbox write */
	char outside[PATH_MAX]; /* a directory no rule names */
	char secret[PATH_MAX];  /* outside/secret.txt */
};

static inline void ll_path(char *buffer, const char *format, ...)
        __attribute__((format(printf, 2, 3)));

static inline void ll_path(char *buffer, const char *format, ...)
{
	va_list arguments;
	int length;

	va_start(arguments, format);
	length = vsnprintf(buffer, PATH_MAX, format, arguments);
	va_end(arguments);
	assert_true(length > 0 && length < PATH_MAX);
}

static inline void ll_write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
	ll_give_away(path);
}

static inline void ll_make_dir(const char *path)
{
	assert_int_equal(mkdir(path, 0755), 0);
	ll_give_away(path);
}

static inline void ll_tree_create(struct ll_tree *tree)
{
	snprintf(tree->root, sizeof(tree->root), "/tmp/moat-landlock-XXXXXX");
	assert_non_null(mkdtemp(tree->root));
	assert_int_equal(chmod(tree->root, 0755), 0);
	ll_give_away(tree->root);
	ll_path(tree->allowed, "%s/allowed", tree->root);
	ll_path(tree->outside, "%s/outside", tree->root);
	ll_path(tree->secret, "%s/secret.txt", tree->outside);
	ll_make_dir(tree->allowed);
	ll_make_dir(tree->outside);
	ll_write_file(tree->secret, "secret\n", 0644);
}

static inline int ll_remove_entry(const char *path, const struct stat *status, int type,
                                  struct FTW *walk)
{
	(void)status;
	(void)walk;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static inline void ll_tree_remove(struct ll_tree *tree)
{
	assert_int_equal(nftw(tree->root, ll_remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* ---- filesystem actions ---------------------------------------------- */

static inline int ll_result(int returned)
{
	return returned < 0 ? errno : 0;
}

static inline int ll_open_close(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static inline int ll_read(void *path)
{
	return ll_open_close(path, O_RDONLY);
}

static inline int ll_write(void *path)
{
	return ll_open_close(path, O_WRONLY | O_APPEND);
}

/* ---- TCP on 127.0.0.1 ------------------------------------------------ */

static inline struct sockaddr_in ll_loopback(uint16_t port)
{
	return (struct sockaddr_in){
	        .sin_family = AF_INET,
	        .sin_port = htons(port),
	        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
}

/* A non-blocking listener on 127.0.0.1 and an ephemeral port. */
static inline int ll_start_listener(uint16_t *port)
{
	struct sockaddr_in address = ll_loopback(0);
	socklen_t length = sizeof(address);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&address, sizeof(address)), 0);
	assert_int_equal(listen(fd, 64), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&address, &length), 0);
	*port = ntohs(address.sin_port);
	return fd;
}

/* Accepts and drops whatever the children connected, so the backlog never fills. */
static inline void ll_drain(int listener)
{
	int fd;

	while ((fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) >= 0)
		close(fd);
}

/* A child action: connects to `port` (a uint16_t *) on 127.0.0.1. */
static inline int ll_tcp_connect(void *port)
{
	struct sockaddr_in address = ll_loopback(*(const uint16_t *)port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int result;

	if (fd < 0)
		return LL_CHILD_UNEXPECTED;
	result = ll_result(connect(fd, (struct sockaddr *)&address, sizeof(address)));
	close(fd);
	return result;
}

#endif /* MOAT_TEST_LANDLOCK_H */
