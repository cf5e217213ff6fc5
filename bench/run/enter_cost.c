// SPDX-License-Identifier: MIT
/*
 * The cost of sandboxing a process from inside: moat_policy_load() of a
 * typical policy (seccomp + Landlock + limits), then moat_enter(), which
 * compiles the filter, opens the Landlock paths and applies every layer.
 * Each sample runs in a fresh child, since entering is irreversible.
 *
 *   enter_cost POLICY [SAMPLES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "moat.h"

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int compare(const void *left, const void *right)
{
	double a = *(const double *)left, b = *(const double *)right;

	return a < b ? -1 : a > b;
}

/* One child: load and enter, timings written to the pipe. */
static void sample(const char *path, int fd)
{
	const char *paths[] = {path};
	struct moat_error error;
	moat_policy *policy;
	double times[2], start = now_us();

	if (moat_policy_load(&policy, paths, 1, NULL, &error) < 0)
		_exit(1);
	times[0] = now_us() - start;
	start = now_us();
	if (moat_enter(policy, NULL, NULL, &error) < 0) {
		fprintf(stderr, "enter: %s\n", error.message);
		_exit(1);
	}
	times[1] = now_us() - start;
	if (write(fd, times, sizeof(times)) != sizeof(times))
		_exit(1);
	_exit(0);
}

int main(int argc, char **argv)
{
	int samples = argc > 2 ? atoi(argv[2]) : 200;
	double *load = calloc((size_t)samples, sizeof(double));
	double *enter = calloc((size_t)samples, sizeof(double));
	int fds[2], status;

	if (argc < 2 || !load || !enter || pipe(fds) < 0) {
		fprintf(stderr, "usage: enter_cost POLICY [SAMPLES]\n");
		return 2;
	}
	for (int i = 0; i < samples; i++) {
		double times[2];
		pid_t child = fork();

		if (child == 0)
			sample(argv[1], fds[1]);
		waitpid(child, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) ||
		    read(fds[0], times, sizeof(times)) != sizeof(times))
			return 1;
		load[i] = times[0];
		enter[i] = times[1];
	}
	qsort(load, (size_t)samples, sizeof(double), compare);
	qsort(enter, (size_t)samples, sizeof(double), compare);
	printf("%d samples, microseconds: load median %.1f p90 %.1f; enter (compile + apply) "
	       "median %.1f p90 %.1f; total median %.1f\n",
	       samples, load[samples / 2], load[samples * 9 / 10], enter[samples / 2],
	       enter[samples * 9 / 10], load[samples / 2] + enter[samples / 2]);
	return 0;
}
