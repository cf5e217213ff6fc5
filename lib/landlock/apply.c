// SPDX-License-Identifier: MIT
/*
 * Applying a plan: one ruleset, its rules, restrict_self. This runs in the
 * process about to become the sandbox, often a child forked from a
 * multi-threaded parent, so it is async-signal-safe: system calls only, and
 * error messages assembled by hand instead of with printf.
 */
#include "landlock/internal.h"
#include "util/message.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* Fails with -errno of the system call `what` just made. */
static int fail_call(struct moat_error *error, const char *what, const char *detail)
{
	int code = errno;
	struct moat_message message = moat_message_begin(error, -code);

	moat_message_put(&message, what);
	moat_message_put(&message, " failed: ");
	moat_message_put_errno(&message, code);
	if (detail) {
		moat_message_put(&message, " (");
		moat_message_put(&message, detail);
		moat_message_put(&message, ")");
	}
	return -code;
}

/*
 * Below ABI 8 Landlock binds only the calling thread; a caller that needs
 * every thread covered gets a refusal while other threads exist.
 */
static int check_threads(const struct moat_landlock_plan *plan, struct moat_error *error)
{
	struct moat_message message;
	int threads = moat_landlock_count_threads();

	if (threads == 1)
		return 0;
	if (threads < 0) {
		message = moat_message_begin(error, threads);
		moat_message_put(&message,
		                 "cannot count the threads of this process (/proc/self/task: ");
		moat_message_put_errno(&message, -threads);
		moat_message_put(&message, "), and Landlock ABI ");
		moat_message_put_number(&message, plan->abi);
		moat_message_put(&message, " binds only the calling thread");
		return threads;
	}
	message = moat_message_begin(error, -EBUSY);
	moat_message_put(&message, "Landlock ABI ");
	moat_message_put_number(&message, plan->abi);
	moat_message_put(&message, " binds only the calling thread; this process has ");
	moat_message_put_number(&message, threads);
	moat_message_put(&message, " threads (ABI 8 can restrict them all)");
	return -EBUSY;
}

static int fail_open(const struct moat_landlock_path *path, struct moat_error *error)
{
	int code = errno;
	struct moat_message message = moat_message_begin(error, -code);

	moat_message_put_location(&message, &path->location);
	moat_message_put(&message, "cannot open '");
	moat_message_put(&message, path->path);
	moat_message_put(&message, "' in the sandbox's root: ");
	moat_message_put_errno(&message, code);
	if (code == ENOENT) {
		moat_message_put(&message, " (write '?");
		moat_message_put(&message, path->path);
		moat_message_put(&message, "' to skip it when absent)");
	}
	return -code;
}

/*
 * The descriptor of one rule: the one the plan opened, or, for a sandbox
 * with a new root, its path opened now inside that root. Returns 1 for a
 * rule to skip (an absent optional path, or nothing left to grant).
 */
static int rule_fd(const struct moat_landlock_plan *plan, const struct moat_landlock_path *path,
                   int *fd, uint64_t *access, struct moat_error *error)
{
	struct moat_safe_path found;

	*fd = path->fd;
	*access = path->access;
	if (!plan->open_when_applied)
		return 0;
	*fd = moat_safe_path_open(path->path, &plan->trust, &found);
	if (*fd == -ELOOP && found.symlink[0])
		return moat_safe_path_refused(error, &path->location, "path", path->path, &found);
	if (*fd < 0) {
		errno = -*fd;
		if (path->optional && (errno == ENOENT || errno == ENOTDIR))
			return 1;
		return fail_open(path, error);
	}
	moat_landlock_narrow_access(found.directory, access);
	if (*access == 0) {
		close(*fd);
		return 1;
	}
	return 0;
}

static int add_path_rules(const struct moat_landlock_plan *plan, int ruleset,
                          struct moat_error *error)
{
	for (size_t i = 0; i < plan->path_count; i++) {
		struct moat_landlock_path_beneath_attr attr;
		uint64_t access;
		int fd, code = rule_fd(plan, &plan->paths[i], &fd, &access, error);

		if (code < 0)
			return code;
		if (code > 0)
			continue;
		attr.allowed_access = access;
		attr.parent_fd = fd;
		code = moat_landlock_sys_add_rule(ruleset, MOAT_LANDLOCK_RULE_PATH_BENEATH, &attr);
		if (code < 0)
			code = fail_call(error, "landlock_add_rule", plan->paths[i].path);
		if (plan->open_when_applied)
			close(fd);
		if (code < 0)
			return code;
	}
	return 0;
}

static int add_rules(const struct moat_landlock_plan *plan, int ruleset, struct moat_error *error)
{
	int code = add_path_rules(plan, ruleset, error);

	if (code < 0)
		return code;
	for (size_t i = 0; i < plan->port_count; i++) {
		struct moat_landlock_net_port_attr attr = {
		        .allowed_access = plan->ports[i].access,
		        .port = plan->ports[i].port,
		};

		if (moat_landlock_sys_add_rule(ruleset, MOAT_LANDLOCK_RULE_NET_PORT, &attr) < 0)
			return fail_call(error, "landlock_add_rule", "TCP port");
	}
	return 0;
}

int moat_landlock_apply(const struct moat_landlock_plan *plan, unsigned flags,
                        struct moat_error *error)
{
	uint32_t restrict_flags = 0;
	int ruleset;
	int code;

	if (flags & ~(unsigned)MOAT_LANDLOCK_ALL_THREADS) {
		struct moat_message message = moat_message_begin(error, -EINVAL);

		moat_message_put(&message, "unknown Landlock apply flags");
		return -EINVAL;
	}
	if (!moat_landlock_plan_enforces(plan))
		return 0;
	if (flags & MOAT_LANDLOCK_ALL_THREADS) {
		if (plan->restrict_flags & LANDLOCK_RESTRICT_SELF_TSYNC)
			restrict_flags |= LANDLOCK_RESTRICT_SELF_TSYNC;
		else if ((code = check_threads(plan, error)) < 0)
			return code;
	}
	/*
	 * Landlock logs denials until the next execve by default; the sandboxed
	 * program runs after one, and its denials are what users need to see.
	 */
	restrict_flags |= plan->restrict_flags & LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		struct moat_message message = moat_message_begin(error, -EPERM);

		moat_message_put(&message,
		                 "no_new_privs is not set: set it (PR_SET_NO_NEW_PRIVS) before "
		                 "applying Landlock");
		return -EPERM;
	}
	ruleset = moat_landlock_sys_create_ruleset(&plan->ruleset, plan->ruleset_size, 0);
	if (ruleset < 0)
		return fail_call(error, "landlock_create_ruleset", NULL);
	code = add_rules(plan, ruleset, error);
	if (code == 0 && moat_landlock_sys_restrict_self(ruleset, restrict_flags) < 0)
		code = fail_call(error, "landlock_restrict_self",
		                 errno == E2BIG ? "16 Landlock domains are already stacked" : NULL);
	close(ruleset);
	return code;
}

int moat_landlock_enter_boundary(bool scope_signals, struct moat_error *error)
{
	/* A domain needs something handled: signals, or else creating block devices. */
	struct moat_landlock_ruleset_attr ruleset = {0};
	size_t size = MOAT_LANDLOCK_RULESET_SIZE_ABI1;
	int fd, code = 0;

	if (scope_signals) {
		ruleset.scoped = LANDLOCK_SCOPE_SIGNAL;
		size = MOAT_LANDLOCK_RULESET_SIZE_ABI6;
	} else {
		ruleset.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_BLOCK;
	}
	fd = moat_landlock_sys_create_ruleset(&ruleset, size, 0);
	if (fd < 0)
		return fail_call(error, "landlock_create_ruleset", "moat's own boundary");
	if (moat_landlock_sys_restrict_self(fd, 0) < 0)
		code = fail_call(error, "landlock_restrict_self", "moat's own boundary");
	close(fd);
	return code;
}
