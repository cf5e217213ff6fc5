/* SPDX-License-Identifier: MIT */
/*
 * What the supervisor benchmarks share: a policy that notifies getpgid and
 * brokers reads of one granted file, its hand-off plan, and sandboxes made
 * the way moat_spawn() makes them (moat_handoff_child() in a forked child)
 * whose listeners come back to this process. A failure ends the program.
 */
#ifndef MOAT_BENCH_SUPERVISE_SANDBOX_H
#define MOAT_BENCH_SUPERVISE_SANDBOX_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock/landlock.h"
#include "moat.h"
#include "supervise/handoff.h"

struct bench_grant {
	char directory[64];
	char file[512]; /* the granted file, DIRECTORY/file */
	moat_policy *policy;
	struct moat_handoff_plan plan;
};

/* Prints "PROGRAM: WHAT: why" (the error's message, else errno's) and exits 1. */
static inline void bench_die(const char *what, const struct moat_error *error)
{
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what,
	        error ? error->message : strerror(errno));
	exit(1);
}

/* The handler of getpgid: a bare notify round trip. */
static inline int bench_answer_zero(const struct moat_notification *notification,
                                    moat_memory *memory, struct moat_reply *reply, void *context)
{
	(void)notification;
	(void)memory;
	(void)context;
	reply->kind = MOAT_REPLY_VALUE;
	reply->value = 0;
	return 0;
}

static inline double bench_cpu_seconds(const struct rusage *usage)
{
	return (double)usage->ru_utime.tv_sec + (double)usage->ru_utime.tv_usec / 1e6 +
	       (double)usage->ru_stime.tv_sec + (double)usage->ru_stime.tv_usec / 1e6;
}

/* Memory shared with the sandboxes (they write their counts and samples there). */
static inline void *bench_shared(size_t size)
{
	void *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (memory == MAP_FAILED)
		bench_die("mmap", NULL);
	return memory;
}

/*
 * Makes a directory from `template` (mkdtemp) with an empty granted file,
 * loads the policy (named `name` in its messages) and builds its plan.
 */
static inline void bench_grant_prepare(struct bench_grant *grant, const char *template,
                                       const char *name)
{
	static const char policy_format[] = "moat 1\n"
	                                    "[syscalls]\n"
	                                    "default allow\n"
	                                    "notify openat getpgid\n"
	                                    "[broker]\n"
	                                    "open read %s\n";
	struct moat_landlock_features features;
	struct moat_error error;
	char text[1024];
	int fd;

	snprintf(grant->directory, sizeof(grant->directory), "%s", template);
	if (!mkdtemp(grant->directory))
		bench_die("mkdtemp", NULL);
	snprintf(grant->file, sizeof(grant->file), "%s/file", grant->directory);
	fd = open(grant->file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		bench_die("creating the granted file", NULL);
	close(fd);
	snprintf(text, sizeof(text), policy_format, grant->directory);
	if (moat_policy_load_string(&grant->policy, name, text, strlen(text), NULL, &error) < 0)
		bench_die("policy", &error);
	moat_landlock_probe(&features);
	if (moat_handoff_plan_build(&grant->plan, grant->policy, features.abi, &error) < 0)
		bench_die("hand-off plan", &error);
}

static inline void bench_grant_release(struct bench_grant *grant)
{
	unlink(grant->file);
	rmdir(grant->directory);
	moat_handoff_plan_release(&grant->plan);
	moat_policy_free(grant->policy);
}

/* What a sandbox runs; `go` is the read end of the pipe whose closing starts it. */
typedef void bench_workload(void *context, int go);

/*
 * Starts a sandbox of `grant`'s plan that runs `workload` and exits 0; it
 * dies with this process. Its listener goes to `*listener`.
 */
static inline pid_t bench_sandbox_spawn(const struct bench_grant *grant, const int go[2],
                                        bench_workload *workload, void *context, int *listener)
{
	struct moat_error error;
	int pair[2], pidfd;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		bench_die("socketpair", NULL);
	pid = fork();
	if (pid < 0)
		bench_die("fork", NULL);
	if (pid == 0) {
		close(pair[0]);
		close(go[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* The supervisor's process is not dumpable; execve would reset this. */
		prctl(PR_SET_DUMPABLE, 1);
		if (moat_handoff_child(&grant->plan, pair[1], &error) < 0)
			_exit(2);
		workload(context, go[0]);
		_exit(0);
	}
	close(pair[1]);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (moat_listener_receive(pair[0], pidfd, 5000, listener, &error) < 0)
		bench_die("receiving a listener", &error);
	close(pidfd);
	close(pair[0]);
	return pid;
}

#endif /* MOAT_BENCH_SUPERVISE_SANDBOX_H */
