// SPDX-License-Identifier: MIT
/*
 * The cost of calls a policy allows, for bench/report/run.sh: run inside
 * `moat run` with and without denial reports, it prints nanoseconds per
 * call for a syscall allowed outright (getppid) and for one allowed on a
 * condition the filter must check (fcntl F_GETFD, in @stdio on `arg1`).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec time;

	clock_gettime(CLOCK_MONOTONIC, &time);
	return (double)time.tv_sec * 1e9 + (double)time.tv_nsec;
}

static double per_call(long number, long argument0, long argument1, long count)
{
	double start = now();

	for (long i = 0; i < count; i++)
		syscall(number, argument0, argument1);
	return (now() - start) / (double)count;
}

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 1000000;

	per_call(SYS_getppid, 0, 0, count / 10); /* warm up */
	printf("getppid %.1f ns\n", per_call(SYS_getppid, 0, 0, count));
	printf("fcntl-F_GETFD %.1f ns\n", per_call(SYS_fcntl, 0, F_GETFD, count));
	return 0;
}
