// SPDX-License-Identifier: MIT
/*
 * The kernel's floor under moat's supervisor: the same notified calls served
 * by the smallest possible loop (no moat code: a raw filter, RECV, then SEND
 * or ADDFD with SECCOMP_ADDFD_FLAG_SEND), so that notify_cost and scale can
 * be read against what the kernel alone costs on this machine.
 *
 * Latency (median of CALLS calls, measured in the sandboxed child), with
 * SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP on, on any CPU and with everything on
 * one CPU, and how often the child came back on another CPU than it left:
 *   - getpgid answered by SEND (the bare round trip);
 *   - openat answered by ADDFD|SEND of a file the server opened (the floor
 *     of a brokered open), against a direct openat.
 * Throughput: COUNT children calling getpgid for SECONDS, one serving
 * thread (SYNC_WAKE_UP only for one child, as moat does), ratio to one child.
 *
 *   floor [CALLS [SECONDS [COUNT...]]]   default 20000, 1 second, 1 10 100 1000
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

#define MAXIMUM_CHILDREN 4096
#define MAXIMUM_COUNTS   16
#define BATCH            64

enum workload { NOTIFY, OPENAT, DIRECT, BUSY };

struct shared {
	uint64_t counts[MAXIMUM_CHILDREN]; /* BUSY: calls each child made */
	double began[MAXIMUM_CHILDREN];    /* BUSY: when each child made its first call, µs */
	double ended[MAXIMUM_CHILDREN];    /* BUSY: and its last */
	uint64_t cpu_changes;              /* calls that returned on another CPU */
	double samples[];                  /* one per call, µs */
};

struct bench {
	char file[64];
	int calls;
	double seconds;
	struct shared *shared;
};

static void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* getpgid and openat notify, everything else is allowed (x86-64 and friends alike). */
static int install_filter(void)
{
	struct sock_filter code[] = {
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpgid, 1, 0),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 1),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog program = {sizeof(code) / sizeof(*code), code};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
	                    &program);
}

static void child_work(const struct bench *bench, enum workload workload, int index)
{
	if (workload == BUSY) {
		double end = bench_now_us() + bench->seconds * 1e6;
		uint64_t count = 0;

		bench->shared->began[index] = bench_now_us();
		while (bench_now_us() < end) {
			for (int i = 0; i < 16; i++)
				syscall(SYS_getpgid, 0);
			count += 16;
		}
		bench->shared->counts[index] = count;
		bench->shared->ended[index] = bench_now_us();
		return;
	}
	for (int i = 0; i < bench->calls; i++) {
		int cpu = sched_getcpu();
		double start = bench_now_us();
		long result = workload == NOTIFY ? syscall(SYS_getpgid, 0)
		                                 : openat(AT_FDCWD, bench->file, O_RDONLY);

		bench->shared->samples[i] = bench_now_us() - start;
		if (result < 0)
			_exit(3);
		if (sched_getcpu() != cpu)
			__atomic_add_fetch(&bench->shared->cpu_changes, 1, __ATOMIC_RELAXED);
		if (workload != NOTIFY)
			close((int)result);
	}
}

/* A child that installs the filter, waits for `go` to close, then works. */
static pid_t spawn(const struct bench *bench, enum workload workload, int index, const int go[2],
                   int *listener)
{
	int report[2], number = -1, pidfd;
	pid_t pid;
	char byte;

	if (pipe2(report, O_CLOEXEC) < 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(go[1]);
		number = workload == DIRECT ? 0 : install_filter();
		if (write(report[1], &number, sizeof(number)) != sizeof(number) || number < 0 ||
		    read(go[0], &byte, 1) != 0)
			_exit(2);
		child_work(bench, workload, index);
		_exit(0);
	}
	close(report[1]);
	if (read(report[0], &number, sizeof(number)) != sizeof(number) || number < 0)
		die("the child's filter");
	close(report[0]);
	*listener = -1;
	if (workload != DIRECT) {
		pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		*listener = (int)syscall(SYS_pidfd_getfd, pidfd, number, 0);
		if (pidfd < 0 || *listener < 0)
			die("pidfd_getfd of the listener");
		close(pidfd);
	}
	return pid;
}

/* RECV, then SEND 0 for getpgid or ADDFD|SEND of a fresh open of the file for openat. */
static void answer(const struct bench *bench, int listener, struct seccomp_notif *request)
{
	memset(request, 0, sizeof(*request));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, request) < 0)
		return; /* ENOENT: the child went away */
	if (request->data.nr == SYS_openat) {
		struct seccomp_notif_addfd addfd = {.id = request->id,
		                                    .flags = SECCOMP_ADDFD_FLAG_SEND};
		int fd = open(bench->file, O_RDONLY | O_CLOEXEC);

		addfd.srcfd = (uint32_t)fd;
		ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
		close(fd);
	} else {
		struct seccomp_notif_resp response = {.id = request->id};

		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &response);
	}
}

/* Serves `count` listeners from one epoll until every child has hung up. */
static void serve(const struct bench *bench, const int *listeners, int count)
{
	struct epoll_event events[BATCH];
	struct seccomp_notif request;
	int epoll = epoll_create1(EPOLL_CLOEXEC), alive = count;

	if (epoll < 0)
		die("epoll_create1");
	for (int i = 0; i < count; i++) {
		struct epoll_event event = {.events = EPOLLIN, .data.fd = listeners[i]};

		if (count == 1)
			ioctl(listeners[i], SECCOMP_IOCTL_NOTIF_SET_FLAGS,
			      SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
		if (epoll_ctl(epoll, EPOLL_CTL_ADD, listeners[i], &event) < 0)
			die("epoll_ctl");
	}
	while (alive > 0) {
		int ready = epoll_wait(epoll, events, BATCH, -1);

		for (int i = 0; i < ready; i++) {
			if (events[i].events & EPOLLIN) {
				answer(bench, events[i].data.fd, &request);
			} else {
				epoll_ctl(epoll, EPOLL_CTL_DEL, events[i].data.fd, NULL);
				alive--;
			}
		}
	}
	close(epoll);
}

static void pin(bool one_cpu)
{
	cpu_set_t set;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	CPU_ZERO(&set);
	for (long cpu = 0; cpu < (one_cpu ? 1 : cpus); cpu++)
		CPU_SET((int)cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		die("sched_setaffinity");
}

/* Runs `count` children with `workload`; returns the wall-clock seconds. */
static double run(const struct bench *bench, enum workload workload, int count)
{
	static pid_t pids[MAXIMUM_CHILDREN];
	static int listeners[MAXIMUM_CHILDREN];
	int go[2], status;
	double began;

	if (pipe2(go, O_CLOEXEC) < 0)
		die("pipe");
	bench->shared->cpu_changes = 0;
	for (int i = 0; i < count; i++)
		pids[i] = spawn(bench, workload, i, go, &listeners[i]);
	close(go[0]);
	began = bench_now_us();
	close(go[1]);
	if (workload != DIRECT)
		serve(bench, listeners, count);
	for (int i = 0; i < count; i++) {
		if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			die("a child failed");
		if (workload != DIRECT)
			close(listeners[i]);
	}
	return (bench_now_us() - began) / 1e6;
}

static double median(const struct bench *bench, const char *what, enum workload workload,
                     bool one_cpu)
{
	double value;

	pin(one_cpu);
	run(bench, workload, 1);
	pin(false);
	value = bench_quantile(bench->shared->samples, bench->calls, 0.5);
	printf("| %s%s | %.2f µs | %.2f |\n", what, one_cpu ? ", one CPU" : "", value,
	       (double)bench->shared->cpu_changes / bench->calls);
	return value;
}

static void latency(const struct bench *bench)
{
	double send, send_one, addfd, addfd_one, direct;

	printf("| raw loop, SYNC_WAKE_UP | median | CPU changes per call |\n| --- | --- | --- |\n");
	send = median(bench, "getpgid, SEND", NOTIFY, false);
	send_one = median(bench, "getpgid, SEND", NOTIFY, true);
	addfd = median(bench, "openat, ADDFD|SEND", OPENAT, false);
	addfd_one = median(bench, "openat, ADDFD|SEND", OPENAT, true);
	direct = median(bench, "openat, direct", DIRECT, false);
	printf("\n# floor of a brokered openat: %.2fx (round trip + direct open); "
	       "on one CPU %.2fx\n\n",
	       addfd / (send + direct), addfd_one / (send_one + direct));
}

/*
 * The rate over the wall clock (start signal to the last child reaped, as
 * scale measures it) and over the span in which children were calling
 * (first call of the first to last call of the last): the difference is the
 * harness's (waking, ending and reaping the children), not the serving's.
 */
static void throughput(const struct bench *bench, const int *counts, int number)
{
	double single = 0;

	printf("children,calls_per_second,ratio_to_first,wall_seconds,calling_seconds,"
	       "start_spread_seconds,calls_per_calling_second\n");
	for (int i = 0; i < number; i++) {
		double seconds = run(bench, BUSY, counts[i]), rate;
		double first = bench->shared->began[0], last_start = first;
		double last = bench->shared->ended[0];
		uint64_t total = 0;

		for (int k = 0; k < counts[i]; k++) {
			const struct shared *shared = bench->shared;

			total += shared->counts[k];
			first = shared->began[k] < first ? shared->began[k] : first;
			last_start = shared->began[k] > last_start ? shared->began[k] : last_start;
			last = shared->ended[k] > last ? shared->ended[k] : last;
		}
		rate = (double)total / seconds;
		if (i == 0)
			single = rate;
		printf("%d,%.0f,%.2f,%.2f,%.2f,%.2f,%.0f\n", counts[i], rate, rate / single,
		       seconds, (last - first) / 1e6, (last_start - first) / 1e6,
		       (double)total / ((last - first) / 1e6));
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	static const int defaults[] = {1, 10, 100, 1000};
	struct bench bench = {.calls = argc > 1 ? atoi(argv[1]) : 20000,
	                      .seconds = argc > 2 ? atof(argv[2]) : 1.0};
	int counts[MAXIMUM_COUNTS], number = 0, fd;
	struct rlimit files;

	for (int i = 3; i < argc && number < MAXIMUM_COUNTS; i++)
		counts[number++] = atoi(argv[i]);
	if (number == 0) {
		memcpy(counts, defaults, sizeof(defaults));
		number = sizeof(defaults) / sizeof(*defaults);
	}
	for (int i = 0; i < number; i++) {
		if (counts[i] < 1 || counts[i] > MAXIMUM_CHILDREN)
			number = -1;
	}
	if (bench.calls < 10 || bench.seconds <= 0 || number < 0) {
		fprintf(stderr, "usage: floor [CALLS [SECONDS [COUNT...]]] (1 to %d children)\n",
		        MAXIMUM_CHILDREN);
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
		files.rlim_cur = files.rlim_max;
		setrlimit(RLIMIT_NOFILE, &files);
	}
	snprintf(bench.file, sizeof(bench.file), "/tmp/moat-floor-%d", (int)getpid());
	fd = open(bench.file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	bench.shared = mmap(NULL, sizeof(struct shared) + (size_t)bench.calls * sizeof(double),
	                    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || bench.shared == MAP_FAILED)
		die("preparing");
	close(fd);
	latency(&bench);
	throughput(&bench, counts, number);
	unlink(bench.file);
	return 0;
}
