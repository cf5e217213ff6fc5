// SPDX-License-Identifier: MIT
/*
 * Benchmarks of moat's seccomp filters, next to libseccomp's for the same
 * rules (bench/seccomp/run.sh runs them all and docs/performance.md has the
 * results):
 *
 *   seccomp_bench paths      BPF instructions executed per syscall (worst and
 *                            median over every native syscall) for policies
 *                            of 10, 100 and 300 rules
 *   seccomp_bench compile    time to load and compile a 300-syscall policy
 *   seccomp_bench getppid    cost of one allowed getppid() under no filter, an
 *                            allow-everything filter, moat's and libseccomp's
 */
#include <errno.h>
#include <stdbool.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "moat.h"
#include "seccomp/interpreter.h"
#include "syscalls/syscalls.h"

#define MAX_SYSCALLS 600
#define SEED         0x6d6f6174U

/* A policy of `count` rules: unconditional allows of random syscalls (getppid among them). */
struct rules {
	int numbers[MAX_SYSCALLS];
	size_t count;
	size_t conditional; /* the first `conditional` rules compare arg0 */
};

static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static int compare_ints(const void *a, const void *b)
{
	return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/*
 * `count` random syscalls with `first` among them; the first `conditional`
 * rules (`first` included) get a condition on arg0, so they take arguments.
 */
static void choose_rules(struct rules *rules, size_t count, size_t conditional, int first)
{
	int all[MAX_SYSCALLS];
	bool used[MAX_SYSCALLS] = {false};
	size_t known = 0, filled = 1;
	uint64_t state = SEED + count;

	for (int n = moat_syscall_next(-1); n >= 0 && known < MAX_SYSCALLS;
	     n = moat_syscall_next(n))
		if (n != SYS_getppid && n != SYS_getpgid && n != SYS_clone3)
			all[known++] = n;
	for (size_t i = known - 1; i > 0; i--) {
		size_t j = next_random(&state) % (i + 1);
		int swap = all[i];

		all[i] = all[j];
		all[j] = swap;
	}
	rules->count = count;
	rules->conditional = conditional;
	rules->numbers[0] = first;
	for (size_t i = 0; i < known && filled < conditional; i++) {
		if (moat_syscall_argument_count(all[i]) >= 1) {
			rules->numbers[filled++] = all[i];
			used[i] = true;
		}
	}
	for (size_t i = 0; i < known && filled < count; i++) {
		if (!used[i])
			rules->numbers[filled++] = all[i];
	}
	qsort(rules->numbers, conditional, sizeof(int), compare_ints);
	qsort(rules->numbers + conditional, count - conditional, sizeof(int), compare_ints);
}

static char *policy_text(const struct rules *rules)
{
	size_t size = 64 + 96 * rules->count, length;
	char *text = malloc(size);

	length = (size_t)snprintf(text, size, "moat 1\n[syscalls]\ndefault errno EPERM\n");
	for (size_t i = 0; i < rules->count; i++) {
		const char *name = moat_syscall_name(rules->numbers[i]);

		if (i < rules->conditional)
			length += (size_t)snprintf(text + length, size - length,
			                           "allow %s if arg0 == 0 || arg0 == 3\n", name);
		else
			length +=
			        (size_t)snprintf(text + length, size - length, "allow %s\n", name);
	}
	return text;
}

static moat_filter *moat_compile(const struct rules *rules)
{
	char *text = policy_text(rules);
	struct moat_error error = {0};
	moat_policy *policy = NULL;
	moat_filter *filter = NULL;

	if (moat_policy_load_string(&policy, "bench.policy", text, strlen(text), NULL, &error) <
	            0 ||
	    moat_filter_compile(&filter, policy, &error) < 0) {
		fprintf(stderr, "moat: %s:%u: %s\n", error.file, error.line, error.message);
		exit(1);
	}
	moat_policy_free(policy);
	free(text);
	return filter;
}

/* The same rules for libseccomp, clone3 -> ENOSYS as moat's resolver adds it. */
static scmp_filter_ctx libseccomp_context(const struct rules *rules, int optimize)
{
	scmp_filter_ctx context = seccomp_init(SCMP_ACT_ERRNO(EPERM));

	seccomp_attr_set(context, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (optimize)
		seccomp_attr_set(context, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (size_t i = 0; i < rules->count; i++) {
		int rc;

		if (i < rules->conditional)
			rc = seccomp_rule_add_exact(context, SCMP_ACT_ALLOW, rules->numbers[i], 1,
			                            SCMP_A0(SCMP_CMP_EQ, 0)) ||
			     seccomp_rule_add_exact(context, SCMP_ACT_ALLOW, rules->numbers[i], 1,
			                            SCMP_A0(SCMP_CMP_EQ, 3));
		else
			rc = seccomp_rule_add_exact(context, SCMP_ACT_ALLOW, rules->numbers[i], 0);
		if (rc) {
			fprintf(stderr, "libseccomp refused syscall %d: %d\n", rules->numbers[i],
			        rc);
			exit(1);
		}
	}
	seccomp_rule_add_exact(context, SCMP_ACT_ERRNO(ENOSYS), SYS_clone3, 0);
	return context;
}

static size_t libseccomp_program(scmp_filter_ctx context, struct sock_filter *program,
                                 size_t capacity)
{
	int fd = memfd_create("libseccomp", MFD_CLOEXEC);
	ssize_t size;

	if (fd < 0 || seccomp_export_bpf(context, fd) < 0)
		exit(1);
	size = pread(fd, program, capacity * sizeof(*program), 0);
	close(fd);
	return size > 0 ? (size_t)size / sizeof(*program) : 0;
}

/* ---- paths ------------------------------------------------------------ */

struct path_lengths {
	size_t length, worst, median;
};

static struct path_lengths measure_paths(const struct sock_filter *program, size_t length)
{
	int executed[MAX_SYSCALLS];
	size_t count = 0;
	struct path_lengths result = {.length = length};

	for (int n = moat_syscall_next(-1); n >= 0 && count < MAX_SYSCALLS;
	     n = moat_syscall_next(n)) {
		struct seccomp_data data = {.nr = n, .arch = AUDIT_ARCH_X86_64};
		uint32_t value;
		size_t steps;

		if (moat_bpf_run(program, length, &data, &value, &steps) < 0)
			exit(1);
		executed[count++] = (int)steps;
	}
	qsort(executed, count, sizeof(int), compare_ints);
	result.worst = (size_t)executed[count - 1];
	result.median = (size_t)executed[count / 2];
	return result;
}

static unsigned ceil_log2(size_t n)
{
	unsigned bits = 0;

	while (((size_t)1 << bits) < n)
		bits++;
	return bits;
}

static void bench_paths(void)
{
	static const size_t sizes[] = {10, 100, 300};
	static struct sock_filter program[8192];

	printf("| rules | ceil(log2) | moat: length, worst, median | libseccomp: length, worst, "
	       "median | "
	       "libseccomp tree: length, worst, median |\n");
	printf("| --- | --- | --- | --- | --- |\n");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct rules rules;
		moat_filter *filter;
		struct path_lengths moat, plain, tree;
		scmp_filter_ctx context;

		choose_rules(&rules, sizes[i], 0, SYS_getppid);
		filter = moat_compile(&rules);
		moat = measure_paths(moat_filter_instructions(filter), moat_filter_length(filter));
		context = libseccomp_context(&rules, 0);
		plain = measure_paths(program, libseccomp_program(context, program, 8192));
		seccomp_release(context);
		context = libseccomp_context(&rules, 1);
		tree = measure_paths(program, libseccomp_program(context, program, 8192));
		seccomp_release(context);
		printf("| %zu | %u | %zu, %zu, %zu | %zu, %zu, %zu | %zu, %zu, %zu |\n", sizes[i],
		       ceil_log2(sizes[i]), moat.length, moat.worst, moat.median, plain.length,
		       plain.worst, plain.median, tree.length, tree.worst, tree.median);
		moat_filter_free(filter);
	}
}

/* ---- compile time ------------------------------------------------------- */

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int compare_doubles(const void *a, const void *b)
{
	return (*(const double *)a > *(const double *)b) -
	       (*(const double *)a < *(const double *)b);
}

#define COMPILE_RUNS 200

static void bench_compile(void)
{
	static struct sock_filter program[8192];
	double load[COMPILE_RUNS], compile[COMPILE_RUNS], libseccomp[COMPILE_RUNS];
	struct rules rules;
	char *text;
	size_t length = 0;

	choose_rules(&rules, 300, 50, SYS_getpgid);
	text = policy_text(&rules);
	for (int run = 0; run < COMPILE_RUNS; run++) {
		moat_policy *policy = NULL;
		moat_filter *filter = NULL;
		struct moat_error error = {0};
		scmp_filter_ctx context;
		double start = now(), loaded, compiled;

		if (moat_policy_load_string(&policy, "bench.policy", text, strlen(text), NULL,
		                            &error) < 0) {
			fprintf(stderr, "moat: %s:%u: %s\n", error.file, error.line, error.message);
			exit(1);
		}
		loaded = now();
		if (moat_filter_compile(&filter, policy, NULL) < 0)
			exit(1);
		compiled = now();
		length = moat_filter_length(filter);
		load[run] = (loaded - start) * 1e6;
		compile[run] = (compiled - loaded) * 1e6;
		moat_filter_free(filter);
		moat_policy_free(policy);
		start = now();
		context = libseccomp_context(&rules, 0);
		libseccomp_program(context, program, 8192);
		seccomp_release(context);
		libseccomp[run] = (now() - start) * 1e6;
	}
	qsort(load, COMPILE_RUNS, sizeof(double), compare_doubles);
	qsort(compile, COMPILE_RUNS, sizeof(double), compare_doubles);
	qsort(libseccomp, COMPILE_RUNS, sizeof(double), compare_doubles);
	printf("300 syscalls (50 with a condition on arg0), %zu instructions, median of %d runs:\n",
	       length, COMPILE_RUNS);
	printf("| step | median |\n| --- | --- |\n");
	printf("| moat: parse, check and resolve the policy text | %.0f us |\n",
	       load[COMPILE_RUNS / 2]);
	printf("| moat: generate the BPF (moat_filter_compile) | %.0f us |\n",
	       compile[COMPILE_RUNS / 2]);
	printf("| libseccomp: the same rules, seccomp_init to seccomp_export_bpf | %.0f us |\n",
	       libseccomp[COMPILE_RUNS / 2]);
	free(text);
}

/* ---- cost of an allowed getppid() ----------------------------------------- */

#define CALLS 1000000
#define RUNS  21

struct setup {
	const char *name;
	const struct sock_filter *program; /* NULL: no filter */
	size_t length;
	long number; /* the syscall timed, called with arg0 = 0 */
};

static void install(const struct setup *setup)
{
	struct sock_fprog fprog = {(unsigned short)setup->length,
	                           (struct sock_filter *)setup->program};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0) {
		perror("seccomp");
		_exit(1);
	}
}

/* ns per call in a child that installed the setup's filter, reported through a pipe. */
static double time_calls(const struct setup *setup)
{
	int fds[2];
	double result = 0;
	pid_t pid;

	if (pipe(fds) < 0 || (pid = fork()) < 0)
		exit(1);
	if (pid == 0) {
		cpu_set_t last_cpu;
		double start, elapsed;

		/* Every run on the same CPU: no migration in the middle of a loop. */
		CPU_ZERO(&last_cpu);
		CPU_SET(sysconf(_SC_NPROCESSORS_ONLN) - 1, &last_cpu);
		sched_setaffinity(0, sizeof(last_cpu), &last_cpu);
		if (setup->program)
			install(setup);
		for (int i = 0; i < CALLS / 10; i++)
			syscall(setup->number, 0);
		start = now();
		for (int i = 0; i < CALLS; i++)
			syscall(setup->number, 0);
		elapsed = (now() - start) * 1e9 / CALLS;
		_exit(write(fds[1], &elapsed, sizeof(elapsed)) == sizeof(elapsed) ? 0 : 1);
	}
	close(fds[1]);
	if (read(fds[0], &result, sizeof(result)) != sizeof(result))
		exit(1);
	close(fds[0]);
	waitpid(pid, NULL, 0);
	return result;
}

/*
 * Times every setup RUNS times, interleaved so that a noisy moment hits them
 * all; prints the median and the best run against setups[reference].
 */
static void time_setups(const struct setup *setups, size_t count, size_t reference)
{
	double samples[8][RUNS], median[8], best[8];

	for (int run = 0; run < RUNS; run++) {
		for (size_t s = 0; s < count; s++)
			samples[s][run] = time_calls(&setups[s]);
	}
	for (size_t s = 0; s < count; s++) {
		qsort(samples[s], RUNS, sizeof(double), compare_doubles);
		median[s] = samples[s][RUNS / 2];
		best[s] = samples[s][0];
	}
	printf("| filter | ns per call, median | vs %s | best run | vs %s |\n"
	       "| --- | --- | --- | --- | --- |\n",
	       setups[reference].name, setups[reference].name);
	for (size_t s = 0; s < count; s++)
		printf("| %s | %.1f | %+.1f%% | %.1f | %+.1f%% |\n", setups[s].name, median[s],
		       100.0 * (median[s] / median[reference] - 1.0), best[s],
		       100.0 * (best[s] / best[reference] - 1.0));
}

static void bench_getppid(void)
{
	static const struct sock_filter allow_all[] = {
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
	static struct sock_filter libseccomp[8192];
	struct rules rules;
	moat_filter *moat, *unconditional, *conditional;
	scmp_filter_ctx context;
	size_t libseccomp_length;

	choose_rules(&rules, 300, 0, SYS_getppid);
	moat = moat_compile(&rules);
	context = libseccomp_context(&rules, 0);
	libseccomp_length = libseccomp_program(context, libseccomp, 8192);
	seccomp_release(context);
	{
		const struct setup setups[] = {
		        {"no filter", NULL, 0, SYS_getppid},
		        {"allow-everything filter", allow_all, 1, SYS_getppid},
		        {"moat, 300 rules", moat_filter_instructions(moat),
		         moat_filter_length(moat), SYS_getppid},
		        {"libseccomp, the same 300 rules", libseccomp, libseccomp_length,
		         SYS_getppid},
		};

		printf("getppid(), %d calls per run, %d runs of each (interleaved):\n\n", CALLS,
		       RUNS);
		time_setups(setups, sizeof(setups) / sizeof(setups[0]), 1);
	}
	/* What the kernel's action cache buys: the same call with and without a condition. */
	choose_rules(&rules, 300, 0, SYS_getpgid);
	unconditional = moat_compile(&rules);
	choose_rules(&rules, 300, 1, SYS_getpgid);
	conditional = moat_compile(&rules);
	{
		const struct setup setups[] = {
		        {"allow-everything filter", allow_all, 1, SYS_getpgid},
		        {"moat, 300 rules, `allow getpgid`",
		         moat_filter_instructions(unconditional), moat_filter_length(unconditional),
		         SYS_getpgid},
		        {"moat, 300 rules, `allow getpgid if arg0 == 0 || arg0 == 3` (filter runs)",
		         moat_filter_instructions(conditional), moat_filter_length(conditional),
		         SYS_getpgid},
		};

		printf("\ngetpgid(0), the action cache at work:\n\n");
		time_setups(setups, sizeof(setups) / sizeof(setups[0]), 0);
	}
	moat_filter_free(moat);
	moat_filter_free(unconditional);
	moat_filter_free(conditional);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "paths"))
		bench_paths();
	else if (argc == 2 && !strcmp(argv[1], "compile"))
		bench_compile();
	else if (argc == 2 && !strcmp(argv[1], "getppid"))
		bench_getppid();
	else {
		fprintf(stderr, "usage: seccomp_bench paths|compile|getppid\n");
		return 2;
	}
	return 0;
}
