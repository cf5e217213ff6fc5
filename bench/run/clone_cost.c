// SPDX-License-Identifier: MIT
/*
 * clone_cost COUNT: what it costs to start /bin/true from a process that,
 * like moat after loading a policy, has a few MiB of heap in use, three
 * ways: fork + execve (a copy of the address space, as moat's set-up child
 * is made today), posix_spawn (glibc's CLONE_VM | CLONE_VFORK: no copy),
 * and fork, then fork + execve in that child (moat's set-up child and the
 * PID namespace's init forking the program). Interleaved, medians, ratios
 * to posix_spawn. docs/performance.md reads these against `moat run`.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common.h"

#define HEAP_BYTES (4 << 20)

extern char **environ;

static char *const program[] = {"/bin/true", NULL};

static void run_program(void)
{
	execve(program[0], program, environ);
	_exit(127);
}

static double fork_and_exec(void)
{
	double start = bench_now_us();
	pid_t child = fork();

	if (child == 0)
		run_program();
	waitpid(child, NULL, 0);
	return bench_now_us() - start;
}

static double spawn(void)
{
	double start = bench_now_us();
	pid_t child;

	if (posix_spawn(&child, program[0], NULL, NULL, program, environ) == 0)
		waitpid(child, NULL, 0);
	return bench_now_us() - start;
}

static double fork_then_fork_and_exec(void)
{
	double start = bench_now_us();
	pid_t child = fork();

	if (child == 0) {
		pid_t grandchild = fork();

		if (grandchild == 0)
			run_program();
		waitpid(grandchild, NULL, 0);
		_exit(0);
	}
	waitpid(child, NULL, 0);
	return bench_now_us() - start;
}

int main(int argc, char **argv)
{
	int count = argc == 2 ? atoi(argv[1]) : 0;
	double *forked, *spawned, *twice, spawn_median, fork_median, twice_median;
	char *heap = malloc(HEAP_BYTES);

	if (count <= 0 || !heap) {
		fprintf(stderr, "usage: clone_cost COUNT\n");
		return 2;
	}
	for (int i = 0; i < HEAP_BYTES; i += 4096)
		heap[i] = 1; /* pages in use, so that a fork has them to copy */
	forked = calloc((size_t)count, sizeof(double));
	spawned = calloc((size_t)count, sizeof(double));
	twice = calloc((size_t)count, sizeof(double));
	if (!forked || !spawned || !twice)
		return 1;
	for (int i = 0; i < count; i++) {
		forked[i] = fork_and_exec();
		spawned[i] = spawn();
		twice[i] = fork_then_fork_and_exec();
	}
	spawn_median = bench_quantile(spawned, count, 0.5);
	fork_median = bench_quantile(forked, count, 0.5);
	twice_median = bench_quantile(twice, count, 0.5);
	printf("%d samples, microseconds: posix_spawn+wait median %.0f; fork+execve+wait %.0f "
	       "(%.2fx); fork, then fork+execve in the child %.0f (%.2fx)\n",
	       count, spawn_median, fork_median, fork_median / spawn_median, twice_median,
	       twice_median / spawn_median);
	free(forked);
	free(spawned);
	free(twice);
	free(heap);
	return 0;
}
