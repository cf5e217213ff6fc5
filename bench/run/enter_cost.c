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
#include <unistd.h>

#include "../common.h"
#include "moat.h"

/* One child: load and enter, timings written to the pipe. */
static void sample(const char *path, int fd)
{
	const char *paths[] = {path};
	struct moat_error error;
	moat_policy *policy;
	double times[2], start = bench_now_us();

	if (moat_policy_load(&policy, paths, 1, NULL, &error) < 0)
		_exit(1);
	times[0] = bench_now_us() - start;
	start = bench_now_us();
	if (moat_enter(policy, NULL, NULL, &error) < 0) {
		fprintf(stderr, "enter: %s\n", error.message);
		_exit(1);
	}
	times[1] = bench_now_us() - start;
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
	printf("%d samples, microseconds: load median %.1f p90 %.1f; enter (compile + apply) "
	       "median %.1f p90 %.1f; total median %.1f\n",
	       samples, bench_quantile(load, samples, 0.5), bench_quantile(load, samples, 0.9),
	       bench_quantile(enter, samples, 0.5), bench_quantile(enter, samples, 0.9),
	       bench_quantile(load, samples, 0.5) + bench_quantile(enter, samples, 0.5));
	return 0;
}
