// SPDX-License-Identifier: MIT
/*
 * Policy paths that a sandbox could redirect between runs (issue 9,
 * findings 1, 2 and 5). A scratch directory, root's and 0755, holds
 *
 *   DIR/w/       a directory the policies let the sandbox write
 *   DIR/w/ref/   a path they grant (read, Landlock rule, bind source)
 *   DIR/secret/  key.txt, granted to no one
 *   DIR/nobody/  owned by uid 65534
 *
 * The attack: a run replaces DIR/w/ref with a symlink (to `/` or to
 * DIR/secret); the next run's grant must not follow it. Every test has its
 * positive control: the plain open(2) the code used before follows the link
 * to the secret. Paths the sandbox cannot have planted (root's directory,
 * not writable by the policy, such as /lib -> usr/lib) still work.
 */
#include "test_supervise.h"

#include <grp.h>
#include <linux/openat2.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/un.h>
#include <termios.h>

#include "isolate/isolate.h"
#include "policy/path_trust.h"
#include "supervise/supervise.h"
#include "util/safe_path.h"

#define NOBODY     65534
#define SHORT_PATH 256

struct fixture {
	char dir[SHORT_PATH];
	char w[SHORT_PATH];
	char ref[SHORT_PATH];
	char secret[SHORT_PATH];
	char nobody[SHORT_PATH];
	const char *environment[2];
	char dir_variable[SHORT_PATH + 8];
};

static struct fixture *fixture;

static void path_in(char *out, const char *directory, const char *name)
{
	assert_true(snprintf(out, SHORT_PATH, "%s/%s", directory, name) < SHORT_PATH);
}

static int setup(void **state)
{
	static struct fixture storage;
	char path[SHORT_PATH];

	(void)state;
	if (geteuid() != 0)
		return 0; /* every test skips */
	fixture = &storage;
	snprintf(fixture->dir, sizeof(fixture->dir), "/tmp/moat-grants-XXXXXX");
	assert_non_null(mkdtemp(fixture->dir));
	assert_int_equal(chmod(fixture->dir, 0755), 0);
	path_in(fixture->w, fixture->dir, "w");
	path_in(fixture->ref, fixture->w, "ref");
	path_in(fixture->secret, fixture->dir, "secret");
	path_in(fixture->nobody, fixture->dir, "nobody");
	assert_int_equal(mkdir(fixture->w, 0755), 0);
	assert_int_equal(mkdir(fixture->ref, 0755), 0);
	assert_int_equal(mkdir(fixture->secret, 0755), 0);
	assert_int_equal(mkdir(fixture->nobody, 0755), 0);
	assert_int_equal(chown(fixture->nobody, NOBODY, NOBODY), 0);
	path_in(path, fixture->secret, "key.txt");
	sv_write_file(path, "secret");
	snprintf(fixture->dir_variable, sizeof(fixture->dir_variable), "DIR=%s", fixture->dir);
	fixture->environment[0] = fixture->dir_variable;
	fixture->environment[1] = NULL;
	return 0;
}

/* The tests plant links as root and drop to uid 65534 from root. */
static void need_root(void)
{
	if (geteuid() != 0) {
		print_message("skipped: needs root\n");
		skip();
	}
}

static int teardown(void **state)
{
	(void)state;
	if (geteuid() != 0)
		return 0;
	sv_remove_tree(fixture->dir);
	return 0;
}

/* DIR/w/ref back to a plain, empty directory. */
static void restore_ref(void)
{
	struct stat status;

	if (lstat(fixture->ref, &status) == 0 && !S_ISDIR(status.st_mode))
		assert_int_equal(unlink(fixture->ref), 0);
	if (lstat(fixture->ref, &status) < 0)
		assert_int_equal(mkdir(fixture->ref, 0755), 0);
}

/* What run 1 leaves: DIR/w/ref a symlink to `target`. */
static void plant(const char *target)
{
	assert_int_equal(rmdir(fixture->ref), 0);
	assert_int_equal(symlink(target, fixture->ref), 0);
}

static moat_policy *load(const char *text)
{
	return sv_policy(text, fixture->environment);
}

/* Positive control: a plain open of `path`, as the code did before, reads the secret. */
static bool naive_open_reads_secret(const char *path, const char *below)
{
	char buffer[16] = "";
	int directory = open(path, O_PATH | O_CLOEXEC);
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_BENEATH};
	int fd =
	        directory < 0 ? -1 : (int)syscall(SYS_openat2, directory, below, &how, sizeof(how));

	if (fd >= 0) {
		sv_read_fd(fd, buffer, sizeof(buffer));
		close(fd);
	}
	if (directory >= 0)
		close(directory);
	return !strcmp(buffer, "secret");
}

/* The key below `/`, relative: what a grant widened to `/` reaches. */
static const char *key_below_root(char *out)
{
	path_in(out, fixture->secret + 1, "key.txt");
	return out;
}

/* ---- the opener itself ----------------------------------------------------- */

static int opens(const char *path, const char *const *paths, size_t count,
                 struct moat_safe_path *found)
{
	struct moat_path_trust trust = {paths, count, NULL, 0};
	int fd = moat_safe_path_open(path, &trust, found);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? fd : 0;
}

static void test_opener_rules(void **state)
{
	static struct moat_safe_path found;
	char link[SHORT_PATH], deep[SHORT_PATH], path[SHORT_PATH];
	const char *w[] = {fixture->w};
	const char *dir[] = {fixture->dir};

	(void)state;
	need_root();
	/* Root's directory, not writable by the policy: followed, named by its target. */
	path_in(link, fixture->dir, "link");
	assert_int_equal(symlink("secret", link), 0);
	assert_int_equal(opens(link, NULL, 0, &found), 0);
	assert_string_equal(found.resolved, fixture->secret);
	/* The same link when the policy lets the sandbox write that directory: refused. */
	assert_int_equal(opens(link, dir, 1, &found), -ELOOP);
	assert_string_equal(found.symlink, link);
	assert_non_null(strstr(found.reason, "write"));
	/* Below a writable directory, several levels down: refused (walking up). */
	path_in(deep, fixture->ref, "a");
	assert_int_equal(mkdir(deep, 0755), 0);
	path_in(path, deep, "up");
	assert_int_equal(symlink(fixture->secret, path), 0);
	assert_int_equal(opens(path, w, 1, &found), -ELOOP);
	assert_true(naive_open_reads_secret(path, "key.txt"));
	/* A writable directory known by another name (a bind mount): still refused. */
	path_in(link, fixture->dir, "alias");
	assert_int_equal(mkdir(link, 0755), 0);
	if (mount(fixture->w, link, NULL, MS_BIND, NULL) == 0) {
		const char *alias[] = {link};

		assert_int_equal(opens(path, alias, 1, &found), -ELOOP);
		assert_int_equal(umount(link), 0);
	} else {
		print_message("cannot bind-mount here (%s): alias case not run\n", strerror(errno));
	}
	assert_int_equal(rmdir(link), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(deep), 0);
	/* Not root's, or writable by others: refused whatever the policy says. */
	path_in(path, fixture->nobody, "up");
	assert_int_equal(symlink(fixture->secret, path), 0);
	assert_int_equal(opens(path, NULL, 0, &found), -ELOOP);
	assert_non_null(strstr(found.reason, "root"));
	assert_true(naive_open_reads_secret(path, "key.txt"));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(chmod(fixture->w, 0777), 0);
	path_in(path, fixture->w, "up");
	assert_int_equal(symlink(fixture->secret, path), 0);
	assert_int_equal(opens(path, NULL, 0, &found), -ELOOP);
	assert_non_null(strstr(found.reason, "others"));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(chmod(fixture->w, 0755), 0);
	/* A loop is ELOOP with no symlink named; an absent path is ENOENT. */
	path_in(path, fixture->dir, "loop");
	assert_int_equal(symlink("loop", path), 0);
	assert_int_equal(opens(path, NULL, 0, &found), -ELOOP);
	assert_string_equal(found.symlink, "");
	assert_int_equal(unlink(path), 0);
	path_in(path, fixture->dir, "absent");
	assert_int_equal(opens(path, NULL, 0, &found), -ENOENT);
	/* `..` and `.` walk as the kernel does. */
	path_in(path, fixture->ref, "../../secret/./key.txt");
	assert_int_equal(opens(path, NULL, 0, &found), 0);
	path_in(link, fixture->secret, "key.txt");
	assert_string_equal(found.resolved, link);
	/* Merged /usr: /lib -> usr/lib is root's, in root's 0755 `/`. */
	if (readlink("/lib", path, sizeof(path)) > 0) {
		assert_int_equal(opens("/lib/", NULL, 0, &found), 0);
		assert_string_equal(found.resolved, "/usr/lib");
	}
	path_in(link, fixture->dir, "link");
	assert_int_equal(unlink(link), 0);
}

/*
 * A path through no symlink is opened by one openat2 (RESOLVE_NO_SYMLINKS)
 * and reported as the walk would; one through a symlink still goes to the
 * walk. The control: the kernel's openat2 does fail at the symlink that
 * a plain open follows, so the fast path cannot skip the walk's checks.
 */
static void test_opener_without_symlinks(void **state)
{
	static struct moat_safe_path found;
	char path[SHORT_PATH], link[SHORT_PATH], key[SHORT_PATH];
	const char *dir[] = {fixture->dir};
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
	int fd;

	(void)state;
	need_root();
	path_in(key, fixture->secret, "key.txt");
	path_in(path, fixture->dir, "/./w/../secret/key.txt");
	assert_int_equal(opens(path, NULL, 0, &found), 0);
	assert_string_equal(found.resolved, key);
	assert_false(found.directory);
	path_in(path, fixture->secret, "");
	assert_int_equal(opens(path, NULL, 0, &found), 0);
	assert_string_equal(found.resolved, fixture->secret);
	assert_true(found.directory);
	path_in(path, key, "");
	assert_int_equal(opens(path, NULL, 0, &found), -ENOTDIR);
	path_in(link, fixture->dir, "direct");
	assert_int_equal(symlink(fixture->secret, link), 0);
	fd = (int)syscall(SYS_openat2, AT_FDCWD, link, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {
		print_message("no openat2 here: the walk alone is used\n");
	} else {
		assert_int_equal(fd, -1);
		assert_int_equal(errno, ELOOP);
	}
	fd = open(link, O_PATH | O_CLOEXEC);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(opens(link, dir, 1, &found), -ELOOP);
	assert_string_equal(found.symlink, link);
	assert_int_equal(unlink(link), 0);
}

/* ---- what a policy makes writable and fresh ---------------------------------- */

static bool listed(const char *const *paths, size_t count, const char *path)
{
	for (size_t i = 0; i < count; i++) {
		if (!strcmp(paths[i], path))
			return true;
	}
	return false;
}

static void test_policy_trust(void **state)
{
	moat_policy *policy = load("moat 1\n[namespaces]\nunshare mount user\n[mounts]\n"
	                           "bind ${DIR}/w /w rw\nbind ${DIR}/secret /secret\n"
	                           "tmpfs /tmp\nbind ${DIR}/secret /tmp\ndev /dev\n"
	                           "[filesystem]\nread /secret\nallow make-sym /w\n"
	                           "[broker]\nopen write ${DIR}/nobody\nopen read ${DIR}/secret\n");
	struct moat_arena arena = {0};
	struct moat_path_trust host, inside;
	char nobody[SHORT_PATH];

	(void)state;
	need_root();
	path_in(nobody, fixture->dir, "nobody");
	assert_int_equal(moat_policy_path_trust(policy, MOAT_TRUST_HOST, &arena, &host), 0);
	/* The host: `rw` bind sources and `open write` grants, nothing fresh. */
	assert_int_equal(host.writable_count, 2);
	assert_true(listed(host.writable, host.writable_count, fixture->w));
	assert_true(listed(host.writable, host.writable_count, nobody));
	assert_int_equal(host.fresh_count, 0);
	/* The new root: writing [filesystem] rules; the root and `dev`, not the covered tmpfs. */
	assert_int_equal(moat_policy_path_trust(policy, MOAT_TRUST_NEW_ROOT, &arena, &inside), 0);
	assert_int_equal(inside.writable_count, 1);
	assert_string_equal(inside.writable[0], "/w");
	assert_int_equal(inside.fresh_count, 2);
	assert_true(listed(inside.fresh, inside.fresh_count, "/"));
	assert_true(listed(inside.fresh, inside.fresh_count, "/dev"));
	moat_arena_release(&arena);
	moat_policy_free(policy);
}

/* ---- broker `open` grants ---------------------------------------------------- */

static const char broker_policy[] = "moat 1\n"
                                    "[syscalls]\n"
                                    "default allow\n"
                                    "notify open openat openat2\n"
                                    "[filesystem]\n"
                                    "read /\n"
                                    "write ${DIR}/w\n"
                                    "[broker]\n"
                                    "open read ${DIR}/w/ref\n";

/* Run 1: what a sandbox that may write DIR/w does to the next run's grant. */
static int swap_body(void *context)
{
	const char *ref = context;
	int fd = open(ref, O_RDONLY | O_DIRECTORY);

	/* Through the broker: the supervisor has opened the grants by now. */
	SV_EXPECT(fd >= 0);
	close(fd);
	SV_EXPECT(rmdir(ref) == 0);
	SV_EXPECT(symlink("/", ref) == 0);
	return 0;
}

static void test_broker_grant_swapped_by_a_run(void **state)
{
	moat_policy *policy = load(broker_policy);
	struct moat_grants grants;
	struct moat_error error = {0};
	char below[SHORT_PATH];

	(void)state;
	need_root();
	restore_ref();
	/* Run 1 starts with the grant intact, and swaps it. */
	assert_int_equal(moat_grants_build(&grants, policy, &error), 0);
	moat_grants_release(&grants);
	assert_int_equal(sv_run(policy, swap_body, fixture->ref), 0);
	/* Positive control: the grant opened as before would cover the host. */
	assert_true(naive_open_reads_secret(fixture->ref, key_below_root(below)));
	/* Run 2: refused, at the grant's line. */
	assert_int_equal(moat_grants_build(&grants, policy, &error), -ELOOP);
	assert_int_equal(error.line, 9);
	assert_non_null(strstr(error.message, "symlink"));
	assert_non_null(strstr(error.message, fixture->ref));
	restore_ref();
	moat_policy_free(policy);
}

/* A build to run as uid 65534, and the result it must give. */
struct as_nobody {
	int (*build)(const moat_policy *policy, struct moat_error *error);
	int expected;
};

static int become_nobody(void)
{
	return setgroups(0, NULL) == 0 && setresgid(NOBODY, NOBODY, NOBODY) == 0 &&
	                       setresuid(NOBODY, NOBODY, NOBODY) == 0
	               ? 0
	               : -1;
}

static int build_grants(const moat_policy *policy, struct moat_error *error)
{
	struct moat_grants grants;
	int result = moat_grants_build(&grants, policy, error);

	if (result == 0)
		moat_grants_release(&grants);
	return result;
}

/* Builds as uid 65534 in a child; its exit code is 0 when the result was `expected`. */
static int run_as_nobody(const moat_policy *policy, const struct as_nobody *test)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct moat_error error = {0};
		int result;

		if (become_nobody() < 0)
			_exit(SV_CHILD_BROKEN);
		result = test->build(policy, &error);
		if (result != test->expected)
			fprintf(stderr, "as 65534: %d, expected %d: %s\n", result, test->expected,
			        error.message);
		_exit(result == test->expected ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_broker_grant_as_nobody(void **state)
{
	struct as_nobody test = {build_grants, 0};
	char ref[SHORT_PATH], below[SHORT_PATH];
	moat_policy *policy;

	(void)state;
	need_root();
	path_in(ref, fixture->nobody, "ref");
	assert_int_equal(mkdir(ref, 0755), 0);
	policy = load("moat 1\n[syscalls]\ndefault allow\nnotify open\n"
	              "[broker]\nopen read ${DIR}/nobody/ref\n");
	assert_int_equal(run_as_nobody(policy, &test), 0);
	assert_int_equal(rmdir(ref), 0);
	assert_int_equal(symlink("/", ref), 0);
	/* Positive control, as root: the naive open reaches the secret through it. */
	assert_true(naive_open_reads_secret(ref, key_below_root(below)));
	test.expected = -ELOOP;
	assert_int_equal(run_as_nobody(policy, &test), 0);
	assert_int_equal(unlink(ref), 0);
	moat_policy_free(policy);
}

/* ---- Landlock rules ------------------------------------------------------------ */

static int build_landlock(const moat_policy *policy, struct moat_error *error)
{
	struct moat_landlock_features features;
	struct moat_landlock_plan *plan;
	int result = moat_landlock_probe(&features);

	if (result == 0)
		result = moat_landlock_plan_build(&plan, policy, &features, error);
	if (result == 0)
		moat_landlock_plan_free(plan);
	return result;
}

static void test_landlock_rule_swapped(void **state)
{
	moat_policy *writable = load("moat 1\ncompat best-effort\n[filesystem]\n"
	                             "read ${DIR}/w/ref\nwrite ${DIR}/w\n");
	moat_policy *read_only = load("moat 1\ncompat best-effort\n[filesystem]\n"
	                              "read ${DIR}/w/ref\nread ${DIR}/w\n");
	struct as_nobody test = {build_landlock, -ELOOP};
	struct moat_error error = {0};

	(void)state;
	need_root();
	restore_ref();
	assert_int_equal(build_landlock(writable, &error), 0);
	plant(fixture->secret);
	/* Positive control: the rule opened as before would grant DIR/secret. */
	assert_true(naive_open_reads_secret(fixture->ref, "key.txt"));
	assert_int_equal(build_landlock(writable, &error), -ELOOP);
	assert_int_equal(error.line, 4);
	assert_non_null(strstr(error.message, fixture->ref));
	/* Root's link where the policy lets the sandbox write nothing: followed. */
	assert_int_equal(build_landlock(read_only, &error), 0);
	/* As uid 65534 the same rule is refused too. */
	assert_int_equal(run_as_nobody(writable, &test), 0);
	restore_ref();
	moat_policy_free(writable);
	moat_policy_free(read_only);
}

/* ---- bind sources -------------------------------------------------------------- */

static int build_isolate(const moat_policy *policy, struct moat_error *error)
{
	struct moat_isolate_plan *plan;
	int result = moat_isolate_plan_build(&plan, policy, error);

	if (result == 0)
		moat_isolate_plan_free(plan);
	return result;
}

static void test_bind_source_swapped(void **state)
{
	moat_policy *policy = load("moat 1\n[namespaces]\nunshare mount user\n[mounts]\n"
	                           "bind ${DIR}/w /w rw\nbind ${DIR}/w/ref /ref\n");
	moat_policy *nobody;
	struct as_nobody test = {build_isolate, 0};
	struct moat_error error = {0};
	char real[PATH_MAX], ref[SHORT_PATH];

	(void)state;
	need_root();
	restore_ref();
	assert_int_equal(build_isolate(policy, &error), 0);
	plant("/");
	/* Positive control: realpath, as before, makes the source the host's root. */
	assert_non_null(realpath(fixture->ref, real));
	assert_string_equal(real, "/");
	assert_int_equal(build_isolate(policy, &error), -ELOOP);
	assert_int_equal(error.line, 6);
	assert_non_null(strstr(error.message, "bind source"));
	restore_ref();
	/* As uid 65534, in a directory of its own: refused without any `rw`. */
	path_in(ref, fixture->nobody, "ref");
	assert_int_equal(mkdir(ref, 0755), 0);
	nobody = load("moat 1\n[namespaces]\nunshare mount user\n[mounts]\n"
	              "bind ${DIR}/nobody/ref /ref\n");
	assert_int_equal(run_as_nobody(nobody, &test), 0);
	assert_int_equal(rmdir(ref), 0);
	assert_int_equal(symlink("/", ref), 0);
	test.expected = -ELOOP;
	assert_int_equal(run_as_nobody(nobody, &test), 0);
	assert_int_equal(unlink(ref), 0);
	moat_policy_free(policy);
	moat_policy_free(nobody);
}

/* ---- unix sockets ---------------------------------------------------------------- */

static int unix_listener(const char *path)
{
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	snprintf(address.sun_path, sizeof(address.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&address, sizeof(address)), 0);
	assert_int_equal(listen(fd, 4), 0);
	return fd;
}

/* True when a connection waits on `listener` (which is non-blocking). */
static bool accepted(int listener)
{
	int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

struct socket_swap {
	char granted[100]; /* DIR/w/app.sock */
	char other[100];   /* DIR/other.sock */
};

/* In the sandbox: swap the granted socket for a symlink to the other one, connect. */
static int connect_to(const char *path)
{
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), result;

	if (fd < 0)
		return -1;
	memcpy(address.sun_path, path, strlen(path) + 1);
	result = connect(fd, (struct sockaddr *)&address, sizeof(address));
	close(fd);
	return result;
}

/*
 * In the sandbox: connect once (through the broker, so the grants are open
 * by now), swap the granted socket for a symlink to the other one, connect.
 */
static int socket_swap_body(void *context)
{
	const struct socket_swap *swap = context;

	SV_EXPECT(connect_to(swap->granted) == 0);
	SV_EXPECT(unlink(swap->granted) == 0);
	SV_EXPECT(symlink(swap->other, swap->granted) == 0);
	SV_EXPECT(connect_to(swap->granted) == 0);
	return 0;
}

static void test_unix_connect_swapped(void **state)
{
	moat_policy *policy = load("moat 1\n[syscalls]\ndefault allow\nnotify connect\n"
	                           "[filesystem]\nread /\nwrite ${DIR}/w\n"
	                           "[broker]\nconnect unix ${DIR}/w/app.sock\n");
	struct socket_swap swap;
	struct moat_grants grants;
	struct moat_error error = {0};
	int granted, other;

	(void)state;
	need_root();
	assert_true(snprintf(swap.granted, sizeof(swap.granted), "%.80s/app.sock", fixture->w) <
	            (int)sizeof(swap.granted));
	assert_true(snprintf(swap.other, sizeof(swap.other), "%.80s/other.sock", fixture->dir) <
	            (int)sizeof(swap.other));
	granted = unix_listener(swap.granted);
	other = unix_listener(swap.other);
	/* Positive control: the same swap outside the sandbox reaches the other server. */
	assert_int_equal(sv_run_unsandboxed(socket_swap_body, &swap), 0);
	assert_true(accepted(granted));
	assert_true(accepted(other));
	close(granted);
	assert_int_equal(unlink(swap.granted), 0);
	granted = unix_listener(swap.granted);
	/* Swapped while the sandbox runs: the supervisor connects the pinned socket. */
	assert_int_equal(sv_run(policy, socket_swap_body, &swap), 0);
	assert_true(accepted(granted) && accepted(granted));
	assert_false(accepted(other));
	/* Swapped before the next start: refused there, at the grant's line. */
	assert_int_equal(moat_grants_build(&grants, policy, &error), -ELOOP);
	assert_int_equal(error.line, 9);
	close(granted);
	close(other);
	assert_int_equal(unlink(swap.granted), 0);
	assert_int_equal(unlink(swap.other), 0);
	moat_policy_free(policy);
}

/* ---- the supervisor's terminal ------------------------------------------------- */

/* In the sandbox, which has no terminal: nothing that opens one for the opener. */
static int terminal_body(void *context)
{
	int fd;

	(void)context;
	SV_EXPECT(setsid() > 0);
	fd = open("/dev/null", O_RDWR);
	SV_EXPECT(fd >= 0); /* the grant works */
	close(fd);
	SV_EXPECT(open("/dev/tty", O_RDWR) < 0 && errno == EACCES);
	SV_EXPECT(open("/dev/tty", O_RDONLY | O_NOCTTY) < 0 && errno == EACCES);
	SV_EXPECT(open("/dev/ptmx", O_RDWR) < 0 && errno == EACCES);
	SV_EXPECT(open("/dev/pts/ptmx", O_RDWR) < 0 && errno == EACCES);
	SV_EXPECT(open("/dev/console", O_RDONLY) < 0 && errno == EACCES);
	/* /dev/fd and /dev/std* lead into /proc: out of the grant. */
	SV_EXPECT(open("/dev/stdin", O_RDONLY) < 0 && errno == EACCES);
	SV_EXPECT(open("/dev/fd/0", O_RDONLY) < 0 && errno == EACCES);
	return 0;
}

/*
 * The supervisor's side, in a process of its own whose controlling terminal
 * is a fresh pty. Exit code 0 when the sandbox was refused every terminal,
 * 2 when the positive control failed, else 1. No cmocka in here.
 */
static int terminal_supervisor(const moat_policy *policy, const struct moat_handoff_plan *plan)
{
	struct moat_supervisor_options options = MOAT_SUPERVISOR_OPTIONS_INIT;
	struct moat_error error = {0};
	moat_supervisor *supervisor;
	int master, slave, tty, listener, status, left;
	pid_t pid;

	if (setsid() < 0 || (master = posix_openpt(O_RDWR | O_NOCTTY)) < 0 || grantpt(master) < 0 ||
	    unlockpt(master) < 0)
		return 1;
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return 1;
	/* Positive control: /dev/tty is this process's terminal, opened by name. */
	tty = open("/dev/tty", O_RDWR);
	if (tty < 0)
		return 2;
	close(tty);
	if (moat_supervisor_new(&supervisor, &options, &error) < 0)
		return 1;
	pid = sv_spawn(plan, SV_DIE_WITH_PARENT, terminal_body, NULL, &listener, &error);
	if (pid < 0 || moat_supervisor_add(supervisor, listener, policy, pid, &error) < 0) {
		fprintf(stderr, "terminal test: %s\n", error.message);
		return 1;
	}
	do
		left = moat_supervisor_dispatch(supervisor, 100);
	while (left > 0);
	moat_supervisor_free(supervisor);
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

static void test_broker_refuses_terminals(void **state)
{
	moat_policy *policy = load("moat 1\n[syscalls]\ndefault allow\nnotify open openat\n"
	                           "[broker]\nopen write /dev\n");
	struct moat_handoff_plan plan;
	pid_t pid;

	(void)state;
	need_root();
	sv_plan(&plan, policy);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(terminal_supervisor(policy, &plan));
	assert_int_equal(sv_wait(pid), 0);
	moat_handoff_plan_release(&plan);
	moat_policy_free(policy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_opener_rules),
	        cmocka_unit_test(test_opener_without_symlinks),
	        cmocka_unit_test(test_policy_trust),
	        cmocka_unit_test(test_broker_grant_swapped_by_a_run),
	        cmocka_unit_test(test_broker_grant_as_nobody),
	        cmocka_unit_test(test_landlock_rule_swapped),
	        cmocka_unit_test(test_bind_source_swapped),
	        cmocka_unit_test(test_unix_connect_swapped),
	        cmocka_unit_test(test_broker_refuses_terminals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
