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
#include <fcntl.h>
#include <malloc.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"

#define MAXIMUM_SANDBOXES 4096
#define MAXIMUM_COUNTS    16

struct bench {
	struct bench_grant grant;
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

static long resident_bytes(void)
{
	char line[256];
	long kib = -1;
	FILE *status = fopen("/proc/self/status", "re");

	if (!status)
		bench_die("/proc/self/status", NULL);
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

struct sandbox_work {
	const struct bench *bench;
	int index;
};

/* In a sandbox: waits for the start, then calls for `seconds`. */
static void work(void *context, int go)
{
	const struct sandbox_work *sandbox = context;
	const struct bench *bench = sandbox->bench;
	double end;
	uint64_t count = 0;
	char byte;

	if (read(go, &byte, 1) != 0)
		_exit(2);
	end = now() + bench->seconds;
	while (now() < end) {
		for (int i = 0; i < 16; i++) {
			if (bench->open) {
				int fd = openat(AT_FDCWD, bench->grant.file, O_RDONLY);

				if (fd < 0)
					_exit(3);
				close(fd);
			} else if (syscall(SYS_getpgid, 0) != 0) {
				_exit(3);
			}
		}
		count += 16;
	}
	bench->counts[sandbox->index] = count;
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
	    moat_supervisor_handle(supervisor, "getpgid", bench_answer_zero, NULL, &error) < 0)
		bench_die("supervisor", &error);
	if (pipe(go) < 0)
		bench_die("pipe", NULL);
	heap = mallinfo2().uordblks;
	resident = resident_bytes();
	descriptors = open_descriptors();
	for (int i = 0; i < count; i++) {
		struct sandbox_work sandbox = {bench, i};

		bench->pids[i] = bench_sandbox_spawn(&bench->grant, go, work, &sandbox, &listener);
		if (moat_supervisor_add(supervisor, listener, bench->grant.policy, bench->pids[i],
		                        &error) < 0)
			bench_die("moat_supervisor_add", &error);
	}
	result.heap = (double)(mallinfo2().uordblks - heap) / count;
	result.resident = (double)(resident_bytes() - resident) / count;
	result.descriptors = (double)(open_descriptors() - descriptors) / count;
	if (moat_supervisor_start(supervisor, &error) < 0)
		bench_die("moat_supervisor_start", &error);
	close(go[0]);
	getrusage(RUSAGE_SELF, &before);
	began = now();
	close(go[1]); /* everyone starts */
	for (int i = 0; i < count; i++) {
		if (wait4(bench->pids[i], &status, 0, &child) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			bench_die("a sandbox failed", NULL);
		result.busy += bench_cpu_seconds(&child);
		total += bench->counts[i];
	}
	seconds = now() - began;
	getrusage(RUSAGE_SELF, &after);
	result.busy =
	        (result.busy + bench_cpu_seconds(&after) - bench_cpu_seconds(&before)) / seconds;
	result.rate = (double)total / seconds;
	moat_supervisor_free(supervisor);
	return result;
}

static void prepare(struct bench *bench)
{
	struct rlimit files;

	/* A listener and a grant per sandbox: more than the usual soft limit of 1024. */
	if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
		files.rlim_cur = files.rlim_max;
		setrlimit(RLIMIT_NOFILE, &files);
	}
	bench_grant_prepare(&bench->grant, "/tmp/moat-scale-XXXXXX", "scale.policy");
	bench->counts = bench_shared(MAXIMUM_SANDBOXES * sizeof(uint64_t));
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
	int counts[MAXIMUM_COUNTS], number = parse(argc, argv, &bench, counts);
	double single[2] = {0, 0};

	if (number < 0) {
		fprintf(stderr, "usage: scale [-o] [SECONDS [COUNT...]] (1 to %d sandboxes)\n",
		        MAXIMUM_SANDBOXES);
		return 2;
	}
	prepare(&bench);
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
	bench_grant_release(&bench.grant);
	return 0;
}
