// SPDX-License-Identifier: MIT
/*
 * The broker in the kernel: sandboxes whose open, openat, openat2 and
 * connect go to the supervisor ([syscalls] `notify`), against [broker]
 * grants in a scratch directory:
 *
 *   DIR/read/           `open read`:  data.txt, sub/inner.txt, symlinks
 *   DIR/write/          `open write`
 *   DIR/secret.txt      granted to no one
 *
 * Every attack runs inside the sandboxed child and has a positive control:
 * the same code without the sandbox reaches the secret. The race flips a
 * path between a granted file and the secret while another thread opens it
 * 20,000 times; a deliberately naive supervisor (check the path, then let
 * the call continue) shows that the race is real. Likewise for connect: a
 * thread clears O_NONBLOCK on sockets another connects to a full server; a
 * naive connector (the flag set on the sandbox's own socket for the call)
 * gets stuck, the broker keeps answering EAGAIN and serving others.
 */
#include "supervise/supervise.h"
#include "test_supervise.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>

#define RACE_OPENS 20000

static const char policy_text[] = "moat 1\n"
                                  "[syscalls]\n"
                                  "default allow\n"
                                  "notify open openat openat2 connect\n"
                                  "[broker]\n"
                                  "open read ${DIR}/read\n"
                                  "open write ${DIR}/write\n"
                                  "connect tcp 127.0.0.1:${PORT}\n"
                                  "connect unix ${DIR}/granted.sock\n";

/* The scratch directory's paths are short; the room lets paths built from them fit. */
#define SHORT_PATH 256

struct fixture {
	char dir[SHORT_PATH];
	char read[SHORT_PATH];
	char write[SHORT_PATH];
	char secret[SHORT_PATH];
	struct stat secret_status;
	int granted_listener; /* TCP, on the granted port */
	int other_listener;   /* TCP, on a port no rule grants */
	uint16_t granted_port;
	uint16_t other_port;
	int granted_unix; /* DIR/granted.sock */
	int other_unix;   /* DIR/other.sock */
	moat_policy *policy;
	struct sv_lazy_plan plan;
};

static struct fixture *fixture;

static const struct moat_handoff_plan *fixture_plan(void)
{
	return sv_lazy_plan_get(&fixture->plan, fixture->policy);
}

static void path_in(char *out, const char *directory, const char *name)
{
	assert_true(snprintf(out, SHORT_PATH, "%s/%s", directory, name) < SHORT_PATH);
}

static void make_symlink(const char *target, const char *directory, const char *name)
{
	char path[PATH_MAX];

	path_in(path, directory, name);
	assert_int_equal(symlink(target, path), 0);
}

static int tcp_listener(uint16_t *port)
{
	struct sockaddr_in address = {.sin_family = AF_INET,
	                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t length = sizeof(address);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&address, sizeof(address)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&address, &length), 0);
	*port = ntohs(address.sin_port);
	return fd;
}

static int unix_listener(const char *path)
{
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(address.sun_path, sizeof(address.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&address, sizeof(address)), 0);
	assert_int_equal(listen(fd, 16), 0);
	return fd;
}

static void make_tree(struct fixture *f)
{
	char path[PATH_MAX];

	path_in(f->read, f->dir, "read");
	path_in(f->write, f->dir, "write");
	path_in(f->secret, f->dir, "secret.txt");
	assert_int_equal(mkdir(f->read, 0755), 0);
	assert_int_equal(mkdir(f->write, 0755), 0);
	path_in(path, f->read, "sub");
	assert_int_equal(mkdir(path, 0755), 0);
	path_in(path, f->read, "data.txt");
	sv_write_file(path, "granted data");
	path_in(path, f->read, "sub/inner.txt");
	sv_write_file(path, "inner");
	sv_write_file(f->secret, "secret");
	assert_int_equal(stat(f->secret, &f->secret_status), 0);
	/* Symlinks that stay inside the grant. */
	make_symlink("data.txt", f->read, "link-inside");
	make_symlink("inside-chain2", f->read, "inside-chain1");
	make_symlink("sub/../sub/inner.txt", f->read, "inside-chain2");
	/* Symlinks that leave it. */
	make_symlink(f->secret, f->read, "absolute-link");
	make_symlink("sub/../escape-chain2", f->read, "escape-chain1");
	make_symlink("../secret.txt", f->read, "escape-chain2");
	make_symlink("..", f->read, "up");
	make_symlink("/proc/self/root", f->read, "proc-root");
}

static int setup(void **state)
{
	static struct fixture storage;
	char port[32], dir_variable[SHORT_PATH + 8], path[PATH_MAX];
	const char *environment[3];

	(void)state;
	fixture = &storage;
	snprintf(fixture->dir, sizeof(fixture->dir), "/tmp/moat-broker-XXXXXX");
	assert_non_null(mkdtemp(fixture->dir));
	make_tree(fixture);
	fixture->granted_listener = tcp_listener(&fixture->granted_port);
	fixture->other_listener = tcp_listener(&fixture->other_port);
	path_in(path, fixture->dir, "granted.sock");
	fixture->granted_unix = unix_listener(path);
	path_in(path, fixture->dir, "other.sock");
	fixture->other_unix = unix_listener(path);
	snprintf(port, sizeof(port), "PORT=%u", fixture->granted_port);
	snprintf(dir_variable, sizeof(dir_variable), "DIR=%s", fixture->dir);
	environment[0] = dir_variable;
	environment[1] = port;
	environment[2] = NULL;
	fixture->policy = sv_policy(policy_text, environment);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sv_lazy_plan_release(&fixture->plan);
	moat_policy_free(fixture->policy);
	close(fixture->granted_listener);
	close(fixture->other_listener);
	close(fixture->granted_unix);
	close(fixture->other_unix);
	sv_remove_tree(fixture->dir);
	return 0;
}

/* ---- in the child ---------------------------------------------------------- */

static long openat2_call(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
	struct open_how how = {.flags = flags, .resolve = resolve};

	return syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/* Opens `path` read-only and compares what it reads with `text`. */
static bool reads(int dirfd, const char *path, const char *text)
{
	char buffer[64];
	int fd = openat(dirfd, path, O_RDONLY);
	bool same;

	if (fd < 0)
		return false;
	sv_read_fd(fd, buffer, sizeof(buffer));
	same = !strcmp(buffer, text);
	close(fd);
	return same;
}

/* -1 with `expected` in errno. */
static bool fails_with(long result, int expected)
{
	if (result >= 0)
		close((int)result);
	return result < 0 && errno == expected;
}

static int read_grant_body(void *context)
{
	const struct fixture *f = context;
	char path[PATH_MAX];
	int fd;

	path_in(path, f->read, "data.txt");
	SV_EXPECT(reads(AT_FDCWD, path, "granted data"));
	fd = (int)syscall(SYS_open, path, O_RDONLY);
	SV_EXPECT(fd >= 0);
	close(fd);
	fd = (int)openat2_call(AT_FDCWD, path, O_RDONLY, 0);
	SV_EXPECT(fd >= 0);
	/* The injected fd is what the sandbox asked for: no close-on-exec, blocking. */
	SV_EXPECT(fcntl(fd, F_GETFD) == 0);
	SV_EXPECT(!(fcntl(fd, F_GETFL) & O_NONBLOCK));
	close(fd);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	SV_EXPECT(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
	SV_EXPECT(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
	/* Read access only. */
	SV_EXPECT(fails_with(open(path, O_WRONLY), EACCES));
	SV_EXPECT(fails_with(open(path, O_RDWR), EACCES));
	SV_EXPECT(fails_with(open(path, O_RDONLY | O_TRUNC), EACCES));
	path_in(path, f->read, "new.txt");
	SV_EXPECT(fails_with(open(path, O_RDONLY | O_CREAT, 0644), EACCES));
	SV_EXPECT(fails_with(open(path, O_RDONLY), ENOENT));
	/* The directory itself, and what is below it. */
	fd = open(f->read, O_RDONLY | O_DIRECTORY);
	SV_EXPECT(fd >= 0);
	SV_EXPECT(reads(fd, "sub/inner.txt", "inner"));
	SV_EXPECT(reads(fd, "./sub//../data.txt", "granted data"));
	close(fd);
	path_in(path, f->read, "link-inside");
	SV_EXPECT(reads(AT_FDCWD, path, "granted data"));
	path_in(path, f->read, "inside-chain1");
	SV_EXPECT(reads(AT_FDCWD, path, "inner"));
	return 0;
}

static void test_read_grant(void **state)
{
	(void)state;
	assert_int_equal(sv_run(fixture->policy, read_grant_body, fixture), 0);
}

static int relative_body(void *context)
{
	const struct fixture *f = context;
	int sub, file;

	/* Relative to the cwd. */
	SV_EXPECT(chdir(f->read) == 0);
	SV_EXPECT(reads(AT_FDCWD, "data.txt", "granted data"));
	SV_EXPECT(reads(AT_FDCWD, "sub/../sub/inner.txt", "inner"));
	SV_EXPECT(fails_with(open("../secret.txt", O_RDONLY), EACCES));
	/* Relative to a dirfd. */
	sub = open("sub", O_RDONLY | O_DIRECTORY);
	SV_EXPECT(sub >= 0);
	SV_EXPECT(reads(sub, "inner.txt", "inner"));
	SV_EXPECT(reads(sub, "../data.txt", "granted data"));
	SV_EXPECT(fails_with(openat(sub, "../../secret.txt", O_RDONLY), EACCES));
	/* openat2's own RESOLVE_BENEATH holds relative to the dirfd. */
	SV_EXPECT(fails_with(openat2_call(sub, "../data.txt", O_RDONLY, RESOLVE_BENEATH), EXDEV));
	file = (int)openat2_call(sub, "inner.txt", O_RDONLY, RESOLVE_BENEATH);
	SV_EXPECT(file >= 0);
	close(file);
	file = (int)openat2_call(sub, "/../inner.txt", O_RDONLY, RESOLVE_IN_ROOT);
	SV_EXPECT(file >= 0);
	close(file);
	SV_EXPECT(fails_with(openat2_call(sub, "x", O_RDONLY, 1ULL << 40), EINVAL));
	SV_EXPECT(fails_with(openat(sub, "inner.txt/x", O_RDONLY), ENOTDIR));
	/* A dirfd that is not a directory. */
	file = openat(sub, "inner.txt", O_RDONLY);
	SV_EXPECT(file >= 0);
	SV_EXPECT(fails_with(openat(file, "x", O_RDONLY), ENOTDIR));
	close(file);
	close(sub);
	/* An O_PATH dirfd works as well. */
	sub = open("sub", O_PATH | O_DIRECTORY);
	SV_EXPECT(sub >= 0);
	SV_EXPECT(reads(sub, "inner.txt", "inner"));
	close(sub);
	/* Outside any grant, the cwd gives nothing. */
	SV_EXPECT(chdir(f->dir) == 0);
	SV_EXPECT(fails_with(open("secret.txt", O_RDONLY), EACCES));
	SV_EXPECT(reads(AT_FDCWD, "read/data.txt", "granted data"));
	return 0;
}

static void test_relative_paths_and_dirfds(void **state)
{
	(void)state;
	assert_int_equal(sv_run(fixture->policy, relative_body, fixture), 0);
}

static int write_grant_body(void *context)
{
	const struct fixture *f = context;
	char path[PATH_MAX];
	int fd;

	path_in(path, f->write, "new.txt");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	SV_EXPECT(fd >= 0);
	SV_EXPECT(write(fd, "created", 7) == 7);
	close(fd);
	SV_EXPECT(fails_with(open(path, O_WRONLY | O_CREAT | O_EXCL, 0600), EEXIST));
	SV_EXPECT(reads(AT_FDCWD, path, "created"));
	fd = open(path, O_RDWR | O_APPEND);
	SV_EXPECT(fd >= 0 && (fcntl(fd, F_GETFL) & O_APPEND));
	SV_EXPECT(write(fd, "+", 1) == 1);
	close(fd);
	fd = open(f->write, O_RDWR | O_TMPFILE, 0600);
	SV_EXPECT(fd >= 0);
	close(fd);
	/* A write grant does not reach the read grant's files. */
	path_in(path, f->read, "data.txt");
	SV_EXPECT(fails_with(open(path, O_WRONLY | O_TRUNC), EACCES));
	path_in(path, f->write, "../read/data.txt");
	SV_EXPECT(fails_with(open(path, O_WRONLY), EACCES));
	SV_EXPECT(reads(AT_FDCWD, path, "granted data") == false);
	return 0;
}

static void test_write_grant(void **state)
{
	char path[PATH_MAX], buffer[32];
	int fd;

	(void)state;
	assert_int_equal(sv_run(fixture->policy, write_grant_body, fixture), 0);
	path_in(path, fixture->write, "new.txt");
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	sv_read_fd(fd, buffer, sizeof(buffer));
	close(fd);
	assert_string_equal(buffer, "created+");
	path_in(path, fixture->read, "data.txt");
	fd = open(path, O_RDONLY);
	sv_read_fd(fd, buffer, sizeof(buffer));
	close(fd);
	assert_string_equal(buffer, "granted data");
	path_in(path, fixture->write, "new.txt");
	unlink(path);
}

/* Malformed calls get the errno the kernel would give, and the loop goes on. */
static int malformed_body(void *context)
{
	const struct fixture *f = context;
	unsigned char how[64] = {0};
	char path[PATH_MAX], *long_path;

	path_in(path, f->read, "data.txt");
	SV_EXPECT(fails_with(syscall(SYS_open, NULL, O_RDONLY), EFAULT));
	SV_EXPECT(fails_with(openat(AT_FDCWD, (const char *)16, O_RDONLY), EFAULT));
	SV_EXPECT(fails_with(open("", O_RDONLY), ENOENT));
	long_path = malloc(2 * PATH_MAX);
	SV_EXPECT(long_path != NULL);
	memset(long_path, 'a', 2 * PATH_MAX);
	SV_EXPECT(fails_with(open(long_path, O_RDONLY), ENAMETOOLONG));
	free(long_path);
	SV_EXPECT(fails_with(syscall(SYS_openat2, AT_FDCWD, path, how, 8), EINVAL));
	SV_EXPECT(fails_with(syscall(SYS_openat2, AT_FDCWD, path, how, 5000), E2BIG));
	SV_EXPECT(fails_with(syscall(SYS_openat2, AT_FDCWD, path, (void *)16, 24), EFAULT));
	how[40] = 1; /* a field this kernel does not know, set */
	SV_EXPECT(fails_with(syscall(SYS_openat2, AT_FDCWD, path, how, sizeof(how)), E2BIG));
	how[40] = 0;
	SV_EXPECT(!fails_with(syscall(SYS_openat2, AT_FDCWD, path, how, sizeof(how)), 0));
	/* open(2) ignores flags it does not know, and so does the broker. */
	SV_EXPECT(!fails_with(syscall(SYS_open, path, O_RDONLY | (1 << 30)), 0));
	SV_EXPECT(reads(AT_FDCWD, path, "granted data"));
	return 0;
}

static void test_malformed_calls(void **state)
{
	(void)state;
	assert_int_equal(sv_run(fixture->policy, malformed_body, fixture), 0);
}

/*
 * A program started with execve after the hand-off, as moat_spawn() will:
 * even the dynamic loader's opens (ld.so.cache, libc) go through the
 * broker, which grants them from `open read` rules of the system
 * directories. Positive control: without those rules the program cannot
 * even start.
 */
struct exec_case {
	char program[PATH_MAX];
	char *argv[6];
};

static int exec_body(void *context)
{
	struct exec_case *c = context;

	execv(c->program, c->argv);
	return 126;
}

static int run_program(const char *system_grants)
{
	char text[2048], variable[SHORT_PATH + 8];
	const char *environment[] = {variable, NULL};
	char read_path[PATH_MAX], write_path[PATH_MAX], self[SHORT_PATH * 2];
	struct exec_case c = {
	        .argv = {c.program, read_path, "granted data", write_path, fixture->secret, NULL}};
	ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct moat_handoff_plan plan;
	moat_policy *policy;
	int result;

	assert_true(length > 0);
	self[length] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(c.program, sizeof(c.program), "%s/programs/supervise_open", self);
	path_in(read_path, fixture->read, "data.txt");
	path_in(write_path, fixture->write, "from-program.txt");
	snprintf(variable, sizeof(variable), "DIR=%s", fixture->dir);
	snprintf(text, sizeof(text),
	         "moat 1\n[syscalls]\ndefault allow\nnotify open openat openat2\n"
	         "[broker]\nopen read ${DIR}/read\nopen write ${DIR}/write\n%s",
	         system_grants);
	policy = sv_policy(text, environment);
	sv_plan(&plan, policy);
	result = sv_run_plan(policy, &plan, exec_body, &c);
	moat_handoff_plan_release(&plan);
	moat_policy_free(policy);
	unlink(write_path);
	return result;
}

static void test_exec_under_the_broker(void **state)
{
	(void)state;
	/* The loader reports that it cannot load libc, and exits 127. */
	assert_int_equal(run_program(""), 127);
	assert_int_equal(run_program("open read /etc\nopen read /usr\nopen read /lib\n"), 0);
}

/* ---- escapes --------------------------------------------------------------- */

/* The paths that reach the secret without the sandbox. */
static int escape_paths(const struct fixture *f, char paths[][PATH_MAX])
{
	int count = 0;

	snprintf(paths[count++], PATH_MAX, "%s", f->secret);
	snprintf(paths[count++], PATH_MAX, "%s/../secret.txt", f->read);
	snprintf(paths[count++], PATH_MAX, "%s/sub/../../secret.txt", f->read);
	snprintf(paths[count++], PATH_MAX, "%s/absolute-link", f->read);
	snprintf(paths[count++], PATH_MAX, "%s/escape-chain1", f->read);
	snprintf(paths[count++], PATH_MAX, "%s/up/secret.txt", f->read);
	snprintf(paths[count++], PATH_MAX, "%s/proc-root%s", f->read, f->secret);
	snprintf(paths[count++], PATH_MAX, "/proc/self/root%s", f->secret);
	snprintf(paths[count++], PATH_MAX, "/proc/%d/root%s", (int)getpid(), f->secret);
	return count;
}

struct escape {
	const struct fixture *fixture;
	bool sandboxed;
	int inherited; /* an O_PATH fd of DIR, as if inherited from the parent */
};

static bool is_secret(int fd, const struct fixture *f)
{
	struct stat status;

	return fstat(fd, &status) == 0 && status.st_ino == f->secret_status.st_ino &&
	       status.st_dev == f->secret_status.st_dev;
}

/* Each way to the secret: refused in the sandbox, open without it. */
static int escape_body(void *context)
{
	const struct escape *escape = context;
	const struct fixture *f = escape->fixture;
	char paths[16][PATH_MAX], link[64];

	int count = escape_paths(f, paths), fd;

	for (int i = 0; i < count; i++) {
		fd = open(paths[i], O_RDONLY);
		if (escape->sandboxed) {
			SV_EXPECT(fd < 0 && (errno == EACCES || errno == ELOOP));
		} else {
			SV_EXPECT(fd >= 0 && is_secret(fd, f));
			close(fd);
		}
	}
	/* Through a directory fd the sandbox holds, and its magic link. */
	fd = openat(escape->inherited, "secret.txt", O_RDONLY);
	SV_EXPECT(escape->sandboxed ? fd < 0 && errno == EACCES : is_secret(fd, f));
	snprintf(link, sizeof(link), "/proc/self/fd/%d/secret.txt", escape->inherited);
	fd = open(link, O_RDONLY);
	SV_EXPECT(escape->sandboxed ? fd < 0 && errno == EACCES : is_secret(fd, f));
	/* Symlinks the sandbox makes in the write grant, to the secret. */
	snprintf(paths[0], PATH_MAX, "%s/absolute-%d", f->write, escape->sandboxed);
	SV_EXPECT(symlink(f->secret, paths[0]) == 0);
	fd = open(paths[0], O_RDONLY);
	SV_EXPECT(escape->sandboxed ? fd < 0 && errno == EACCES : is_secret(fd, f));
	unlink(paths[0]);
	snprintf(paths[0], PATH_MAX, "%s/relative-%d", f->write, escape->sandboxed);
	SV_EXPECT(symlink("../secret.txt", paths[0]) == 0);
	fd = open(paths[0], O_RDONLY | O_CREAT, 0600);
	SV_EXPECT(escape->sandboxed ? fd < 0 && errno == EACCES : is_secret(fd, f));
	unlink(paths[0]);
	return 0;
}

static void test_escapes_are_refused(void **state)
{
	struct escape escape = {.fixture = fixture};

	(void)state;
	escape.inherited = open(fixture->dir, O_PATH | O_DIRECTORY);
	assert_true(escape.inherited >= 0);
	/* Positive control: each path reaches the secret without the sandbox. */
	assert_int_equal(sv_run_unsandboxed(escape_body, &escape), 0);
	escape.sandboxed = true;
	assert_int_equal(sv_run(fixture->policy, escape_body, &escape), 0);
	close(escape.inherited);
}

/*
 * A grant with procfs mounted below it: /proc/self there is the
 * supervisor's, so magic links (RESOLVE_NO_MAGICLINKS) and every procfs file
 * (the broker's own check) must stay out of reach. Needs a mount namespace,
 * made in a child of the test.
 */
struct proc_case {
	const struct fixture *fixture;
	bool sandboxed;
};

static int proc_body(void *context)
{
	const struct proc_case *c = context;
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/proc/self/root%s", c->fixture->write, c->fixture->secret);
	fd = open(path, O_RDONLY);
	SV_EXPECT(c->sandboxed ? fd < 0 && (errno == ELOOP || errno == EACCES)
	                       : is_secret(fd, c->fixture));
	snprintf(path, sizeof(path), "%s/proc/self/status", c->fixture->write);
	fd = open(path, O_RDONLY);
	SV_EXPECT(c->sandboxed ? fd < 0 && errno == EACCES : fd >= 0);
	snprintf(path, sizeof(path), "%s/proc/self/environ", c->fixture->write);
	fd = open(path, O_RDONLY);
	SV_EXPECT(c->sandboxed ? fd < 0 && errno == EACCES : fd >= 0);
	return 0;
}

static void test_procfs_below_a_grant(void **state)
{
	struct proc_case c = {.fixture = fixture};
	char proc[PATH_MAX];

	(void)state;
	/* The test process gets a mount namespace of its own for the proc mount. */
	path_in(proc, fixture->write, "proc");
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		print_message("SKIP: no mount namespace for a proc mount (%s)\n", strerror(errno));
		skip();
	}
	assert_int_equal(mkdir(proc, 0755), 0);
	assert_int_equal(mount("proc", proc, "proc", 0, NULL), 0);
	/* Positive control: the paths lead to the secret and to procfs files. */
	assert_int_equal(sv_run_unsandboxed(proc_body, &c), 0);
	c.sandboxed = true;
	assert_int_equal(sv_run(fixture->policy, proc_body, &c), 0);
	assert_int_equal(umount(proc), 0);
	assert_int_equal(rmdir(proc), 0);
}

/*
 * A grant that is itself a proc mount. The broker skips statfs for a file
 * on the grant's own mount only when that mount was found not to be procfs
 * when the sandbox was added; this grant's was, so every file of it is
 * checked and refused. Needs a mount namespace, made in the test process.
 */
static const char proc_grant_text[] = "moat 1\n"
                                      "[syscalls]\n"
                                      "default allow\n"
                                      "notify open openat openat2\n"
                                      "[broker]\n"
                                      "open read ${DIR}/procgrant\n";

static int proc_grant_body(void *context)
{
	const bool *sandboxed = context;
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/procgrant/self/status", fixture->dir);
	fd = open(path, O_RDONLY);
	SV_EXPECT(*sandboxed ? fd < 0 && errno == EACCES : fd >= 0);
	snprintf(path, sizeof(path), "%s/procgrant/version", fixture->dir);
	fd = open(path, O_RDONLY);
	SV_EXPECT(*sandboxed ? fd < 0 && errno == EACCES : fd >= 0);
	return 0;
}

static void test_procfs_as_the_grant(void **state)
{
	char proc[PATH_MAX], variable[SHORT_PATH + 8];
	const char *environment[] = {variable, NULL};
	struct moat_grants grants;
	struct moat_error error;
	moat_policy *policy;
	bool sandboxed = false;

	(void)state;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		print_message("SKIP: no mount namespace for a proc mount (%s)\n", strerror(errno));
		skip();
	}
	path_in(proc, fixture->dir, "procgrant");
	assert_int_equal(mkdir(proc, 0755), 0);
	assert_int_equal(mount("proc", proc, "proc", 0, NULL), 0);
	snprintf(variable, sizeof(variable), "DIR=%s", fixture->dir);
	policy = sv_policy(proc_grant_text, environment);
	/* The fast path is taken for an ordinary grant (/tmp), never for this one. */
	assert_int_equal(moat_grants_build(&grants, fixture->policy, &error), 0);
	assert_true(grants.opens[0].plain_mount_known);
	moat_grants_release(&grants);
	assert_int_equal(moat_grants_build(&grants, policy, &error), 0);
	assert_false(grants.opens[0].plain_mount_known);
	moat_grants_release(&grants);
	/* Positive control: the paths open procfs files. */
	assert_int_equal(sv_run_unsandboxed(proc_grant_body, &sandboxed), 0);
	sandboxed = true;
	assert_int_equal(sv_run(policy, proc_grant_body, &sandboxed), 0);
	moat_policy_free(policy);
	assert_int_equal(umount(proc), 0);
	assert_int_equal(rmdir(proc), 0);
}

/* ---- the race ---------------------------------------------------------------- */

struct race {
	const struct fixture *fixture;
	char granted[PATH_MAX];
	char secret[PATH_MAX];
	int report;      /* pipe to the parent */
	bool stop_early; /* the naive supervisor's control: stop at the first secret */
};

struct race_counts {
	int secret;
	int granted;
	int refused;
};

struct race_shared {
	char path[PATH_MAX];
	const struct race *race;
	volatile bool done;
};

static void *flip(void *argument)
{
	struct race_shared *shared = argument;
	size_t length = strlen(shared->race->granted) + 1;

	while (!shared->done) {
		memcpy(shared->path, shared->race->secret, length);
		memcpy(shared->path, shared->race->granted, length);
	}
	return NULL;
}

static int race_body(void *context)
{
	const struct race *race = context;
	struct race_shared shared = {.race = race};
	struct race_counts counts = {0};
	pthread_t flipper;

	memcpy(shared.path, race->granted, sizeof(race->granted));
	SV_EXPECT(pthread_create(&flipper, NULL, flip, &shared) == 0);
	for (int i = 0; i < RACE_OPENS; i++) {
		int fd = openat(AT_FDCWD, shared.path, O_RDONLY);

		if (fd < 0) {
			counts.refused++;
			continue;
		}
		if (is_secret(fd, race->fixture))
			counts.secret++;
		else
			counts.granted++;
		close(fd);
		if (race->stop_early && counts.secret)
			break;
	}
	shared.done = true;
	pthread_join(flipper, NULL);
	SV_EXPECT(write(race->report, &counts, sizeof(counts)) == sizeof(counts));
	return 0;
}

/* Two paths of the same length, so every flip swaps whole strings. */
static void race_paths(struct race *race)
{
	snprintf(race->granted, sizeof(race->granted), "%s/read/data.txt", fixture->dir);
	snprintf(race->secret, sizeof(race->secret), "%s/.//secret.txt", fixture->dir);
	assert_int_equal(strlen(race->granted), strlen(race->secret));
}

static struct race_counts read_counts(int fd)
{
	struct race_counts counts;

	assert_int_equal(read(fd, &counts, sizeof(counts)), sizeof(counts));
	return counts;
}

static void test_race_never_opens_the_secret(void **state)
{
	struct race race = {.fixture = fixture};
	struct race_counts counts;
	int report[2];

	(void)state;
	race_paths(&race);
	assert_int_equal(pipe2(report, O_CLOEXEC), 0);
	race.report = report[1];
	assert_int_equal(sv_run(fixture->policy, race_body, &race), 0);
	counts = read_counts(report[0]);
	close(report[0]);
	close(report[1]);
	print_message("race: %d granted, %d refused, %d secret in %d opens\n", counts.granted,
	              counts.refused, counts.secret, RACE_OPENS);
	assert_int_equal(counts.secret, 0);
	assert_int_equal(counts.granted + counts.refused, RACE_OPENS);
	/* Both paths were seen, so the race was on. */
	assert_true(counts.granted > 0);
	assert_true(counts.refused > 0);
}

/*
 * Positive control: a supervisor that checks the path it read and lets the
 * call continue (SECCOMP_USER_NOTIF_FLAG_CONTINUE) loses the race, because
 * the kernel reads the path again.
 */
static void naive_supervise(int listener, const char *granted_directory, pid_t child)
{
	struct seccomp_notif request;
	struct seccomp_notif_resp response;
	struct pollfd watched = {listener, POLLIN, 0};
	size_t prefix = strlen(granted_directory);

	while (poll(&watched, 1, 10000) > 0 && !(watched.revents & POLLHUP)) {
		char path[PATH_MAX] = "";
		struct iovec local = {path, sizeof(path) - 1};
		struct iovec remote = {NULL, sizeof(path) - 1};

		memset(&request, 0, sizeof(request));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &request) < 0)
			continue;
		remote.iov_base = (void *)(uintptr_t)request.data.args[1];
		process_vm_readv(child, &local, 1, &remote, 1, 0);
		memset(&response, 0, sizeof(response));
		response.id = request.id;
		if (!strncmp(path, granted_directory, prefix))
			response.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		else
			response.error = -EACCES;
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &response);
	}
}

static void test_race_beats_a_naive_supervisor(void **state)
{
	struct race race = {.fixture = fixture, .stop_early = true};
	struct race_counts counts;
	char granted_directory[SHORT_PATH + 1];
	int report[2], listener;
	pid_t pid;

	(void)state;
	race_paths(&race);
	snprintf(granted_directory, sizeof(granted_directory), "%s/", fixture->read);
	assert_int_equal(pipe2(report, O_CLOEXEC), 0);
	race.report = report[1];
	pid = sv_start_listener(NULL, fixture->policy, fixture_plan(), race_body, &race, &listener);
	naive_supervise(listener, granted_directory, pid);
	close(listener);
	assert_int_equal(sv_wait(pid), 0);
	counts = read_counts(report[0]);
	close(report[0]);
	close(report[1]);
	print_message("naive supervisor: secret opened after %d opens\n",
	              counts.granted + counts.refused + counts.secret);
	assert_true(counts.secret > 0);
}

/* ---- connect ---------------------------------------------------------------- */

struct connect_case {
	const struct fixture *fixture;
	bool sandboxed;
};

static int connect_tcp(uint16_t port, int type)
{
	struct sockaddr_in address = {.sin_family = AF_INET,
	                              .sin_port = htons(port),
	                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, type, 0), result;

	if (fd < 0)
		return -1;
	result = connect(fd, (struct sockaddr *)&address, sizeof(address));
	if (result < 0 && errno == EINPROGRESS) {
		struct pollfd writable = {fd, POLLOUT, 0};
		int error = 0;
		socklen_t size = sizeof(error);

		poll(&writable, 1, 5000);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
		errno = error;
		result = error ? -1 : 0;
	}
	if (result < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static int connect_unix(const char *directory, const char *name, bool abstract)
{
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), result, saved;

	if (abstract)
		snprintf(address.sun_path + 1, sizeof(address.sun_path) - 1, "%s/%s", directory,
		         name);
	else
		snprintf(address.sun_path, sizeof(address.sun_path), "%s/%s", directory, name);
	result = connect(fd, (struct sockaddr *)&address, sizeof(address));
	saved = errno;
	close(fd);
	errno = saved;
	return result;
}

static int connect_body(void *context)
{
	const struct connect_case *c = context;
	const struct fixture *f = c->fixture;
	struct sockaddr_in peer;
	socklen_t length = sizeof(peer);
	int fd;

	fd = connect_tcp(f->granted_port, SOCK_STREAM);
	SV_EXPECT(fd >= 0);
	SV_EXPECT(getpeername(fd, (struct sockaddr *)&peer, &length) == 0);
	SV_EXPECT(ntohs(peer.sin_port) == f->granted_port);
	close(fd);
	fd = connect_tcp(f->granted_port, SOCK_STREAM | SOCK_NONBLOCK);
	SV_EXPECT(fd >= 0);
	close(fd);
	SV_EXPECT(connect_unix(f->dir, "granted.sock", false) == 0);
	/* A connected stream socket stays connected: EISCONN, as without the broker. */
	fd = connect_tcp(f->granted_port, SOCK_STREAM);
	SV_EXPECT(fd >= 0);
	SV_EXPECT(connect(fd, (struct sockaddr *)&peer, sizeof(peer)) < 0 && errno == EISCONN);
	close(fd);
	/* A bound socket would lose its bind: the broker refuses it. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	peer = (struct sockaddr_in){.sin_family = AF_INET,
	                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	SV_EXPECT(bind(fd, (struct sockaddr *)&peer, sizeof(peer)) == 0);
	peer.sin_port = htons(f->granted_port);
	if (c->sandboxed)
		SV_EXPECT(connect(fd, (struct sockaddr *)&peer, sizeof(peer)) < 0 &&
		          errno == EACCES);
	else
		SV_EXPECT(connect(fd, (struct sockaddr *)&peer, sizeof(peer)) == 0);
	close(fd);
	if (!c->sandboxed) {
		/* Positive control: the refused addresses are there to connect to. */
		fd = connect_tcp(f->other_port, SOCK_STREAM);
		SV_EXPECT(fd >= 0);
		close(fd);
		SV_EXPECT(connect_unix(f->dir, "other.sock", false) == 0);
		return 0;
	}
	SV_EXPECT(connect_tcp(f->other_port, SOCK_STREAM) < 0 && errno == EACCES);
	SV_EXPECT(connect_unix(f->dir, "other.sock", false) < 0 && errno == EACCES);
	SV_EXPECT(connect_unix(f->dir, "granted.sock", true) < 0 && errno == EACCES);
	/* `connect tcp` is TCP only. */
	SV_EXPECT(connect_tcp(f->granted_port, SOCK_DGRAM) < 0 && errno == EACCES);
	/* Bad addresses are refused without a crash. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	SV_EXPECT(connect(fd, (struct sockaddr *)8, sizeof(struct sockaddr_in)) < 0 &&
	          errno == EFAULT);
	SV_EXPECT(connect(fd, (struct sockaddr *)&peer, 4096) < 0 && errno == EINVAL);
	SV_EXPECT(connect(999, (struct sockaddr *)&peer, sizeof(peer)) < 0 && errno == EBADF);
	close(fd);
	return 0;
}

static void test_connect(void **state)
{
	struct connect_case c = {.fixture = fixture};

	(void)state;
	assert_int_equal(sv_run_unsandboxed(connect_body, &c), 0);
	c.sandboxed = true;
	assert_int_equal(sv_run(fixture->policy, connect_body, &c), 0);
}

/*
 * A blocking connect that takes long (the listener's queue is full, so the
 * SYN goes unanswered until a retransmission) does not hold up the loop:
 * another thread's open is served meanwhile.
 */
struct slow_connect {
	const struct fixture *fixture;
	uint16_t port;
	int go;     /* the test writes a byte once the supervisor's SYN is on its way */
	int report; /* the child writes 'o' when its open came back, 'c' when connected */
};

static void *slow_connect_thread(void *argument)
{
	const struct slow_connect *slow = argument;
	int fd = connect_tcp(slow->port, SOCK_STREAM);
	ssize_t written = write(slow->report, fd >= 0 ? "c" : "x", 1);

	if (fd >= 0)
		close(fd);
	return (void *)(intptr_t)(written == 1);
}

static int slow_connect_body(void *context)
{
	const struct slow_connect *slow = context;
	char path[PATH_MAX];
	pthread_t thread;
	void *reported;
	char go;

	SV_EXPECT(pthread_create(&thread, NULL, slow_connect_thread, context) == 0);
	SV_EXPECT(read(slow->go, &go, 1) == 1);
	path_in(path, slow->fixture->read, "data.txt");
	SV_EXPECT(reads(AT_FDCWD, path, "granted data"));
	SV_EXPECT(write(slow->report, "o", 1) == 1);
	pthread_join(thread, &reported);
	SV_EXPECT(reported == (void *)1);
	return 0;
}

/* The next byte the child reports, or 0 when none comes within `timeout_ms`. */
static char next_report(int fd, int timeout_ms)
{
	struct pollfd readable = {fd, POLLIN, 0};
	char byte = 0;

	if (poll(&readable, 1, timeout_ms) == 1)
		assert_int_equal(read(fd, &byte, 1), 1);
	return byte;
}

/* Whether a socket of this network namespace is in SYN_SENT towards 127.0.0.1:port. */
static bool syn_sent_to(uint16_t port)
{
	FILE *table = fopen("/proc/net/tcp", "r");
	char line[256];
	unsigned remote_port, tcp_state;
	bool found = false;

	assert_non_null(table);
	while (!found && fgets(line, sizeof(line), table))
		found = sscanf(line, " %*u: %*x:%*x %*x:%x %x", &remote_port, &tcp_state) == 2 &&
		        remote_port == port && tcp_state == 2 /* TCP_SYN_SENT */;
	fclose(table);
	return found;
}

/* Waits, up to `timeout_ms`, for the supervisor's connect to have sent its SYN. */
static bool wait_for_syn_sent(uint16_t port, int timeout_ms)
{
	const struct timespec step = {0, 10 * 1000 * 1000};

	for (int waited = 0; waited < timeout_ms; waited += 10) {
		if (syn_sent_to(port))
			return true;
		nanosleep(&step, NULL);
	}
	return syn_sent_to(port);
}

static void test_slow_connect_does_not_block(void **state)
{
	struct slow_connect slow = {.fixture = fixture};
	struct moat_error error;
	struct moat_handoff_plan plan;
	char environment_port[32], dir_variable[SHORT_PATH + 8];
	const char *environment[3] = {dir_variable, environment_port, NULL};
	moat_supervisor *supervisor = sv_supervisor(0);
	moat_policy *policy;
	int listener, filler, pipe_fds[2], go_fds[2], accepted;
	bool on_its_way;
	pid_t pid;

	(void)state;
	/* A listener whose queue one connection fills. */
	listener = tcp_listener(&slow.port);
	assert_int_equal(listen(listener, 0), 0);
	filler = connect_tcp(slow.port, SOCK_STREAM);
	assert_true(filler >= 0);
	snprintf(environment_port, sizeof(environment_port), "PORT=%u", slow.port);
	snprintf(dir_variable, sizeof(dir_variable), "DIR=%s", fixture->dir);
	policy = sv_policy(policy_text, environment);
	sv_plan(&plan, policy);
	assert_int_equal(pipe2(pipe_fds, O_CLOEXEC), 0);
	slow.report = pipe_fds[1];
	assert_int_equal(pipe2(go_fds, O_CLOEXEC), 0);
	slow.go = go_fds[0];
	pid = sv_start(supervisor, policy, &plan, slow_connect_body, &slow);
	/*
	 * The serving threads start once the sandbox is forked: its body creates
	 * a thread (and so allocates), and AddressSanitizer's allocator can be
	 * left locked in a child forked while another thread allocates. The
	 * sandbox's first brokered call waits for them. So in every test here.
	 */
	assert_int_equal(moat_supervisor_start(supervisor, &error), 0);
	/* The open starts only once the supervisor is waiting on the connect. */
	on_its_way = wait_for_syn_sent(slow.port, 20000);
	assert_int_equal(write(go_fds[1], "g", 1), 1);
	assert_true(on_its_way);
	/* The open comes back while the connect waits, and it goes on waiting. */
	assert_int_equal(next_report(pipe_fds[0], 5000), 'o');
	assert_int_equal(next_report(pipe_fds[0], 300), 0);
	/* Make room in the queue: the connect completes at the SYN's retransmission. */
	accepted = accept(listener, NULL, NULL);
	assert_true(accepted >= 0);
	assert_int_equal(next_report(pipe_fds[0], 5000), 'c');
	assert_int_equal(sv_wait(pid), 0);
	moat_supervisor_free(supervisor);
	close(accepted);
	close(filler);
	close(listener);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	close(go_fds[0]);
	close(go_fds[1]);
	moat_handoff_plan_release(&plan);
	moat_policy_free(policy);
}

/* ---- connect: a sandbox that clears O_NONBLOCK ---------------------------- */

/*
 * The premise of the attack: a pidfd_getfd(2) duplicate shares the file
 * status flags with the sandbox's descriptor, so O_NONBLOCK set on one is
 * seen, and cleared, through the other.
 */
static void test_duplicate_shares_the_flags(void **state)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	int duplicate = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);

	(void)state;
	assert_true(fd >= 0 && pidfd >= 0 && duplicate >= 0);
	assert_int_equal(fcntl(duplicate, F_SETFL, O_NONBLOCK), 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_int_equal(fcntl(fd, F_SETFL, 0), 0);
	assert_false(fcntl(duplicate, F_GETFL) & O_NONBLOCK);
	close(duplicate);
	close(pidfd);
	close(fd);
}

/* The naive supervisor was stuck within 0 to 107 connects; the bounds leave a wide margin. */
#define NAIVE_RACE_CONNECTS 200000
#define NAIVE_RACE_MS       15000
/* Against the fix, a few seconds of racing. */
#define FIXED_RACE_CONNECTS 30000
#define FIXED_RACE_MS       3000

/* A Unix server whose queue is full: a blocking connect waits, a non-blocking one gets EAGAIN. */
struct full_server {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int listener;
	int filler;
};

static void full_server_open(struct full_server *server, const char *name)
{
	struct sockaddr_un address = {.sun_family = AF_UNIX};

	assert_true(snprintf(server->path, sizeof(server->path), "%s/%s", fixture->dir, name) <
	            (int)sizeof(server->path));
	server->listener = unix_listener(server->path);
	assert_int_equal(listen(server->listener, 0), 0);
	memcpy(address.sun_path, server->path, sizeof(server->path));
	server->filler = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_int_equal(connect(server->filler, (struct sockaddr *)&address, sizeof(address)), 0);
}

/* Lets a connect that waits for the queue through (or see it refused). */
static void full_server_close(struct full_server *server)
{
	close(server->filler);
	close(server->listener);
	unlink(server->path);
}

struct flag_race {
	const char *path;
	long connects; /* at most, in at most `ms` */
	long ms;
	int report;        /* the child writes its counts here */
	atomic_int socket; /* being connected, or -1 */
	atomic_bool done;
};

struct flag_race_counts {
	long connects;
	long not_again; /* connects that did not fail with EAGAIN */
};

static void *flag_race_clear(void *argument)
{
	struct flag_race *race = argument;

	while (!atomic_load(&race->done)) {
		int fd = atomic_load(&race->socket);

		if (fd >= 0)
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	}
	return NULL;
}

/* In the sandbox: blocking connects to the full server while a thread clears O_NONBLOCK. */
static int flag_race_body(void *context)
{
	struct flag_race *race = context;
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	struct flag_race_counts counts = {0};
	long deadline = sv_milliseconds() + race->ms;
	pthread_t thread;

	snprintf(address.sun_path, sizeof(address.sun_path), "%s", race->path);
	atomic_store(&race->socket, -1);
	SV_EXPECT(pthread_create(&thread, NULL, flag_race_clear, race) == 0);
	while (counts.connects < race->connects && sv_milliseconds() < deadline) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		atomic_store(&race->socket, fd);
		if (connect(fd, (struct sockaddr *)&address, sizeof(address)) == 0 ||
		    errno != EAGAIN)
			counts.not_again++;
		atomic_store(&race->socket, -1);
		close(fd);
		counts.connects++;
	}
	atomic_store(&race->done, true);
	pthread_join(thread, NULL);
	SV_EXPECT(write(race->report, &counts, sizeof(counts)) == (ssize_t)sizeof(counts));
	return 0;
}

/*
 * The supervisor before the fix: O_NONBLOCK set on the sandbox's socket
 * for the call only, then connect. `connecting_since` says how long it has
 * been in connect (0: it is not).
 */
struct naive_connector {
	int listener;
	const char *path;
	atomic_long connecting_since;
	atomic_long connects;
	atomic_bool stop;
};

static long naive_connect(struct naive_connector *naive, const struct seccomp_notif *call)
{
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	int pidfd = (int)syscall(SYS_pidfd_open, call->pid, 0);
	int fd = pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pidfd, (int)call->data.args[0], 0);
	int flags = fd < 0 ? 0 : fcntl(fd, F_GETFL);
	long result;

	if (pidfd >= 0)
		close(pidfd);
	if (fd < 0)
		return -EBADF;
	snprintf(address.sun_path, sizeof(address.sun_path), "%s", naive->path);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	atomic_store(&naive->connecting_since, sv_milliseconds());
	result = connect(fd, (struct sockaddr *)&address, sizeof(address)) < 0 ? -errno : 0;
	atomic_store(&naive->connecting_since, 0);
	fcntl(fd, F_SETFL, flags);
	close(fd);
	atomic_fetch_add(&naive->connects, 1);
	return result;
}

static void *naive_connector_serve(void *argument)
{
	struct naive_connector *naive = argument;

	while (!atomic_load(&naive->stop)) {
		struct pollfd readable = {naive->listener, POLLIN, 0};
		struct seccomp_notif call;
		struct seccomp_notif_resp response;

		if (poll(&readable, 1, 100) != 1 || (readable.revents & POLLHUP))
			continue;
		memset(&call, 0, sizeof(call));
		if (ioctl(naive->listener, SECCOMP_IOCTL_NOTIF_RECV, &call) < 0)
			continue;
		response = (struct seccomp_notif_resp){.id = call.id, .error = -EACCES};
		if (call.data.nr == SYS_connect)
			response.error = (int)naive_connect(naive, &call);
		ioctl(naive->listener, SECCOMP_IOCTL_NOTIF_SEND, &response);
	}
	return NULL;
}

/* Positive control: the same sandbox holds a naive supervisor in connect. */
static void test_flag_race_holds_a_naive_supervisor(void **state)
{
	struct full_server server;
	struct flag_race race = {
	        .path = server.path, .connects = NAIVE_RACE_CONNECTS, .ms = NAIVE_RACE_MS};
	struct naive_connector naive = {.path = server.path};
	long deadline = sv_milliseconds() + NAIVE_RACE_MS + 5000, stuck_ms = 0;
	pthread_t thread;
	int report[2];
	pid_t pid;

	(void)state;
	full_server_open(&server, "full.sock");
	assert_int_equal(pipe2(report, O_CLOEXEC), 0);
	race.report = report[1];
	pid = sv_start_listener(NULL, fixture->policy, fixture_plan(), flag_race_body, &race,
	                        &naive.listener);
	assert_int_equal(pthread_create(&thread, NULL, naive_connector_serve, &naive), 0);
	while (sv_milliseconds() < deadline && waitpid(pid, NULL, WNOHANG) == 0) {
		long since = atomic_load(&naive.connecting_since);

		if (since && sv_milliseconds() - since > 2000) {
			stuck_ms = sv_milliseconds() - since;
			break;
		}
		usleep(50 * 1000);
	}
	print_message("naive supervisor: %s after %ld connects\n",
	              stuck_ms ? "stuck in connect" : "never stuck", atomic_load(&naive.connects));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	full_server_close(&server); /* the stuck connect now fails */
	atomic_store(&naive.stop, true);
	pthread_join(thread, NULL);
	close(naive.listener);
	close(report[0]);
	close(report[1]);
	assert_true(stuck_ms > 2000);
}

static const char race_policy_text[] = "moat 1\n"
                                       "[syscalls]\n"
                                       "default allow\n"
                                       "notify open openat openat2 connect\n"
                                       "[broker]\n"
                                       "open read ${DIR}/read\n"
                                       "connect unix ${DIR}/full.sock\n";

/* Opens a granted file once the test writes to the pipe `*context`. */
static int granted_open_body(void *context)
{
	const int *go = context;
	char path[PATH_MAX], byte;

	SV_EXPECT(read(*go, &byte, 1) == 1);
	path_in(path, fixture->read, "data.txt");
	SV_EXPECT(reads(AT_FDCWD, path, "granted data"));
	return 0;
}

/* The fix: the race never holds the supervisor, which serves another sandbox meanwhile. */
static void test_flag_race_does_not_hold_the_supervisor(void **state)
{
	struct full_server server;
	struct flag_race race = {
	        .path = server.path, .connects = FIXED_RACE_CONNECTS, .ms = FIXED_RACE_MS};
	struct flag_race_counts counts = {0};
	char dir_variable[SHORT_PATH + 8];
	const char *environment[2] = {dir_variable, NULL};
	moat_supervisor *supervisor = sv_supervisor(0);
	struct moat_handoff_plan plan;
	struct moat_error error;
	struct pollfd readable;
	moat_policy *policy;
	long started;
	int report[2], go[2], status = -1;
	pid_t pid, other;

	(void)state;
	snprintf(dir_variable, sizeof(dir_variable), "DIR=%s", fixture->dir);
	policy = sv_policy(race_policy_text, environment);
	sv_plan(&plan, policy);
	full_server_open(&server, "full.sock");
	assert_int_equal(pipe2(report, O_CLOEXEC), 0);
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	race.report = report[1];
	/*
	 * Both in place first: adding a sandbox waits for the loop, which a stuck
	 * connect holds. The serving threads start after both are forked (see
	 * test_slow_connect_does_not_block).
	 */
	other = sv_start(supervisor, policy, &plan, granted_open_body, &go[0]);
	pid = sv_start(supervisor, policy, &plan, flag_race_body, &race);
	assert_int_equal(moat_supervisor_start(supervisor, &error), 0);
	usleep(500 * 1000);
	started = sv_milliseconds();
	assert_int_equal(write(go[1], "g", 1), 1);
	while (sv_milliseconds() - started < 5000 && waitpid(other, &status, WNOHANG) == 0)
		usleep(20 * 1000);
	print_message("another sandbox during the race: %s after %ld ms\n",
	              status == -1 ? "still waiting" : "ended", sv_milliseconds() - started);
	readable = (struct pollfd){report[0], POLLIN, 0};
	if (poll(&readable, 1, FIXED_RACE_MS + 5000) == 1)
		assert_int_equal(read(report[0], &counts, sizeof(counts)), (ssize_t)sizeof(counts));
	/* Whatever happened, nothing is left waiting: a stuck connect would end here. */
	kill(pid, SIGKILL);
	kill(other, SIGKILL);
	full_server_close(&server);
	sv_wait(pid);
	if (status == -1)
		sv_wait(other);
	moat_supervisor_free(supervisor);
	moat_handoff_plan_release(&plan);
	moat_policy_free(policy);
	close(report[0]);
	close(report[1]);
	close(go[0]);
	close(go[1]);
	print_message("%ld raced connects, %ld not EAGAIN\n", counts.connects, counts.not_again);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(counts.connects > 500);
	assert_int_equal(counts.not_again, 0);
}

/* ---- connect: interrupted calls leave nothing behind ------------------------ */

#define INTERRUPTED_CONNECTS 40

struct interrupted {
	uint16_t port; /* a TCP listener whose queue is full: the handshake waits */
	int report; /* the child writes 'i' after its first interrupted connect, 'd' at the end */
	int go;     /* and waits for a byte here each time */
};

static void on_alarm(int signal)
{
	(void)signal;
}

/* One blocking connect, interrupted by SIGALRM after 30 ms: true when it got EINTR. */
static bool interrupted_connect(uint16_t port)
{
	struct sockaddr_in address = {.sin_family = AF_INET,
	                              .sin_port = htons(port),
	                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct itimerval timer = {.it_value = {.tv_usec = 30 * 1000}};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool interrupted;

	setitimer(ITIMER_REAL, &timer, NULL);
	interrupted =
	        connect(fd, (struct sockaddr *)&address, sizeof(address)) < 0 && errno == EINTR;
	close(fd);
	return interrupted;
}

static int interrupted_body(void *context)
{
	const struct interrupted *test = context;
	struct sigaction action = {.sa_handler = on_alarm}; /* no SA_RESTART: EINTR */
	char byte;

	SV_EXPECT(sigaction(SIGALRM, &action, NULL) == 0);
	SV_EXPECT(read(test->go, &byte, 1) == 1);
	SV_EXPECT(interrupted_connect(test->port));
	SV_EXPECT(write(test->report, "i", 1) == 1 && read(test->go, &byte, 1) == 1);
	for (int i = 0; i < INTERRUPTED_CONNECTS; i++)
		SV_EXPECT(interrupted_connect(test->port));
	SV_EXPECT(write(test->report, "d", 1) == 1 && read(test->go, &byte, 1) == 1);
	return 0;
}

static int open_descriptors(void)
{
	DIR *directory = opendir("/proc/self/fd");
	int count = 0;

	assert_non_null(directory);
	while (readdir(directory))
		count++;
	closedir(directory);
	return count;
}

/*
 * A thread interrupted in a brokered connect leaves the supervisor's
 * connection waiting for its handshake (the positive control: one more
 * descriptor); the next brokered connect drops it, so a sandbox that
 * interrupts its connects over and over cannot pile them up.
 */
static void test_interrupted_connects_are_dropped(void **state)
{
	char dir_variable[SHORT_PATH + 8], port_variable[32];
	const char *environment[3] = {dir_variable, port_variable, NULL};
	struct interrupted test;
	moat_supervisor *supervisor = sv_supervisor(0);
	struct moat_handoff_plan plan;
	struct moat_error error;
	moat_policy *policy;
	int listener, filler, report[2], go[2], before, after_one, after_many;
	pid_t pid;

	(void)state;
	listener = tcp_listener(&test.port);
	assert_int_equal(listen(listener, 0), 0);
	filler = connect_tcp(test.port, SOCK_STREAM);
	assert_true(filler >= 0);
	snprintf(dir_variable, sizeof(dir_variable), "DIR=%s", fixture->dir);
	snprintf(port_variable, sizeof(port_variable), "PORT=%u", test.port);
	policy = sv_policy(policy_text, environment);
	sv_plan(&plan, policy);
	assert_int_equal(pipe2(report, O_CLOEXEC), 0);
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	test.report = report[1];
	test.go = go[0];
	pid = sv_start(supervisor, policy, &plan, interrupted_body, &test);
	assert_int_equal(moat_supervisor_start(supervisor, &error), 0); /* after the fork */
	before = open_descriptors();
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(next_report(report[0], 5000), 'i');
	after_one = open_descriptors();
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(next_report(report[0], 10000), 'd');
	after_many = open_descriptors();
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(sv_wait(pid), 0);
	moat_supervisor_free(supervisor);
	print_message(
	        "supervisor descriptors: %d, %d after one interrupted connect, %d after %d more\n",
	        before, after_one, after_many, INTERRUPTED_CONNECTS);
	assert_int_equal(after_one, before + 1);
	assert_true(after_many <= before + 1);
	moat_handoff_plan_release(&plan);
	moat_policy_free(policy);
	close(filler);
	close(listener);
	close(report[0]);
	close(report[1]);
	close(go[0]);
	close(go[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_read_grant),
	        cmocka_unit_test(test_relative_paths_and_dirfds),
	        cmocka_unit_test(test_write_grant),
	        cmocka_unit_test(test_malformed_calls),
	        cmocka_unit_test(test_exec_under_the_broker),
	        cmocka_unit_test(test_escapes_are_refused),
	        cmocka_unit_test(test_procfs_below_a_grant),
	        cmocka_unit_test(test_procfs_as_the_grant),
	        cmocka_unit_test(test_race_never_opens_the_secret),
	        cmocka_unit_test(test_race_beats_a_naive_supervisor),
	        cmocka_unit_test(test_connect),
	        cmocka_unit_test(test_slow_connect_does_not_block),
	        cmocka_unit_test(test_duplicate_shares_the_flags),
	        cmocka_unit_test(test_flag_race_holds_a_naive_supervisor),
	        cmocka_unit_test(test_flag_race_does_not_hold_the_supervisor),
	        cmocka_unit_test(test_interrupted_connects_are_dropped),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
