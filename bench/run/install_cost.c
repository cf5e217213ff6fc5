// SPDX-License-Identifier: MIT
/*
 * install_cost ROUNDS: what the kernel charges for the sandbox steps that
 * cost the most at start-up, each in a fresh child and timed around the
 * one call, as the median of ROUNDS children: installing a seccomp filter
 * of 60 and of 300 instructions (the kernel checks it, converts it to eBPF
 * and JIT-compiles it), entering a Landlock domain, and dropping the 41
 * capabilities of the bounding set one by one. docs/performance.md reads
 * these against `moat run`, which installs two filters when the hand-off
 * of its listener must come between them.
 */
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common.h"

#define MAX_ROUNDS     1000
#define LONGEST_FILTER 300
#define CAPABILITIES   41

enum step { FILTER_60, FILTER_300, LANDLOCK, BOUNDING_SET, STEP_COUNT };

static const char *const step_names[STEP_COUNT] = {
        "seccomp filter of 60 instructions",
        "seccomp filter of 300 instructions",
        "Landlock domain (one handled right, no rule)",
        "41 capabilities dropped from the bounding set",
};

/* Loads the syscall number length - 1 times, then allows: the kernel's work grows with it. */
static int install_filter(unsigned short length)
{
	struct sock_filter program[LONGEST_FILTER];
	struct sock_fprog filter = {length, program};

	for (unsigned short i = 0; i + 1 < length; i++)
		program[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0);
	program[length - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &filter);
}

static int enter_landlock(void)
{
	struct landlock_ruleset_attr attributes = {.handled_access_fs = LANDLOCK_ACCESS_FS_EXECUTE};
	int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attributes, sizeof(attributes), 0);

	if (ruleset < 0)
		return -1;
	return (int)syscall(SYS_landlock_restrict_self, ruleset, 0);
}

static int drop_bounding_set(void)
{
	for (int capability = 0; capability < CAPABILITIES; capability++) {
		if (prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) < 0)
			return -1;
	}
	return 0;
}

static int run_step(enum step step)
{
	switch (step) {
	case FILTER_60:
		return install_filter(60);
	case FILTER_300:
		return install_filter(300);
	case LANDLOCK:
		return enter_landlock();
	default:
		return drop_bounding_set();
	}
}

/* Microseconds the step took in a fresh child; -1 when the kernel refused it. */
static double time_step(enum step step)
{
	int pipe_fds[2];
	double elapsed = -1;
	pid_t child;

	if (pipe(pipe_fds) < 0)
		return -1;
	child = fork();
	if (child == 0) {
		double start;

		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		start = bench_now_us();
		elapsed = run_step(step) < 0 ? -1 : bench_now_us() - start;
		_exit(write(pipe_fds[1], &elapsed, sizeof(elapsed)) == sizeof(elapsed) ? 0 : 1);
	}
	close(pipe_fds[1]);
	if (child < 0 || read(pipe_fds[0], &elapsed, sizeof(elapsed)) != sizeof(elapsed))
		elapsed = -1;
	close(pipe_fds[0]);
	if (child > 0)
		waitpid(child, NULL, 0);
	return elapsed;
}

int main(int argc, char **argv)
{
	static double samples[STEP_COUNT][MAX_ROUNDS];
	int rounds = argc > 1 ? atoi(argv[1]) : 100;

	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: install_cost [ROUNDS, 1..%d]\n", MAX_ROUNDS);
		return 2;
	}
	for (int i = 0; i < rounds; i++) {
		for (int step = 0; step < STEP_COUNT; step++)
			samples[step][i] = time_step((enum step)step);
	}
	for (int step = 0; step < STEP_COUNT; step++) {
		if (samples[step][0] < 0)
			printf("%s: refused by this kernel\n", step_names[step]);
		else
			printf("%s: median %.0f us\n", step_names[step],
			       bench_quantile(samples[step], rounds, 0.5));
	}
	return 0;
}
