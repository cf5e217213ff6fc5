// SPDX-License-Identifier: MIT
/*
 * The supervisor's loop and its public API, with sandboxes in the kernel:
 *  - custom handlers (a value, an errno, an injected fd, the memory reader
 *    at page boundaries), alongside the broker and the policy's other rules;
 *  - notifications that go stale (the caller is killed while its handler
 *    runs) and sandboxes that end, without stopping the loop;
 *  - failure: a closed listener or a dead supervisor process fails every
 *    notified call with ENOSYS, and die-with-parent ends the sandbox;
 *  - one supervisor serving 100 sandboxes at once, and serving from its
 *    own thread;
 *  - the listener hand-off's errors.
 */
#include "test_supervise.h"

#include "syscalls/syscalls.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <malloc.h>
#include <sys/mman.h>

#define SANDBOXES           100
#define OPENS_PER_SANDBOX   100
#define PAGE                4096
#define EXPECTED_PARENT_PID 4242

static const char policy_text[] = "moat 1\n"
                                  "[syscalls]\n"
                                  "default allow\n"
                                  "errno EPERM umask\n"
                                  "notify openat getppid mkdir mkdirat dup getpgid getsid\n"
                                  "[broker]\n"
                                  "open read ${DIR}/read\n";

struct fixture {
	char dir[256];
	char data[512]; /* DIR/read/data.txt */
	moat_policy *policy;
	struct sv_lazy_plan plan;
};

static struct fixture *fixture;

static const struct moat_handoff_plan *fixture_plan(void)
{
	return sv_lazy_plan_get(&fixture->plan, fixture->policy);
}

static int setup(void **state)
{
	static struct fixture storage;
	char path[512], variable[300];
	const char *environment[] = {variable, NULL};

	(void)state;
	fixture = &storage;
	snprintf(fixture->dir, sizeof(fixture->dir), "/tmp/moat-loop-XXXXXX");
	assert_non_null(mkdtemp(fixture->dir));
	snprintf(path, sizeof(path), "%s/read", fixture->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(fixture->data, sizeof(fixture->data), "%s/read/data.txt", fixture->dir);
	sv_write_file(fixture->data, "granted data");
	snprintf(variable, sizeof(variable), "DIR=%s", fixture->dir);
	fixture->policy = sv_policy(policy_text, environment);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sv_lazy_plan_release(&fixture->plan);
	moat_policy_free(fixture->policy);
	sv_remove_tree(fixture->dir);
	return 0;
}

/* In a child: reads the granted file through the broker. */
static bool reads_data(void)
{
	char buffer[64];
	int fd = open(fixture->data, O_RDONLY);
	bool same;

	if (fd < 0)
		return false;
	sv_read_fd(fd, buffer, sizeof(buffer));
	same = !strcmp(buffer, "granted data");
	close(fd);
	return same;
}

/* ---- custom handlers ----------------------------------------------------------- */

struct handled {
	char first_path[64]; /* the first string the mkdir handler read */
	int calls;
};

static int parent_pid_handler(const struct moat_notification *notification, moat_memory *memory,
                              struct moat_reply *reply, void *context)
{
	struct handled *handled = context;

	(void)memory;
	handled->calls++;
	assert_int_equal(notification->syscall, SYS_getppid);
	assert_int_equal(notification->architecture, moat_native_audit_arch());
	assert_true(notification->instruction_pointer != 0);
	reply->kind = MOAT_REPLY_VALUE;
	reply->value = EXPECTED_PARENT_PID;
	return 0;
}

/* mkdir(path, size): the string's length, or why it could not be read. */
static int string_handler(const struct moat_notification *notification, moat_memory *memory,
                          struct moat_reply *reply, void *context)
{
	struct handled *handled = context;
	char path[sizeof(handled->first_path)];
	size_t size =
	        notification->args[1] < sizeof(path) ? (size_t)notification->args[1] : sizeof(path);
	int length = moat_memory_read_string(memory, notification->args[0], path, size);

	handled->calls++;
	if (length < 0)
		return length;
	if (!handled->first_path[0])
		memcpy(handled->first_path, path, (size_t)length + 1);
	reply->kind = MOAT_REPLY_VALUE;
	reply->value = length;
	return 0;
}

/* mkdirat(any, address, size): the first byte of the range, or why it could not be read. */
static int range_handler(const struct moat_notification *notification, moat_memory *memory,
                         struct moat_reply *reply, void *context)
{
	unsigned char buffer[64];
	int result;

	(void)context;
	if (notification->args[2] > sizeof(buffer))
		return -EINVAL;
	result = moat_memory_read(memory, notification->args[1], buffer,
	                          (size_t)notification->args[2]);
	if (result < 0)
		return result;
	reply->kind = MOAT_REPLY_VALUE;
	reply->value = buffer[0];
	return 0;
}

/* dup(n): a new pipe holding "hello", close-on-exec when n is 1. */
static int fd_handler(const struct moat_notification *notification, moat_memory *memory,
                      struct moat_reply *reply, void *context)
{
	int pipe_fds[2];

	(void)memory;
	(void)context;
	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		return -errno;
	assert_int_equal(write(pipe_fds[1], "hello", 5), 5);
	close(pipe_fds[1]);
	reply->kind = MOAT_REPLY_FD;
	reply->fd = pipe_fds[0];
	reply->fd_flags = notification->args[0] == 1 ? O_CLOEXEC : 0;
	return 0;
}

static int failing_handler(const struct moat_notification *notification, moat_memory *memory,
                           struct moat_reply *reply, void *context)
{
	(void)notification;
	(void)memory;
	(void)reply;
	(void)context;
	return -ENOTSUP;
}

/* A page followed by an unreadable one; returns the end of the readable page. */
static char *page_before_a_hole(void)
{
	char *pages =
	        mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (pages == MAP_FAILED || mprotect(pages + PAGE, PAGE, PROT_NONE) < 0)
		return NULL;
	return pages + PAGE;
}

/* Installs a filter with a listener of its own: 0, or the errno. */
static int own_listener(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog program = {1, &allow};
	long fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return errno;
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
	             &program);
	if (fd < 0)
		return errno;
	close((int)fd);
	return 0;
}

static int own_listener_body(void *context)
{
	(void)context;
	return own_listener();
}

static int handlers_body(void *context)
{
	char buffer[16], *end = page_before_a_hole();
	long fd;

	(void)context;
	SV_EXPECT(end != NULL);
	SV_EXPECT(getppid() == EXPECTED_PARENT_PID);
	SV_EXPECT(syscall(SYS_mkdir, "/a/path", 64) == 7);
	/* Strings and ranges that end right at an unreadable page. */
	memcpy(end - 4, "abc", 4);
	SV_EXPECT(syscall(SYS_mkdir, end - 4, 64) == 3);
	memcpy(end - 4, "abcd", 4);
	SV_EXPECT(syscall(SYS_mkdir, end - 4, 64) == -1 && errno == EFAULT);
	SV_EXPECT(syscall(SYS_mkdir, "abcdefgh", 4) == -1 && errno == ENAMETOOLONG);
	SV_EXPECT(syscall(SYS_mkdir, NULL, 64) == -1 && errno == EFAULT);
	SV_EXPECT(syscall(SYS_mkdirat, AT_FDCWD, end - 4, 4) == 'a');
	SV_EXPECT(syscall(SYS_mkdirat, AT_FDCWD, end - 4, 8) == -1 && errno == EFAULT);
	/* Injected descriptors, with the flags asked for. */
	fd = syscall(SYS_dup, 0);
	SV_EXPECT(fd >= 0 && fcntl((int)fd, F_GETFD) == 0);
	SV_EXPECT(sv_read_fd((int)fd, buffer, sizeof(buffer)) == 5 && !strcmp(buffer, "hello"));
	close((int)fd);
	fd = syscall(SYS_dup, 1);
	SV_EXPECT(fd >= 0 && fcntl((int)fd, F_GETFD) == FD_CLOEXEC);
	close((int)fd);
	/* A handler's failure, and a notified call no one handles. */
	SV_EXPECT(getpgid(0) == -1 && errno == ENOTSUP);
	SV_EXPECT(getsid(0) == -1 && errno == EACCES);
	/* The broker and the policy's other rules work alongside. */
	SV_EXPECT(reads_data());
	SV_EXPECT(syscall(SYS_umask, 022) == -1 && errno == EPERM);
	/* The sandbox cannot take the supervisor's place. */
	SV_EXPECT(own_listener() == EBUSY);
	return 0;
}

static void register_handlers(moat_supervisor *supervisor, struct handled *handled)
{
	struct moat_error error;

	assert_int_equal(
	        moat_supervisor_handle(supervisor, "getppid", parent_pid_handler, handled, &error),
	        0);
	assert_int_equal(
	        moat_supervisor_handle(supervisor, "mkdir", string_handler, handled, &error), 0);
	assert_int_equal(
	        moat_supervisor_handle(supervisor, "mkdirat", range_handler, handled, &error), 0);
	assert_int_equal(moat_supervisor_handle(supervisor, "dup", fd_handler, handled, &error), 0);
	assert_int_equal(
	        moat_supervisor_handle(supervisor, "getpgid", failing_handler, NULL, &error), 0);
}

static void test_custom_handlers(void **state)
{
	struct handled handled = {0};
	moat_supervisor *supervisor = sv_supervisor(MOAT_SUPERVISOR_NO_SYNC_WAKE_UP);
	struct moat_error error;
	pid_t pid;

	(void)state;
	/* Positive control: a process without the filter gets its own listener. */
	assert_int_equal(sv_run_unsandboxed(own_listener_body, NULL), 0);
	assert_int_equal(moat_supervisor_handle(supervisor, "nonesuch", fd_handler, NULL, &error),
	                 -EINVAL);
	register_handlers(supervisor, &handled);
	pid = sv_start(supervisor, fixture->policy, fixture_plan(), handlers_body, NULL);
	sv_serve_all(supervisor, 10000);
	assert_int_equal(sv_wait(pid), 0);
	assert_string_equal(handled.first_path, "/a/path");
	assert_int_equal(handled.calls, 6);
	moat_supervisor_free(supervisor);
}

/* Without its handler, a notified call is refused like any ungranted one. */
static int unhandled_body(void *context)
{
	(void)context;
	SV_EXPECT(syscall(SYS_getppid) == -1 && errno == EACCES);
	SV_EXPECT(getpgid(0) == -1 && errno == EACCES);
	return 0;
}

static void test_removed_handler(void **state)
{
	struct handled handled = {0};
	moat_supervisor *supervisor = sv_supervisor(0);
	struct moat_error error;
	pid_t pid;

	(void)state;
	register_handlers(supervisor, &handled);
	assert_int_equal(moat_supervisor_handle(supervisor, "getppid", NULL, NULL, &error), 0);
	assert_int_equal(moat_supervisor_handle(supervisor, "getpgid", NULL, NULL, &error), 0);
	pid = sv_start(supervisor, fixture->policy, fixture_plan(), unhandled_body, NULL);
	sv_serve_all(supervisor, 10000);
	assert_int_equal(sv_wait(pid), 0);
	assert_int_equal(handled.calls, 0);
	moat_supervisor_free(supervisor);
}

/* ---- stale notifications ---------------------------------------------------------- */

struct stale {
	int memory_result; /* what reading the dead caller's memory gave */
};

/* Kills the caller, waits until it is dead, then reads its memory and answers. */
static int killing_handler(const struct moat_notification *notification, moat_memory *memory,
                           struct moat_reply *reply, void *context)
{
	struct stale *stale = context;
	siginfo_t info;
	char byte;

	kill(notification->pid, SIGKILL);
	waitid(P_PID, (id_t)notification->pid, &info, WEXITED | WNOWAIT);
	stale->memory_result =
	        moat_memory_read(memory, notification->instruction_pointer, &byte, 1);
	reply->kind = MOAT_REPLY_VALUE;
	return 0;
}

static int stale_body(void *context)
{
	(void)context;
	getppid();
	return 0;
}

static int served_body(void *context)
{
	(void)context;
	SV_EXPECT(reads_data());
	return 0;
}

static void test_stale_notification(void **state)
{
	struct stale stale = {0};
	moat_supervisor *supervisor = sv_supervisor(0);
	struct moat_error error;
	pid_t pid;

	(void)state;
	assert_int_equal(
	        moat_supervisor_handle(supervisor, "getppid", killing_handler, &stale, &error), 0);
	pid = sv_start(supervisor, fixture->policy, fixture_plan(), stale_body, NULL);
	sv_serve_all(supervisor, 10000);
	assert_int_equal(sv_wait(pid), 128 + SIGKILL);
	/* The caller was gone: its memory was refused, the reply went nowhere. */
	assert_int_equal(stale.memory_result, -ESRCH);
	/* The same supervisor goes on serving. */
	pid = sv_start(supervisor, fixture->policy, fixture_plan(), served_body, NULL);
	sv_serve_all(supervisor, 10000);
	assert_int_equal(sv_wait(pid), 0);
	moat_supervisor_free(supervisor);
}

/* ---- failure -------------------------------------------------------------------------- */

struct signals {
	int ready; /* the child writes 'r' when served once */
	int go;    /* the child reads a byte before trying again */
};

/* Served once; after the supervisor is gone, every notified call fails with ENOSYS. */
static int orphan_body(void *context)
{
	const struct signals *signals = context;
	char byte;

	SV_EXPECT(reads_data());
	SV_EXPECT(write(signals->ready, "r", 1) == 1);
	SV_EXPECT(read(signals->go, &byte, 1) == 1);
	SV_EXPECT(open(fixture->data, O_RDONLY) == -1 && errno == ENOSYS);
	SV_EXPECT(open("/etc/hostname", O_RDONLY) == -1 && errno == ENOSYS);
	SV_EXPECT(syscall(SYS_getppid) == -1 && errno == ENOSYS);
	/* Calls the policy allows are not affected. */
	SV_EXPECT(getpid() > 0);
	return 0;
}

static void make_pipes(int ready[2], int go[2], struct signals *signals)
{
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	signals->ready = ready[1];
	signals->go = go[0];
}

static void close_pipes(int ready[2], int go[2])
{
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
}

static void test_closed_listener(void **state)
{
	struct signals signals;
	moat_supervisor *supervisor = sv_supervisor(0);
	struct pollfd ready_event;
	int ready[2], go[2];
	pid_t pid;

	(void)state;
	make_pipes(ready, go, &signals);
	ready_event = (struct pollfd){ready[0], POLLIN, 0};
	pid = sv_start(supervisor, fixture->policy, fixture_plan(), orphan_body, &signals);
	while (poll(&ready_event, 1, 0) == 0)
		assert_int_equal(moat_supervisor_dispatch(supervisor, 50), 1);
	moat_supervisor_free(supervisor);
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(sv_wait(pid), 0);
	close_pipes(ready, go);
}

/*
 * A supervisor process that dies (SIGKILL). It serves one sandbox, its
 * child, and reports that sandbox's pid; no cmocka in it.
 */
static int supervisor_process(const struct moat_handoff_plan *plan, struct signals *signals,
                              unsigned flags, int report)
{
	struct moat_supervisor *supervisor;
	struct moat_error error;
	int listener;
	pid_t pid;

	if (moat_supervisor_new(&supervisor, NULL, &error) < 0)
		return 1;
	pid = sv_spawn(plan, flags, orphan_body, signals, &listener, &error);
	if (pid < 0 ||
	    moat_supervisor_add(supervisor, listener, fixture->policy, pid, &error) < 0 ||
	    write(report, &pid, sizeof(pid)) != sizeof(pid))
		return 2;
	for (;;)
		moat_supervisor_dispatch(supervisor, -1);
}

/* Starts a supervisor process; returns its pid and the sandbox's. */
static pid_t start_supervisor_process(struct signals *signals, unsigned flags, pid_t *sandbox)
{
	const struct moat_handoff_plan *plan = fixture_plan();
	int report[2];
	pid_t pid;

	assert_int_equal(pipe(report), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(supervisor_process(plan, signals, flags, report[1]));
	}
	assert_int_equal(read(report[0], sandbox, sizeof(*sandbox)), sizeof(*sandbox));
	close(report[0]);
	close(report[1]);
	return pid;
}

static void test_supervisor_death(void **state)
{
	struct signals signals;
	int ready[2], go[2];
	pid_t supervisor, sandbox;
	char byte;

	(void)state;
	/* Orphaned sandboxes come to the test, which reaps them. */
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	make_pipes(ready, go, &signals);
	supervisor = start_supervisor_process(&signals, 0, &sandbox);
	assert_int_equal(read(ready[0], &byte, 1), 1);
	kill(supervisor, SIGKILL);
	assert_int_equal(sv_wait(supervisor), 128 + SIGKILL);
	/* Without die-with-parent, the sandbox lives on, and nothing notified gets through. */
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(sv_wait(sandbox), 0);
	close_pipes(ready, go);
}

static void test_supervisor_death_ends_the_sandbox(void **state)
{
	struct signals signals;
	int ready[2], go[2];
	pid_t supervisor, sandbox;
	char byte;

	(void)state;
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	make_pipes(ready, go, &signals);
	supervisor = start_supervisor_process(&signals, SV_DIE_WITH_PARENT, &sandbox);
	assert_int_equal(read(ready[0], &byte, 1), 1);
	kill(supervisor, SIGKILL);
	assert_int_equal(sv_wait(supervisor), 128 + SIGKILL);
	/* With die-with-parent, the sandbox ends with its supervisor. */
	assert_int_equal(sv_wait(sandbox), 128 + SIGKILL);
	close_pipes(ready, go);
}

/* ---- many sandboxes, and the thread --------------------------------------------------- */

static int busy_body(void *context)
{
	(void)context;
	for (int i = 0; i < OPENS_PER_SANDBOX; i++)
		SV_EXPECT(reads_data());
	return 0;
}

static void test_hundred_sandboxes(void **state)
{
	moat_supervisor *supervisor = sv_supervisor(0);
	pid_t pids[SANDBOXES];
	long start = sv_milliseconds();

	(void)state;
	for (int i = 0; i < SANDBOXES; i++)
		pids[i] = sv_start(supervisor, fixture->policy, fixture_plan(), busy_body, NULL);
	assert_int_equal(moat_supervisor_dispatch(supervisor, 0) >= 0, 1);
	sv_serve_all(supervisor, 20000);
	for (int i = 0; i < SANDBOXES; i++)
		assert_int_equal(sv_wait(pids[i]), 0);
	print_message("%d sandboxes, %d brokered opens each: %ld ms\n", SANDBOXES,
	              OPENS_PER_SANDBOX, sv_milliseconds() - start);
	moat_supervisor_free(supervisor);
}

static void test_thread(void **state)
{
	moat_supervisor *supervisor = sv_supervisor(0);
	struct moat_error error;
	pid_t pids[4];

	(void)state;
	assert_int_equal(moat_supervisor_start(supervisor, &error), 0);
	assert_int_equal(moat_supervisor_start(supervisor, &error), -EBUSY);
	assert_int_equal(moat_supervisor_dispatch(supervisor, 0), -EBUSY);
	/* Sandboxes added while the thread serves. */
	for (int i = 0; i < 4; i++)
		pids[i] = sv_start(supervisor, fixture->policy, fixture_plan(), busy_body, NULL);
	for (int i = 0; i < 4; i++)
		assert_int_equal(sv_wait(pids[i]), 0);
	moat_supervisor_free(supervisor);
}

/* ---- the hand-off's errors --------------------------------------------------------------- */

static int receive_from(void (*sender)(int socket_fd), int timeout_ms, int *listener,
                        struct moat_error *error)
{
	int pair[2], pidfd, result;
	pid_t pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pair[0]);
		sender(pair[1]);
		_exit(0);
	}
	close(pair[1]);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	result = moat_listener_receive(pair[0], pidfd, timeout_ms, listener, error);
	kill(pid, SIGKILL);
	sv_wait(pid);
	close(pidfd);
	close(pair[0]);
	return result;
}

static void send_nothing(int socket_fd)
{
	(void)socket_fd;
}

static void send_no_descriptor(int socket_fd)
{
	assert_int_equal(write(socket_fd, "x", 1), 1);
}

static void send_descriptor(int socket_fd)
{
	assert_int_equal(moat_listener_send(socket_fd, STDIN_FILENO, NULL), 0);
}

static void send_late(int socket_fd)
{
	(void)socket_fd;
	pause();
}

static void test_listener_receive(void **state)
{
	struct moat_error error;
	int fd;

	(void)state;
	assert_int_equal(receive_from(send_descriptor, 5000, &fd, &error), 0);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFD), FD_CLOEXEC);
	close(fd);
	assert_int_equal(receive_from(send_nothing, 5000, &fd, &error), -ESRCH);
	assert_int_equal(fd, -1);
	assert_int_equal(receive_from(send_no_descriptor, 5000, &fd, &error), -EPROTO);
	assert_int_equal(receive_from(send_late, 50, &fd, &error), -ETIMEDOUT);
}

/*
 * A listener moat_supervisor_add cannot use (here, a closed descriptor)
 * fails the add after the grants were built; they are released with it.
 * The control: the same number of adds that succeed would hold memory.
 */
static void test_refused_listener_frees_the_grants(void **state)
{
	struct test_diagnostics diagnostics;
	moat_policy *policy =
	        test_load("moat 1\n[syscalls]\ndefault allow\nnotify open openat openat2\n"
	                  "kill @default-deny\n[broker]\nopen read /usr\nopen read /etc\n"
	                  "open write /tmp\n",
	                  &diagnostics);
	moat_supervisor *supervisor;
	struct moat_error error;
	size_t before;

	(void)state;
	if (!policy)
		fail_msg("%s", diagnostics.text);
	if (moat_supervisor_new(&supervisor, NULL, &error) < 0) {
		moat_policy_free(policy);
		print_message("SKIP: no supervisor here (%s)\n", error.message);
		skip();
	}
	/* Warm up whatever the first call allocates once. */
	assert_int_equal(moat_supervisor_add(supervisor, 999, policy, getpid(), &error), -EBADF);
	before = mallinfo2().uordblks;
	for (int i = 0; i < 200; i++)
		assert_int_equal(moat_supervisor_add(supervisor, 999, policy, getpid(), &error),
		                 -EBADF);
	assert_true(mallinfo2().uordblks <= before + 1024);
	moat_supervisor_free(supervisor);
	moat_policy_free(policy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_refused_listener_frees_the_grants),
	        cmocka_unit_test(test_custom_handlers),
	        cmocka_unit_test(test_removed_handler),
	        cmocka_unit_test(test_stale_notification),
	        cmocka_unit_test(test_closed_listener),
	        cmocka_unit_test(test_supervisor_death),
	        cmocka_unit_test(test_supervisor_death_ends_the_sandbox),
	        cmocka_unit_test(test_hundred_sandboxes),
	        cmocka_unit_test(test_thread),
	        cmocka_unit_test(test_listener_receive),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
