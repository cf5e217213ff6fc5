// SPDX-License-Identifier: MIT
/*
 * moat_spawn() and moat_enter() through the public API: errors from inside
 * the new process come back as errors, options are honoured, and entering
 * restricts the caller. Every restriction has its positive control.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy_support.h"

static moat_policy *load(const char *text)
{
	struct test_diagnostics diagnostics;
	moat_policy *policy = test_load(text, &diagnostics);

	if (!policy)
		fail_msg("policy refused:\n%s", diagnostics.text);
	return policy;
}

static moat_policy *load_system(const char *extra)
{
	char text[4096];

	snprintf(text, sizeof(text), "moat 1\ninclude \"%s/policies/system.policy\"\n%s",
	         getenv("MOAT_SOURCE_DIR"), extra);
	return load(text);
}

/* Runs argv under policy; returns the wait status, failing the test if spawning fails. */
static int spawn_and_wait(moat_policy *policy, char **argv,
                          const struct moat_sandbox_options *options)
{
	struct moat_error error;
	moat_child *child;
	int status;

	if (moat_spawn(&child, policy, argv[0], argv, options, &error) < 0)
		fail_msg("moat_spawn: %s", error.message);
	assert_true(moat_child_pid(child) > 0);
	assert_true(moat_child_pidfd(child) >= 0);
	assert_int_equal(moat_child_wait(child, &status), 0);
	assert_int_equal(moat_child_wait(child, &status), -ECHILD);
	moat_child_free(child);
	return status;
}

static void exit_status_and_signals(void **state)
{
	moat_policy *policy = load_system("[syscalls]\nallow @proc\n");
	char *exits[] = {"/bin/sh", "-c", "exit 7", NULL};
	char *killed[] = {"/bin/sh", "-c", "kill -USR1 $$", NULL};
	int status;

	(void)state;
	status = spawn_and_wait(policy, exits, NULL);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 7);
	status = spawn_and_wait(policy, killed, NULL);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGUSR1);
	moat_policy_free(policy);
}

static void errors_inside_the_child_come_back(void **state)
{
	moat_policy *policy = load_system("[process]\ncwd /nonexistent/directory\n");
	char *argv[] = {"/bin/true", NULL};
	struct moat_error error;
	moat_child *child = NULL;

	(void)state;
	assert_int_equal(moat_spawn(&child, policy, argv[0], argv, NULL, &error), -ENOENT);
	assert_null(child);
	assert_non_null(strstr(error.message, "/nonexistent/directory"));
	assert_string_equal(error.step, "cwd");
	moat_policy_free(policy);

	policy = load_system("");
	argv[0] = "/nonexistent/program";
	assert_int_equal(moat_spawn(&child, policy, argv[0], argv, NULL, &error), -ENOENT);
	assert_non_null(strstr(error.message, "cannot execute /nonexistent/program"));
	assert_string_equal(error.step, "exec");
	argv[0] = "/usr";
	assert_int_equal(moat_spawn(&child, policy, argv[0], argv, NULL, &error), -EACCES);
	assert_int_equal(moat_spawn(&child, policy, NULL, argv, NULL, &error), -EINVAL);
	moat_policy_free(policy);
}

static void a_filter_without_execve_is_refused_early(void **state)
{
	moat_policy *policy = load("moat 1\n[syscalls]\nallow @stdio\n");
	char *argv[] = {"/bin/true", NULL};
	struct moat_error error;
	moat_child *child;

	(void)state;
	assert_int_equal(moat_spawn(&child, policy, argv[0], argv, NULL, &error), -EPERM);
	assert_non_null(strstr(error.message, "execve"));
	moat_policy_free(policy);
}

static void environment_and_descriptors(void **state)
{
	static const char *const environment[] = {"OTHER=no", "GIVEN=yes", NULL};
	moat_policy *policy = load_system("[syscalls]\nallow @proc\n[process]\nenv keep GIVEN\n");
	char *check_environment[] = {"/bin/sh", "-c", "test \"$GIVEN\" = yes && test -z \"$OTHER\"",
	                             NULL};
	char *read_kept[] = {"/bin/sh", "-c", "read line <&7 && test \"$line\" = kept", NULL};
	struct moat_sandbox_options options = {.version = MOAT_SANDBOX_OPTIONS_VERSION,
	                                       .environment = environment};
	int pipe_fds[2], kept;

	(void)state;
	assert_int_equal(spawn_and_wait(policy, check_environment, &options), 0);
	/* A descriptor passed on purpose arrives under its number; without keep_fds it does not. */
	assert_int_equal(pipe(pipe_fds), 0);
	kept = dup2(pipe_fds[0], 7);
	assert_int_equal(kept, 7);
	assert_int_equal(write(pipe_fds[1], "kept\nkept\n", 10), 10);
	options.keep_fds = &kept;
	options.keep_fd_count = 1;
	assert_int_equal(spawn_and_wait(policy, read_kept, &options), 0);
	options.keep_fd_count = 0;
	assert_int_not_equal(spawn_and_wait(policy, read_kept, &options), 0);
	close(kept);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	moat_policy_free(policy);
}

static void count_network_warning(const struct moat_diagnostic *diagnostic, void *context)
{
	int *count = context;

	if (diagnostic->severity == MOAT_SEVERITY_WARNING && strstr(diagnostic->message, "ABI 4"))
		(*count)++;
}

static void compat_with_an_older_landlock(void **state)
{
	moat_policy *strict = load_system("[network]\nconnect tcp 443\n");
	moat_policy *lenient = load_system("compat best-effort\n[network]\nconnect tcp 443\n");
	struct moat_sandbox_options options = {.version = MOAT_SANDBOX_OPTIONS_VERSION,
	                                       .on_diagnostic = count_network_warning,
	                                       .landlock_abi_limit = 3};
	char *argv[] = {"/bin/true", NULL};
	struct moat_error error;
	moat_child *child;
	int warnings = 0;

	(void)state;
	options.diagnostic_context = &warnings;
	assert_int_equal(moat_spawn(&child, strict, argv[0], argv, &options, &error), -EOPNOTSUPP);
	assert_non_null(strstr(error.message, "ABI 4"));
	assert_int_equal(warnings, 0);
	assert_int_equal(spawn_and_wait(lenient, argv, &options), 0);
	assert_int_equal(warnings, 1);
	/* The kernel as it is enforces both. */
	options.landlock_abi_limit = 0;
	assert_int_equal(spawn_and_wait(strict, argv, &options), 0);
	moat_policy_free(strict);
	moat_policy_free(lenient);
}

/* ---- moat_enter --------------------------------------------------------- */

/* Runs `body` in a child and returns its exit status (or 128+signal). */
static int in_child(int (*body)(void))
{
	int status;
	pid_t child = fork();

	if (child == 0)
		_exit(body());
	assert_true(child > 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int enter_then_getppid(void)
{
	moat_policy *policy = load("moat 1\n[syscalls]\ndefault allow\nerrno EPERM getppid\n"
	                           "kill @default-deny\n");
	struct moat_error error;

	if (moat_enter(policy, NULL, NULL, &error) < 0)
		return 100;
	return syscall(SYS_getppid) < 0 && errno == EPERM ? 0 : 1;
}

static int getppid_works(void)
{
	return syscall(SYS_getppid) > 0 ? 0 : 1;
}

static int enter_then_read_outside(void)
{
	moat_policy *policy = load("moat 1\n[filesystem]\nread /usr\n");
	struct moat_error error;

	if (moat_enter(policy, NULL, NULL, &error) < 0)
		return 100;
	return open("/etc/hostname", O_RDONLY) < 0 && errno == EACCES ? 0 : 1;
}

static int read_outside_works(void)
{
	return open("/etc/hostname", O_RDONLY) >= 0 ? 0 : 1;
}

static void *idle(void *argument)
{
	pause();
	return argument;
}

static int enter_with_two_threads(void)
{
	moat_policy *policy = load("moat 1\n[filesystem]\nread /usr\n");
	struct moat_error error;
	pthread_t thread;

	if (pthread_create(&thread, NULL, idle, NULL) != 0)
		return 100;
	return moat_enter(policy, NULL, NULL, &error) == -EBUSY && strstr(error.message, "threads")
	               ? 0
	               : 1;
}

static int enter_notify_needs_a_listener(void)
{
	moat_policy *policy = load("moat 1\n[syscalls]\ndefault allow\nnotify getppid\n");
	struct moat_error error;
	int listener = -1;

	if (moat_enter(policy, NULL, NULL, &error) != -EINVAL)
		return 1;
	if (moat_enter(policy, NULL, &listener, &error) < 0 || listener < 0)
		return 2;
	/* With nobody serving the listener closed, a notified call fails with ENOSYS. */
	close(listener);
	return syscall(SYS_getppid) < 0 && errno == ENOSYS ? 0 : 3;
}

static int enter_with_namespaces(void)
{
	moat_policy *policy = load("moat 1\n[namespaces]\nunshare net\n");
	struct moat_error error;

	return moat_enter(policy, NULL, NULL, &error) == -EINVAL ? 0 : 1;
}

/*
 * Narrowing in steps. A allows getppid and reading /etc; B refuses both, but
 * allows every other syscall and reading /var, which A refuses.
 */
#define STEP_A                                                                                     \
	"moat 1\n[syscalls]\ndefault errno EPERM\nallow @stdio @rpath\n"                           \
	"allow seccomp landlock_create_ruleset landlock_add_rule landlock_restrict_self\n"         \
	"[filesystem]\nread /usr /etc /proc\n[limits]\nnofile 256 256\n"
#define STEP_B                                                                                     \
	"moat 1\n[syscalls]\ndefault allow\nerrno EACCES getppid\n"                                \
	"[filesystem]\nread /usr /proc /var\n[limits]\nnofile 256 256\n"

static int readable(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int inet_socket_works(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* Control: before any step, everything either policy refuses works. */
static int nothing_entered(void)
{
	return syscall(SYS_getppid) > 0 && readable("/etc") && readable("/var") &&
	                       inet_socket_works()
	               ? 0
	               : 1;
}

/* Control: A alone lets getppid and /etc through, and refuses /var and the socket. */
static int enter_a(void)
{
	moat_policy *a = load(STEP_A);
	struct moat_error error;

	if (moat_enter(a, NULL, NULL, &error) < 0)
		return 100;
	if (syscall(SYS_getppid) <= 0 || !readable("/etc"))
		return 1;
	return !readable("/var") && !inet_socket_works() ? 0 : 2;
}

static int enter_a_then_b(void)
{
	moat_policy *a = load(STEP_A), *b = load(STEP_B);
	struct moat_error error;

	if (moat_enter(a, NULL, NULL, &error) < 0)
		return 100;
	if (moat_enter(b, NULL, NULL, &error) < 0) {
		print_message("second moat_enter: %s\n", error.message);
		return 101;
	}
	/* What both allow still works. */
	if (syscall(SYS_getpid) <= 0 || !readable("/usr"))
		return 1;
	/* What B refuses is refused now. */
	if (syscall(SYS_getppid) >= 0 || errno != EACCES || readable("/etc"))
		return 2;
	/* What A refused stays refused though B allows it. */
	if (readable("/var") || inet_socket_works() || errno != EPERM)
		return 3;
	return 0;
}

/* A later step that would widen a hard limit is refused at its statement. */
static int enter_a_then_raise_a_limit(void)
{
	moat_policy *a = load(STEP_A), *b = load("moat 1\n[limits]\nnofile 256 4096\n");
	struct moat_error error;

	if (moat_enter(a, NULL, NULL, &error) < 0)
		return 100;
	return moat_enter(b, NULL, NULL, &error) == -EPERM && error.line == 3 ? 0 : 1;
}

static int raise_a_limit_alone(void)
{
	moat_policy *b = load("moat 1\n[limits]\nnofile 256 4096\n");
	struct moat_error error;

	return moat_enter(b, NULL, NULL, &error) == 0 ? 0 : 1;
}

static void enter_narrows_in_steps(void **state)
{
	(void)state;
	assert_int_equal(in_child(nothing_entered), 0);
	assert_int_equal(in_child(enter_a), 0);
	assert_int_equal(in_child(enter_a_then_b), 0);
	assert_int_equal(in_child(raise_a_limit_alone), 0);
	assert_int_equal(in_child(enter_a_then_raise_a_limit), 0);
}

/* ---- identity ------------------------------------------------------------ */

#define NOBODY      65534
#define OTHER_GROUP 4242

/* A shell check of /proc/self/status: uid and gid 65534, groups exactly 4242 and 65534 (sorted). */
static char *identity_check[] = {
        "/bin/sh", "-c",
        "/bin/grep -qE '^Uid:\\s65534\\s65534\\s65534\\s65534$' /proc/self/status && "
        "/bin/grep -qE '^Gid:\\s65534\\s65534\\s65534\\s65534$' /proc/self/status && "
        "/bin/grep -qE '^Groups:\\s4242 65534 ?$' /proc/self/status && "
        "/bin/grep -qE '^CapEff:\\s0+$' /proc/self/status",
        NULL};

static const gid_t identity_groups[] = {NOBODY, OTHER_GROUP};

static struct moat_sandbox_options nobody_options(void)
{
	struct moat_sandbox_options options = MOAT_SANDBOX_OPTIONS_INIT;

	options.identity = MOAT_IDENTITY_UID | MOAT_IDENTITY_GID | MOAT_IDENTITY_GROUPS;
	options.uid = NOBODY;
	options.gid = NOBODY;
	options.groups = identity_groups;
	options.group_count = 2;
	return options;
}

/* As root the program runs as nobody with the groups asked for; control: without, as root. */
static void spawn_as_another_user(void **state)
{
	moat_policy *policy = load("moat 1\n");
	struct moat_sandbox_options options = nobody_options();

	(void)state;
	if (geteuid() != 0) {
		print_message("SKIP: changing the uid needs root\n");
		moat_policy_free(policy);
		skip();
	}
	assert_int_not_equal(spawn_and_wait(policy, identity_check, NULL), 0);
	assert_int_equal(spawn_and_wait(policy, identity_check, &options), 0);
	moat_policy_free(policy);
}

static int drop_to_nobody(void)
{
	return setgroups(0, NULL) == 0 && setresgid(NOBODY, NOBODY, NOBODY) == 0 &&
	       setresuid(NOBODY, NOBODY, NOBODY) == 0;
}

/* Unprivileged: another uid, gid or groups are refused before anything starts. */
static int unprivileged_identity(void)
{
	moat_policy *policy = load("moat 1\n[process]\ndie-with-parent no\n");
	struct moat_sandbox_options options = MOAT_SANDBOX_OPTIONS_INIT;
	char *argv[] = {"/bin/true", NULL};
	struct moat_error error;
	moat_child *child;
	int status;

	if (!drop_to_nobody())
		return 100;
	/* Control: its own ids are allowed. */
	options.identity = MOAT_IDENTITY_UID | MOAT_IDENTITY_GID;
	options.uid = NOBODY;
	options.gid = NOBODY;
	if (moat_spawn(&child, policy, argv[0], argv, &options, &error) < 0 ||
	    moat_child_wait(child, &status) < 0 || status != 0)
		return 1;
	moat_child_free(child);
	options.uid = 0;
	if (moat_spawn(&child, policy, argv[0], argv, &options, &error) != -EPERM ||
	    !strstr(error.message, "CAP_SETUID")) {
		print_message("uid 0 as nobody: %s\n", error.message);
		return 2;
	}
	options.uid = NOBODY;
	options.gid = 0;
	if (moat_spawn(&child, policy, argv[0], argv, &options, &error) != -EPERM ||
	    !strstr(error.message, "CAP_SETGID"))
		return 3;
	options.identity = MOAT_IDENTITY_GROUPS;
	options.groups = identity_groups;
	options.group_count = 1;
	if (moat_spawn(&child, policy, argv[0], argv, &options, &error) != -EPERM)
		return 4;
	return moat_enter(policy, &options, NULL, &error) == -EPERM ? 0 : 5;
}

/* moat_enter(): the calling process becomes nobody, and holds no capability. */
static int enter_as_nobody(void)
{
	moat_policy *policy = load("moat 1\n");
	struct moat_sandbox_options options = nobody_options();
	struct moat_error error;
	uid_t real, effective, saved;
	gid_t groups[4];

	if (moat_enter(policy, &options, NULL, &error) < 0)
		return 100;
	if (getresuid(&real, &effective, &saved) < 0 || real != NOBODY || effective != NOBODY ||
	    saved != NOBODY || getgid() != NOBODY)
		return 1;
	/* The kernel keeps the groups sorted. */
	if (getgroups(4, groups) != 2 || groups[0] != OTHER_GROUP || groups[1] != NOBODY)
		return 2;
	return setresuid(0, 0, 0) < 0 && errno == EPERM ? 0 : 3;
}

/*
 * Unprivileged, in a user namespace: the uid asked for is the one inside,
 * mapped to the caller's own; groups are refused (setgroups is denied there).
 * Returns 77 when this system gives no user namespace.
 */
static int mapped_identity(void)
{
	moat_policy *policy = load("moat 1\n[namespaces]\nunshare user\n");
	struct moat_sandbox_options options = MOAT_SANDBOX_OPTIONS_INIT;
	char *argv[] = {"/bin/grep", "-qE", "^Uid:\\s1000\\s", "/proc/self/status", NULL};
	struct moat_error error;
	moat_child *child;
	int status, result;

	if (!drop_to_nobody() || prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return 100;
	options.identity = MOAT_IDENTITY_UID;
	options.uid = 1000;
	result = moat_spawn(&child, policy, argv[0], argv, &options, &error);
	if (result == -EOPNOTSUPP)
		return 77;
	if (result < 0 || moat_child_wait(child, &status) < 0 || status != 0)
		return 1;
	moat_child_free(child);
	options.identity = MOAT_IDENTITY_GROUPS;
	options.groups = identity_groups;
	options.group_count = 1;
	return moat_spawn(&child, policy, argv[0], argv, &options, &error) == -EINVAL ? 0 : 2;
}

static void identity_is_checked_and_applied(void **state)
{
	int mapped = in_child(mapped_identity);

	(void)state;
	assert_int_equal(in_child(unprivileged_identity), 0);
	if (mapped == 77)
		print_message("SKIP: no user namespace for uid 65534 on this system\n");
	else
		assert_int_equal(mapped, 0);
	if (geteuid() != 0) {
		print_message("SKIP: changing the uid needs root\n");
		skip();
	}
	assert_int_equal(in_child(enter_as_nobody), 0);
}

static void enter_restricts_the_caller(void **state)
{
	(void)state;
	assert_int_equal(in_child(getppid_works), 0);
	assert_int_equal(in_child(enter_then_getppid), 0);
	assert_int_equal(in_child(read_outside_works), 0);
	assert_int_equal(in_child(enter_then_read_outside), 0);
	assert_int_equal(in_child(enter_with_two_threads), 0);
	assert_int_equal(in_child(enter_notify_needs_a_listener), 0);
	assert_int_equal(in_child(enter_with_namespaces), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(exit_status_and_signals),
	        cmocka_unit_test(errors_inside_the_child_come_back),
	        cmocka_unit_test(a_filter_without_execve_is_refused_early),
	        cmocka_unit_test(environment_and_descriptors),
	        cmocka_unit_test(compat_with_an_older_landlock),
	        cmocka_unit_test(enter_restricts_the_caller),
	        cmocka_unit_test(enter_narrows_in_steps),
	        cmocka_unit_test(spawn_as_another_user),
	        cmocka_unit_test(identity_is_checked_and_applied),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
