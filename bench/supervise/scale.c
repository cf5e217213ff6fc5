// SPDX-License-Identifier: MIT
/*
 * One supervisor, many sandboxes. For each count of sandboxes (made the way
 * moat_spawn() makes them, each with one `open read` grant), measures
 *   - the supervisor's memory per sandbox: heap bytes (mallinfo2) and
 *     resident bytes (VmRSS) added by moat_supervisor_add(), and the
 *     descriptors it holds per sandbox;
 *   - the throughput of notified calls when every sandbox calls getpgid
 *     (answered by a handler) in a loop for SECONDS, served by one thread
 *     and by one thread per CPU (moat_supervisor_start()), in the same run.
 * Prints CSV (for bench/plot.py) and, per count, the ratios to one thread
 * and to one sandbox.
 *
 *   scale [-o] [SECONDS [COUNT...]]     default: 1 second; 1 10 100 1000
 *   -o: each sandbox opens the granted file instead (brokered openat)
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "landlock/landlock.h"
#include "moat.h"
#include "supervise/handoff.h"

#define MAXIMUM_SANDBOXES 4096
#define MAXIMUM_COUNTS    16

static const char policy_format[] = "moat 1\n"
                                    "[syscalls]\n"
                                    "default allow\n"
                                    "notify openat getpgid\n"
                                    "[broker]\n"
                                    "open read %s\n";

struct bench {
	moat_policy *policy;
	struct moat_handoff_plan plan;
	char file[512]; /* the granted file */
	double seconds;
	bool open;
	uint64_t *counts; /* shared with the sandboxes: calls each made */
	pid_t pids[MAXIMUM_SANDBOXES];
};

/* What one run of `count` sandboxes measured. */
struct result {
	double rate;        /* notified calls per second, all sandboxes */
	double busy;        /* CPU seconds (supervisor and sandboxes) per second */
	double heap;        /* heap bytes per sandbox */
	double resident;    /* resident bytes per sandbox */
	double descriptors; /* descriptors per sandbox */
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, const struct moat_error *error)
{
	fprintf(stderr, "scale: %s: %s\n", what, error ? error->message : strerror(errno));
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

static long resident_bytes(void)
{
	char line[256];
	long kib = -1;
	FILE *status = fopen("/proc/self/status", "re");

	if (!status)
		die("/proc/self/status", NULL);
	while (fgets(line, sizeof(line), status)) {
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	}
	fclose(status);
	return kib * 1024;
}

static int open_descriptors(void)
{
	int count = 0;

	for (int fd = 0; fd < 65536; fd++)
		count += fcntl(fd, F_GETFD) >= 0;
	return count;
}

/* In a sandbox: waits for the start, then calls for `seconds`. */
static void work(const struct bench *bench, int index, int go)
{
	double end;
	uint64_t count = 0;
	char byte;

	if (read(go, &byte, 1) != 0)
		_exit(2);
	end = now() + bench->seconds;
	while (now() < end) {
		for (int i = 0; i < 16; i++) {
			if (bench->open) {
				int fd = openat(AT_FDCWD, bench->file, O_RDONLY);

				if (fd < 0)
					_exit(3);
				close(fd);
			} else if (syscall(SYS_getpgid, 0) != 0) {
				_exit(3);
			}
		}
		count += 16;
	}
	bench->counts[index] = count;
}

static pid_t spawn(struct bench *bench, int index, const int go[2], int *listener)
{
	struct moat_error error;
	int pair[2], pidfd;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		die("socketpair", NULL);
	pid = fork();
	if (pid < 0)
		die("fork", NULL);
	if (pid == 0) {
		close(pair[0]);
		close(go[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* The supervisor's process is not dumpable; execve would reset this. */
		prctl(PR_SET_DUMPABLE, 1);
		if (moat_handoff_child(&bench->plan, pair[1], &error) < 0)
			_exit(2);
		work(bench, index, go[0]);
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

static double cpu_seconds(const struct rusage *usage)
{
	return (double)usage->ru_utime.tv_sec + (double)usage->ru_utime.tv_usec / 1e6 +
	       (double)usage->ru_stime.tv_sec + (double)usage->ru_stime.tv_usec / 1e6;
}

static struct result run(struct bench *bench, int count, unsigned threads)
{
	struct moat_supervisor_options options = {.version = MOAT_SUPERVISOR_OPTIONS_VERSION,
	                                          .threads = threads};
	moat_supervisor *supervisor;
	struct moat_error error;
	struct rusage before, after, child;
	struct result result = {0};
	size_t heap;
	long resident;
	int go[2], descriptors, status, listener;
	uint64_t total = 0;
	double began, seconds;

	if (moat_supervisor_new(&supervisor, &options, &error) < 0 ||
	    moat_supervisor_handle(supervisor, "getpgid", answer_zero, NULL, &error) < 0)
		die("supervisor", &error);
	if (pipe(go) < 0)
		die("pipe", NULL);
	heap = mallinfo2().uordblks;
	resident = resident_bytes();
	descriptors = open_descriptors();
	for (int i = 0; i < count; i++) {
		bench->pids[i] = spawn(bench, i, go, &listener);
		if (moat_supervisor_add(supervisor, listener, bench->policy, bench->pids[i],
		                        &error) < 0)
			die("moat_supervisor_add", &error);
	}
	result.heap = (double)(mallinfo2().uordblks - heap) / count;
	result.resident = (double)(resident_bytes() - resident) / count;
	result.descriptors = (double)(open_descriptors() - descriptors) / count;
	if (moat_supervisor_start(supervisor, &error) < 0)
		die("moat_supervisor_start", &error);
	close(go[0]);
	getrusage(RUSAGE_SELF, &before);
	began = now();
	close(go[1]); /* everyone starts */
	for (int i = 0; i < count; i++) {
		if (wait4(bench->pids[i], &status, 0, &child) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			die("a sandbox failed", NULL);
		result.busy += cpu_seconds(&child);
		total += bench->counts[i];
	}
	seconds = now() - began;
	getrusage(RUSAGE_SELF, &after);
	result.busy = (result.busy + cpu_seconds(&after) - cpu_seconds(&before)) / seconds;
	result.rate = (double)total / seconds;
	moat_supervisor_free(supervisor);
	return result;
}

static void prepare(struct bench *bench, char *directory)
{
	struct moat_landlock_features features;
	struct moat_error error;
	struct rlimit files;
	char text[1024];
	int fd;

	/* A listener and a grant per sandbox: more than the usual soft limit of 1024. */
	if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
		files.rlim_cur = files.rlim_max;
		setrlimit(RLIMIT_NOFILE, &files);
	}
	if (!mkdtemp(directory))
		die("mkdtemp", NULL);
	snprintf(bench->file, sizeof(bench->file), "%s/file", directory);
	fd = open(bench->file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		die("creating the granted file", NULL);
	close(fd);
	snprintf(text, sizeof(text), policy_format, directory);
	if (moat_policy_load_string(&bench->policy, "scale.policy", text, strlen(text), NULL,
	                            &error) < 0)
		die("policy", &error);
	moat_landlock_probe(&features);
	if (moat_handoff_plan_build(&bench->plan, bench->policy, features.abi, &error) < 0)
		die("hand-off plan", &error);
	bench->counts = mmap(NULL, MAXIMUM_SANDBOXES * sizeof(uint64_t), PROT_READ | PROT_WRITE,
	                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (bench->counts == MAP_FAILED)
		die("mmap", NULL);
}

/* The CPUs this process may run on: how many threads the supervisor starts by default. */
static int cpus(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
}

static int parse(int argc, char **argv, struct bench *bench, int *counts)
{
	static const int defaults[] = {1, 10, 100, 1000};
	int first = 1, number = 0;

	if (argc > first && !strcmp(argv[first], "-o")) {
		bench->open = true;
		first++;
	}
	bench->seconds = argc > first ? atof(argv[first++]) : 1.0;
	for (int i = first; i < argc && number < MAXIMUM_COUNTS; i++)
		counts[number++] = atoi(argv[i]);
	if (number == 0) {
		memcpy(counts, defaults, sizeof(defaults));
		number = sizeof(defaults) / sizeof(*defaults);
	}
	for (int i = 0; i < number; i++) {
		if (counts[i] < 1 || counts[i] > MAXIMUM_SANDBOXES)
			return -1;
	}
	return bench->seconds > 0 ? number : -1;
}

int main(int argc, char **argv)
{
	static struct bench bench;
	char directory[] = "/tmp/moat-scale-XXXXXX";
	int counts[MAXIMUM_COUNTS], number = parse(argc, argv, &bench, counts);
	double single[2] = {0, 0};

	if (number < 0) {
		fprintf(stderr, "usage: scale [-o] [SECONDS [COUNT...]] (1 to %d sandboxes)\n",
		        MAXIMUM_SANDBOXES);
		return 2;
	}
	prepare(&bench, directory);
	printf("sandboxes,threads,calls_per_second,cpus_busy,heap_bytes_per_sandbox,"
	       "resident_bytes_per_sandbox,descriptors_per_sandbox\n");
	for (int i = 0; i < number; i++) {
		/* threads 0: one per CPU, the default; 1: a single serving thread */
		struct result many = run(&bench, counts[i], 0), one = run(&bench, counts[i], 1);

		if (i == 0) {
			single[0] = one.rate;
			single[1] = many.rate;
		}
		printf("%d,1,%.0f,%.2f,%.0f,%.0f,%.2f\n", counts[i], one.rate, one.busy, one.heap,
		       one.resident, one.descriptors);
		printf("%d,%d,%.0f,%.2f,%.0f,%.0f,%.2f\n", counts[i], cpus(), many.rate, many.busy,
		       many.heap, many.resident, many.descriptors);
		printf("# %d sandboxes: per-CPU threads / one thread %.2f; against %d sandbox(es): "
		       "one thread %.2f, per-CPU threads %.2f\n",
		       counts[i], many.rate / one.rate, counts[0], one.rate / single[0],
		       many.rate / single[1]);
		fflush(stdout);
	}
	unlink(bench.file);
	rmdir(directory);
	moat_handoff_plan_release(&bench.plan);
	moat_policy_free(bench.policy);
	return 0;
}
