/* SPDX-License-Identifier: MIT */
/* Timing helpers shared by the benchmark programs. */
#ifndef MOAT_BENCH_COMMON_H
#define MOAT_BENCH_COMMON_H

#include <stdlib.h>
#include <time.h>

static inline double bench_now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static inline int bench_compare(const void *left, const void *right)
{
	double a = *(const double *)left, b = *(const double *)right;

	return a < b ? -1 : a > b;
}

/* Sorts the samples; returns the value at `fraction` (0.5: the median). */
static inline double bench_quantile(double *samples, int count, double fraction)
{
	qsort(samples, (size_t)count, sizeof(double), bench_compare);
	return samples[(int)(fraction * (count - 1))];
}

#endif /* MOAT_BENCH_COMMON_H */
