// SPDX-License-Identifier: MIT
/*
 * broker_handler: run a program in a sandbox whose mkdir(2) calls are
 * decided by this host, with a custom supervisor handler.
 *
 *   broker_handler SPOOL PROGRAM [ARGS...]
 *
 * The program may create directories, but only as plain names (no `/`, no
 * `.` or `..`), and they all land in SPOOL, whatever its cwd: the host reads
 * the name from the sandbox's memory once, checks that copy, and performs
 * mkdirat(2) itself below a directory it opened. Every other notified call
 * is refused with EACCES. Build it against an installed moat:
 *
 *   cc broker_handler.c $(pkg-config --cflags --libs moat) -o broker_handler
 *   ./broker_handler /tmp/spool sh -c 'mkdir report && mkdir ../escape'
 *
 * The sandbox is entered with moat_enter() in a forked child, which hands
 * its seccomp listener to this process with moat_listener_send().
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <moat.h>

static const char policy_text[] = "moat 1\n"
                                  "[syscalls]\n"
                                  "default allow\n"
                                  "notify mkdir mkdirat\n"
                                  "kill @default-deny\n";

struct spool {
	int directory; /* opened by the host; every mkdir lands below it */
	unsigned created;
};

/* mkdir(path, mode) and mkdirat(dirfd, path, mode): the path's place in the arguments. */
static int make_directory(const struct moat_notification *notification, moat_memory *memory,
                          struct moat_reply *reply, void *context)
{
	struct spool *spool = context;
	int is_mkdirat = notification->syscall == SYS_mkdirat;
	uint64_t path = notification->args[is_mkdirat ? 1 : 0];
	unsigned mode = (unsigned)notification->args[is_mkdirat ? 2 : 1] & 0777;
	char name[256];
	int length = moat_memory_read_string(memory, path, name, sizeof(name));

	if (length < 0)
		return length; /* -EFAULT, -ENAMETOOLONG, or -ESRCH: the caller is gone */
	/* Decide on the copy, never on the sandbox's memory. */
	if (length == 0 || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EACCES;
	if (mkdirat(spool->directory, name, mode) < 0)
		return -errno;
	spool->created++;
	fprintf(stderr, "broker_handler: created %s\n", name);
	reply->kind = MOAT_REPLY_VALUE;
	reply->value = 0;
	return 0;
}

/* The child: enter the sandbox, hand the listener over, run the program. */
static void run_sandboxed(const moat_policy *policy, int socket_fd, char **program)
{
	struct moat_error error;
	int listener;

	if (moat_enter(policy, NULL, &listener, &error) < 0 ||
	    moat_listener_send(socket_fd, listener, &error) < 0) {
		fprintf(stderr, "broker_handler: %s\n", error.message);
		_exit(125);
	}
	close(listener);
	close(socket_fd);
	execvp(program[0], program);
	_exit(errno == ENOENT ? 127 : 126);
}

static int serve(moat_supervisor *supervisor, const moat_policy *policy, pid_t child, int socket_fd)
{
	struct moat_error error;
	int pidfd = (int)syscall(SYS_pidfd_open, child, 0), listener, status;

	if (moat_listener_receive(socket_fd, pidfd, 5000, &listener, &error) < 0 ||
	    moat_supervisor_add(supervisor, listener, policy, child, &error) < 0) {
		fprintf(stderr, "broker_handler: %s\n", error.message);
		kill(child, SIGKILL);
	}
	close(pidfd);
	/* Served until the sandbox's last process ends. */
	while (moat_supervisor_dispatch(supervisor, -1) > 0)
		continue;
	if (waitpid(child, &status, 0) < 0)
		return 125;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	struct spool spool = {.directory = -1};
	moat_supervisor *supervisor = NULL;
	moat_policy *policy = NULL;
	struct moat_error error;
	int pair[2], status = 125;
	pid_t child;

	if (argc < 3) {
		fprintf(stderr, "usage: %s SPOOL PROGRAM [ARGS...]\n", argv[0]);
		return 2;
	}
	spool.directory = open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (spool.directory < 0) {
		perror(argv[1]);
		return 125;
	}
	if (moat_policy_load_string(&policy, "broker_handler.policy", policy_text,
	                            strlen(policy_text), NULL, &error) < 0 ||
	    moat_supervisor_new(&supervisor, NULL, &error) < 0 ||
	    moat_supervisor_handle(supervisor, "mkdir", make_directory, &spool, &error) < 0 ||
	    moat_supervisor_handle(supervisor, "mkdirat", make_directory, &spool, &error) < 0) {
		fprintf(stderr, "broker_handler: %s\n", error.message);
		goto out;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) {
		perror("socketpair");
		goto out;
	}
	child = fork();
	if (child == 0) {
		close(pair[0]);
		run_sandboxed(policy, pair[1], argv + 2);
	}
	close(pair[1]);
	if (child > 0)
		status = serve(supervisor, policy, child, pair[0]);
	close(pair[0]);
	fprintf(stderr, "broker_handler: %u directories created\n", spool.created);
out:
	moat_supervisor_free(supervisor);
	moat_policy_free(policy);
	close(spool.directory);
	return status;
}
