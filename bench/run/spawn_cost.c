// SPDX-License-Identifier: MIT
/*
 * What moat_spawn() adds to starting a program: /bin/true started with
 * posix_spawn() against moat_spawn() under a typical policy, from the same
 * process, so neither pays for loading a program of its own.
 *
 *   spawn_cost POLICY [SAMPLES]
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "../common.h"
#include "moat.h"

extern char **environ;

int main(int argc, char **argv)
{
	int samples = argc > 2 ? atoi(argv[2]) : 300;
	char *program[] = {"/bin/true", NULL};
	double *bare = calloc((size_t)samples, sizeof(double));
	double *sandboxed = calloc((size_t)samples, sizeof(double));
	const char *paths[1];
	struct moat_error error;
	moat_policy *policy;

	if (argc < 2 || !bare || !sandboxed) {
		fprintf(stderr, "usage: spawn_cost POLICY [SAMPLES]\n");
		return 2;
	}
	paths[0] = argv[1];
	if (moat_policy_load(&policy, paths, 1, NULL, &error) < 0) {
		fprintf(stderr, "%s\n", error.message);
		return 1;
	}
	for (int i = 0; i < samples; i++) {
		double start = bench_now_us();
		moat_child *child;
		pid_t pid;
		int status;

		if (posix_spawn(&pid, program[0], NULL, NULL, program, environ) != 0 ||
		    waitpid(pid, &status, 0) < 0)
			return 1;
		bare[i] = bench_now_us() - start;
		start = bench_now_us();
		if (moat_spawn(&child, policy, program[0], program, NULL, &error) < 0) {
			fprintf(stderr, "%s\n", error.message);
			return 1;
		}
		moat_child_wait(child, &status);
		moat_child_free(child);
		sandboxed[i] = bench_now_us() - start;
	}
	printf("%d samples, microseconds: posix_spawn+wait median %.0f; moat_spawn+wait median "
	       "%.0f; "
	       "added %.0f\n",
	       samples, bench_quantile(bare, samples, 0.5), bench_quantile(sandboxed, samples, 0.5),
	       bench_quantile(sandboxed, samples, 0.5) - bench_quantile(bare, samples, 0.5));
	moat_policy_free(policy);
	return 0;
}
