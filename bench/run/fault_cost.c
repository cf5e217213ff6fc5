// SPDX-License-Identifier: MIT
/*
 * fault_cost ROUNDS: what this machine charges for the three things a
 * start-up is made of besides computing, each per page or per call, as the
 * median of ROUNDS rounds: a page fault on first touch of fresh anonymous
 * memory, the same pages made present by one madvise(MADV_POPULATE_WRITE),
 * and a system call (getppid). On bare metal a fault costs about half a
 * microsecond; in a VM whose page tables the hypervisor shadows it can cost
 * twenty times that, which is why `moat` populates its heap (tools/moat/main.c)
 * and why docs/performance.md counts faults.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define PAGES      512
#define CALLS      10000
#define MAX_ROUNDS 1000

static char *map_pages(size_t size)
{
	char *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	/* Small pages only: a transparent huge page would make one fault of 512. */
	if (memory != MAP_FAILED)
		madvise(memory, size, MADV_NOHUGEPAGE);
	return memory == MAP_FAILED ? NULL : memory;
}

static double touch_each_page(long page)
{
	size_t size = (size_t)PAGES * (size_t)page;
	char *memory = map_pages(size);
	double start, elapsed;

	if (!memory)
		return -1;
	start = bench_now_us();
	for (size_t i = 0; i < size; i += (size_t)page)
		memory[i] = 1;
	elapsed = bench_now_us() - start;
	munmap(memory, size);
	return elapsed / PAGES;
}

static double populate_pages(long page)
{
	size_t size = (size_t)PAGES * (size_t)page;
	char *memory = map_pages(size);
	double start, elapsed;
	int result;

	if (!memory)
		return -1;
	start = bench_now_us();
	result = madvise(memory, size, MADV_POPULATE_WRITE);
	elapsed = bench_now_us() - start;
	munmap(memory, size);
	return result < 0 ? -1 : elapsed / PAGES;
}

static double system_call(void)
{
	double start = bench_now_us();

	for (int i = 0; i < CALLS; i++)
		syscall(SYS_getppid);
	return (bench_now_us() - start) / CALLS;
}

int main(int argc, char **argv)
{
	static double faults[MAX_ROUNDS], populated[MAX_ROUNDS], calls[MAX_ROUNDS];
	int rounds = argc > 1 ? atoi(argv[1]) : 50;
	long page = sysconf(_SC_PAGESIZE);

	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: fault_cost [ROUNDS, 1..%d]\n", MAX_ROUNDS);
		return 2;
	}
	for (int i = 0; i < rounds; i++) {
		faults[i] = touch_each_page(page);
		populated[i] = populate_pages(page);
		calls[i] = system_call();
	}
	printf("page fault on first touch: %.2f us a page\n", bench_quantile(faults, rounds, 0.5));
	if (populated[0] < 0)
		printf("madvise(MADV_POPULATE_WRITE): not supported by this kernel\n");
	else
		printf("madvise(MADV_POPULATE_WRITE): %.2f us a page (%.1fx cheaper)\n",
		       bench_quantile(populated, rounds, 0.5),
		       bench_quantile(faults, rounds, 0.5) /
		               bench_quantile(populated, rounds, 0.5));
	printf("system call (getppid): %.2f us\n", bench_quantile(calls, rounds, 0.5));
	return 0;
}
