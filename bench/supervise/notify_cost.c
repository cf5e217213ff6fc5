// SPDX-License-Identifier: MIT
/*
 * What a supervised call costs. Sandboxes are made the way moat_spawn()
 * makes them (moat_handoff_child() in a forked child) and served by one
 * supervisor in this process, on its main thread.
 *
 * Latency, measured inside one sandbox, per call (median and 90th
 * percentile of CALLS calls):
 *   - a plain allowed syscall (getppid) against a bare notify round trip
 *     (getpgid, answered 0 by a custom handler), with and without
 *     SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
 *   - a direct openat(2) in an unsandboxed process against a brokered one.
 * Throughput: 1, 10 and 100 sandboxes calling getpgid in a loop for one
 * second, all served by the same supervisor.
 *
 *   notify_cost [CALLS]
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "landlock/landlock.h"
#include "moat.h"
#include "supervise/handoff.h"
#include "supervise/supervise.h"

#define MAXIMUM_SANDBOXES 100
#define BUSY_SECONDS      1.0

static const char policy_format[] = "moat 1\n"
                                    "[syscalls]\n"
                                    "default allow\n"
                                    "notify openat getpgid\n"
                                    "[broker]\n"
                                    "open read %s\n";

struct bench {
	moat_policy *policy;
	struct moat_handoff_plan plan;
	char file[512]; /* a granted file */
	int calls;
	double *samples;  /* shared with the children: one per call, in ns */
	uint64_t *counts; /* shared: calls each busy sandbox made */
};

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int compare(const void *left, const void *right)
{
	double a = *(const double *)left, b = *(const double *)right;

	return a < b ? -1 : a > b;
}

static void die(const char *what, const struct moat_error *error)
{
	fprintf(stderr, "notify_cost: %s: %s\n", what, error ? error->message : strerror(errno));
	exit(1);
}

static int answer_zero(const struct moat_notification *notification, moat_memory *memory,
                       struct moat_reply *reply, void *context)
{
	(void)notification;
	(void)memory;
	(void)context;
	reply->kind = MOAT_REPLY_VALUE;
	reply->value = 0;
	return 0;
}

/* ---- what a sandbox runs ------------------------------------------------------- */

enum workload {
	PLAIN_SYSCALL, /* getppid, allowed */
	NOTIFY,        /* getpgid, answered by the handler */
	OPENAT,        /* openat of the granted file, then close (not timed) */
	BUSY,          /* getpgid in a loop for BUSY_SECONDS */
};

static void run_workload(const struct bench *bench, enum workload workload, int index)
{
	if (workload == BUSY) {
		double end = now_ns() + BUSY_SECONDS * 1e9;
		uint64_t count = 0;

		while (now_ns() < end) {
			for (int i = 0; i < 64; i++)
				syscall(SYS_getpgid, 0);
			count += 64;
		}
		bench->counts[index] = count;
		return;
	}
	for (int i = 0; i < bench->calls; i++) {
		double start = now_ns();
		long result;

		if (workload == PLAIN_SYSCALL)
			result = syscall(SYS_getppid);
		else if (workload == NOTIFY)
			result = syscall(SYS_getpgid, 0);
		else
			result = openat(AT_FDCWD, bench->file, O_RDONLY);
		bench->samples[i] = now_ns() - start;
		if (result < 0)
			_exit(3);
		if (workload == OPENAT)
			close((int)result);
	}
}

/* A sandbox that waits for the `start` pipe to close, then runs the workload. */
static pid_t spawn(const struct bench *bench, enum workload workload, int index, const int start[2],
                   int *listener)
{
	struct moat_error error;
	int pair[2], pidfd;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		die("socketpair", NULL);
	pid = fork();
	if (pid == 0) {
		char byte;

		close(pair[0]);
		close(start[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* The supervisor's process is not dumpable; execve would reset this. */
		prctl(PR_SET_DUMPABLE, 1);
		if (moat_handoff_child(&bench->plan, pair[1], &error) < 0)
			_exit(2);
		if (read(start[0], &byte, 1) < 0)
			_exit(2);
		run_workload(bench, workload, index);
		_exit(0);
	}
	close(pair[1]);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (moat_listener_receive(pair[0], pidfd, 5000, listener, &error) < 0)
		die("receiving a listener", &error);
	close(pidfd);
	close(pair[0]);
	return pid;
}

/*
 * Not a public option: the supervisor injects fds with SECCOMP_ADDFD_FLAG_SEND
 * wherever the kernel has it; this measures the two-step alternative.
 */
#define TWO_STEP_ADDFD (1U << 31)

/* Wall-clock and CPU seconds (the supervisor's and the sandboxes') of one run. */
struct timing {
	double seconds;
	double cpu;
};

static double cpu_seconds(const struct rusage *usage)
{
	return (double)usage->ru_utime.tv_sec + (double)usage->ru_utime.tv_usec / 1e6 +
	       (double)usage->ru_stime.tv_sec + (double)usage->ru_stime.tv_usec / 1e6;
}

/* Runs `count` sandboxes with `workload` under a new supervisor. */
static struct timing run(const struct bench *bench, enum workload workload, int count,
                         unsigned flags)
{
	/* Served from this thread's loop: one shard, one epoll. */
	struct moat_supervisor_options options = {.version = MOAT_SUPERVISOR_OPTIONS_VERSION,
	                                          .flags = flags & ~TWO_STEP_ADDFD,
	                                          .threads = 1};
	moat_supervisor *supervisor;
	struct moat_error error;
	pid_t pids[MAXIMUM_SANDBOXES];
	int start[2], listener, status;
	struct rusage before, after, child;
	struct timing timing = {0};
	double began;

	if (moat_supervisor_new(&supervisor, &options, &error) < 0 ||
	    moat_supervisor_handle(supervisor, "getpgid", answer_zero, NULL, &error) < 0)
		die("supervisor", &error);
	if (flags & TWO_STEP_ADDFD)
		for (unsigned i = 0; i < supervisor->shard_count; i++)
			supervisor->shards[i].addfd_send = false;
	if (pipe(start) < 0)
		die("pipe", NULL);
	for (int i = 0; i < count; i++) {
		pids[i] = spawn(bench, workload, i, start, &listener);
		if (moat_supervisor_add(supervisor, listener, bench->policy, pids[i], &error) < 0)
			die("moat_supervisor_add", &error);
	}
	close(start[0]);
	getrusage(RUSAGE_SELF, &before);
	began = now_ns();
	close(start[1]); /* everyone starts */
	while (moat_supervisor_dispatch(supervisor, -1) > 0)
		continue;
	timing.seconds = (now_ns() - began) / 1e9;
	getrusage(RUSAGE_SELF, &after);
	timing.cpu = cpu_seconds(&after) - cpu_seconds(&before);
	for (int i = 0; i < count; i++) {
		if (wait4(pids[i], &status, 0, &child) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			die("a sandbox failed", NULL);
		timing.cpu += cpu_seconds(&child);
	}
	moat_supervisor_free(supervisor);
	return timing;
}

/* The same workload in a plain child, no sandbox. */
static void run_unsandboxed(const struct bench *bench, enum workload workload)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		run_workload(bench, workload, 0);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		die("the unsandboxed run failed", NULL);
}

/* ---- reporting ----------------------------------------------------------------- */

static double report(const struct bench *bench, const char *what)
{
	double median, p90, mean = 0;

	qsort(bench->samples, (size_t)bench->calls, sizeof(double), compare);
	for (int i = 0; i < bench->calls; i++)
		mean += bench->samples[i];
	mean /= bench->calls * 1e3;
	median = bench->samples[bench->calls / 2] / 1e3;
	p90 = bench->samples[bench->calls * 9 / 10] / 1e3;
	printf("| %s | %.2f µs | %.2f µs | %.2f µs |\n", what, median, p90, mean);
	return median;
}

static void latency(const struct bench *bench)
{
	double plain, bare, bare_slow, direct, brokered;

	printf("| call | median | p90 | mean |\n| --- | --- | --- | --- |\n");
	run(bench, PLAIN_SYSCALL, 1, 0);
	plain = report(bench, "getppid, allowed by the filter");
	run(bench, NOTIFY, 1, 0);
	bare = report(bench, "getpgid, notify round trip, SYNC_WAKE_UP");
	run(bench, NOTIFY, 1, MOAT_SUPERVISOR_NO_SYNC_WAKE_UP);
	bare_slow = report(bench, "getpgid, notify round trip, no SYNC_WAKE_UP");
	run_unsandboxed(bench, OPENAT);
	direct = report(bench, "openat, direct (no sandbox)");
	run(bench, OPENAT, 1, 0);
	brokered = report(bench, "openat, brokered, SYNC_WAKE_UP");
	run(bench, OPENAT, 1, MOAT_SUPERVISOR_NO_SYNC_WAKE_UP);
	report(bench, "openat, brokered, no SYNC_WAKE_UP");
	run(bench, OPENAT, 1, TWO_STEP_ADDFD);
	report(bench, "openat, brokered, SYNC_WAKE_UP, ADDFD then SEND");
	printf("\nnotify round trip: %.1fx a plain syscall; SYNC_WAKE_UP makes it %.1fx faster\n",
	       bare / plain, bare_slow / bare);
	printf("brokered openat: %.1fx a direct one (+%.2f µs)\n\n", brokered / direct,
	       brokered - direct);
}

static void throughput(const struct bench *bench)
{
	static const int counts[] = {1, 10, 100};

	printf("| busy sandboxes | calls/s, default | CPUs busy | calls/s, never SYNC_WAKE_UP "
	       "| CPUs busy |\n| --- | --- | --- | --- | --- |\n");
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		double rates[2], busy[2];

		for (int slow = 0; slow < 2; slow++) {
			uint64_t total = 0;
			struct timing timing = run(bench, BUSY, counts[i],
			                           slow ? MOAT_SUPERVISOR_NO_SYNC_WAKE_UP : 0);

			for (int k = 0; k < counts[i]; k++)
				total += bench->counts[k];
			rates[slow] = (double)total / timing.seconds;
			busy[slow] = timing.cpu / timing.seconds;
		}
		printf("| %d | %.0f | %.2f | %.0f | %.2f |\n", counts[i], rates[0], busy[0],
		       rates[1], busy[1]);
	}
}

static void prepare(struct bench *bench, char *directory)
{
	struct moat_landlock_features features;
	struct moat_error error;
	char text[1024];
	int fd;

	if (!mkdtemp(directory))
		die("mkdtemp", NULL);
	snprintf(bench->file, sizeof(bench->file), "%s/file", directory);
	fd = open(bench->file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		die("creating the granted file", NULL);
	close(fd);
	snprintf(text, sizeof(text), policy_format, directory);
	if (moat_policy_load_string(&bench->policy, "bench.policy", text, strlen(text), NULL,
	                            &error) < 0)
		die("policy", &error);
	moat_landlock_probe(&features);
	if (moat_handoff_plan_build(&bench->plan, bench->policy, features.abi, &error) < 0)
		die("hand-off plan", &error);
	bench->samples = mmap(NULL, (size_t)bench->calls * sizeof(double), PROT_READ | PROT_WRITE,
	                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	bench->counts = mmap(NULL, MAXIMUM_SANDBOXES * sizeof(uint64_t), PROT_READ | PROT_WRITE,
	                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (bench->samples == MAP_FAILED || bench->counts == MAP_FAILED)
		die("mmap", NULL);
}

int main(int argc, char **argv)
{
	struct bench bench = {.calls = argc > 1 ? atoi(argv[1]) : 20000};
	char directory[] = "/tmp/moat-bench-XXXXXX";

	if (bench.calls < 10) {
		fprintf(stderr, "usage: notify_cost [CALLS]\n");
		return 2;
	}
	prepare(&bench, directory);
	latency(&bench);
	throughput(&bench);
	unlink(bench.file);
	rmdir(directory);
	moat_handoff_plan_release(&bench.plan);
	moat_policy_free(bench.policy);
	return 0;
}
