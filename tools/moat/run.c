// SPDX-License-Identifier: MIT
/*
 * moat run -p POLICY [-p POLICY ...] [--] PROGRAM [ARGS...]
 *
 * Exit status (the CLI contract): the program's own status; 128+N when
 * signal N ended it; 124 when --timeout killed the sandbox; 125 when moat
 * itself failed; 126 when the program cannot be executed; 127 when it
 * cannot be found.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "grants.h"
#include "moat.h"
#include "policy/load.h"

#define EXIT_TIMED_OUT      124
#define EXIT_MOAT_FAILED    125
#define EXIT_CANNOT_EXECUTE 126
#define EXIT_NOT_FOUND      127
#define MAXIMUM_POLICIES    64

/* Signals a terminal or a supervisor sends that belong to the program. */
static const int forwarded_signals[] = {SIGINT,  SIGTERM,  SIGHUP,  SIGQUIT, SIGUSR1,
                                        SIGUSR2, SIGWINCH, SIGCONT, SIGTSTP, SIGALRM};

struct run_arguments {
	char *policies[MAXIMUM_POLICIES];
	size_t policy_count;
	int landlock_abi_limit;
	struct moat_command_grants grants;
	unsigned report; /* MOAT_REPORT_*: KILLS unless --quiet, ERRNO and KERNEL with --report */
	bool quiet;
	int64_t timeout_ms; /* --timeout; 0: none */
	char **program;     /* PROGRAM ARGS..., ending in NULL */
};

void moat_command_run_usage(FILE *stream)
{
	fprintf(stream,
	        "usage: moat run -p POLICY [-p POLICY ...] [GRANTS] [--] PROGRAM [ARGS...]\n\n"
	        "Runs PROGRAM in the sandbox the policies describe; several -p merge in\n"
	        "order, as if one file included them all. POLICY is a file, or the name of\n"
	        "a policy in MOAT_POLICY_PATH or the installed policies. The GRANTS merge\n"
	        "last, as if a last policy file held them (each option repeats):\n\n"
	        "options:\n"
	        "  -p, --policy POLICY     a policy (at least one)\n"
	        "  --read PATH             read files and list directories under PATH\n"
	        "  --write PATH            read, write, create, remove and rename under PATH\n"
	        "  --exec PATH             read and execute under PATH\n"
	        "  --connect tcp:PORT      connect to TCP port PORT\n"
	        "  --landlock-abi N        act as if the kernel had at most Landlock ABI N\n"
	        "  --report                first say what this kernel enforces of the policy\n"
	        "                          (Landlock, seccomp in its place, what stays open);\n"
	        "                          at exit, also list the calls refused with an errno\n"
	        "  --quiet                 print no denial lines (not even a kill's)\n"
	        "  --timeout SECONDS       kill the whole sandbox after SECONDS (exit 124)\n\n"
	        "exit status: PROGRAM's own; 128+N when signal N ended it (159 for a\n"
	        "seccomp kill); 124 timed out; 125 moat failed; 126 PROGRAM not\n"
	        "executable; 127 not found.\n");
}

/* SECONDS as timeout(1) takes them: a positive number, fractions allowed. */
static int parse_timeout(const char *text, int64_t *timeout_ms)
{
	char *end;
	double seconds = strtod(text, &end);

	if (end == text || *end || !(seconds > 0) || seconds > 1e9) {
		moat_command_error("run: --timeout needs a positive number of seconds, not '%s'",
		                   text);
		return -1;
	}
	*timeout_ms = (int64_t)(seconds * 1000);
	if (*timeout_ms == 0)
		*timeout_ms = 1;
	return 0;
}

static int parse_arguments(int argc, char **argv, struct run_arguments *arguments)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *option = argv[i];

		if (!strcmp(option, "--")) {
			i++;
			break;
		}
		if (!strcmp(option, "--report")) {
			arguments->report |= MOAT_REPORT_ERRNO | MOAT_REPORT_KERNEL;
			continue;
		}
		if (!strcmp(option, "--quiet")) {
			arguments->report = 0;
			arguments->quiet = true;
			continue;
		}
		if (i + 1 >= argc) {
			moat_command_error("run: %s needs a value", option);
			return -1;
		}
		if (!strcmp(option, "-p") || !strcmp(option, "--policy")) {
			if (arguments->policy_count == MAXIMUM_POLICIES) {
				moat_command_error("run: at most %d policies", MAXIMUM_POLICIES);
				return -1;
			}
			arguments->policies[arguments->policy_count++] = argv[++i];
		} else if (moat_command_is_grant_option(option)) {
			if (moat_command_grants_add(&arguments->grants, option, argv[++i]) < 0)
				return -1;
		} else if (!strcmp(option, "--timeout")) {
			if (parse_timeout(argv[++i], &arguments->timeout_ms) < 0)
				return -1;
		} else if (!strcmp(option, "--landlock-abi")) {
			arguments->landlock_abi_limit = atoi(argv[++i]);
		} else {
			moat_command_error("run: unknown option '%s'", option);
			return -1;
		}
	}
	if (arguments->quiet)
		arguments->report = 0;
	else
		arguments->report |= MOAT_REPORT_KILLS;
	if (arguments->policy_count == 0 || i >= argc) {
		moat_command_error("run needs at least one -p POLICY and a PROGRAM");
		return -1;
	}
	arguments->program = argv + i;
	return 0;
}

/* Warnings, and with --report the notes of what this kernel enforces (MOAT_REPORT_KERNEL). */
static void print_diagnostic(const struct moat_diagnostic *diagnostic, void *context)
{
	(void)context;
	fprintf(stderr, "moat: %s: %s\n",
	        diagnostic->severity == MOAT_SEVERITY_NOTE ? "kernel" : "warning",
	        diagnostic->message);
}

/* 126 or 127 only for the program itself; a failed set-up step is moat's own failure. */
static int exit_status_for(int result, const struct moat_error *error)
{
	if (strcmp(error->step, "exec") != 0)
		return EXIT_MOAT_FAILED;
	switch (result) {
	case -ENOENT:
		return EXIT_NOT_FOUND;
	case -EACCES:
	case -ENOEXEC:
	case -EISDIR:
	case -ETXTBSY:
	case -ELOOP:
	case -ENAMETOOLONG:
	case -ENOTDIR:
		return EXIT_CANNOT_EXECUTE;
	default:
		return EXIT_MOAT_FAILED;
	}
}

static void print_error(const struct moat_error *error)
{
	if (error->file[0])
		fprintf(stderr, "%s:%u:%u: error: %s\n", error->file, error->line, error->column,
		        error->message);
	else if (error->step[0] && strcmp(error->step, "exec") != 0)
		moat_command_error("%s: %s", error->step, error->message);
	else
		moat_command_error("%s", error->message);
}

static int status_of(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return EXIT_MOAT_FAILED;
}

static int block_forwarded_signals(sigset_t *previous)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++)
		sigaddset(&set, forwarded_signals[i]);
	if (sigprocmask(SIG_BLOCK, &set, previous) < 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC);
}

static int64_t now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* poll(2)'s timeout until `deadline` (0: none). */
static int until(int64_t deadline)
{
	int64_t left;

	if (!deadline)
		return -1;
	left = deadline - now_ms();
	return left <= 0 ? 0 : (int)(left > 1 << 30 ? 1 << 30 : left);
}

/*
 * Passes the signals meant for the program on, and serves its notified
 * calls, until it ends or `timeout_ms` (0: none) has passed; then kills
 * the sandbox (SIGKILL to its init takes every process of its PID
 * namespace) and sets `*timed_out`. Returns 0 with `*result`, or -1.
 */
static int supervise(moat_child *child, int signals, moat_supervisor *supervisor,
                     int64_t timeout_ms, bool *timed_out, struct moat_exit *result)
{
	struct pollfd fds[3] = {{moat_child_pidfd(child), POLLIN, 0},
	                        {signals, POLLIN, 0},
	                        {supervisor ? moat_supervisor_fd(supervisor) : -1, POLLIN, 0}};
	int64_t deadline = timeout_ms ? now_ms() + timeout_ms : 0;
	struct signalfd_siginfo info;

	for (;;) {
		int ready = poll(fds, 3, until(deadline));

		if (ready < 0 && errno != EINTR)
			break;
		if (fds[0].revents)
			break;
		if (ready == 0 && deadline) {
			*timed_out = true;
			moat_child_kill(child, SIGKILL);
			break;
		}
		if (fds[1].revents && read(signals, &info, sizeof(info)) == sizeof(info))
			moat_child_kill(child, (int)info.ssi_signo);
		if (fds[2].revents)
			moat_supervisor_dispatch(supervisor, 0);
	}
	return moat_child_wait_result(child, result) < 0 ? -1 : 0;
}

static void print_statement(const struct moat_reported_call *call)
{
	if (call->line)
		fprintf(stderr, " by %s:%u:%u (%s)", call->file, call->line, call->column,
		        call->statement);
	else
		fprintf(stderr, " by moat (%s)", call->statement);
}

static void print_call(const struct moat_reported_call *call)
{
	char text[1024];

	moat_call_format(call->syscall, call->args, text, sizeof(text));
	fputs(text, stderr);
	print_statement(call);
}

/*
 * The denial lines (docs/authoring.md): the kill, when the supervisor
 * decided one; a note when the kernel killed alone; with --report every
 * errno refusal, and what --report cannot see.
 */
static void print_denials(const moat_child *child, const struct moat_exit *exit, unsigned report)
{
	size_t count = moat_child_refusal_count(child);

	if (exit->call.count) {
		fputs("moat: killed: ", stderr);
		print_call(&exit->call);
		fputc('\n', stderr);
	} else if (exit->kind == MOAT_EXIT_SIGNALLED && exit->code == SIGSYS) {
		moat_command_error("killed by the seccomp filter (SIGSYS); no report: %s",
		                   moat_child_reports_kills(child)
		                           ? "the kernel killed it (a call from another "
		                             "architecture or of the listener's hand-off)"
		                           : "this sandbox does not die with moat, so the kernel "
		                             "kills alone");
	}
	if (!(report & MOAT_REPORT_ERRNO))
		return;
	for (size_t i = 0; i < count; i++) {
		struct moat_reported_call call;

		if (moat_child_refusal(child, i, &call) < 0)
			break;
		fputs("moat: refused: ", stderr);
		print_call(&call);
		fprintf(stderr, ": errno %s, %lu time%s\n",
		        strerrorname_np(call.action.errno_value), call.count,
		        call.count == 1 ? "" : "s");
	}
	fprintf(stderr,
	        "moat: report: %zu distinct errno refusal%s; Landlock refusals are not "
	        "visible to moat (the program sees EACCES)\n",
	        count, count == 1 ? "" : "s");
}

/* Kills every child of this process and reaps it; returns how many there were. */
static size_t kill_children(void)
{
	char path[64], text[4096];
	size_t length, count = 0;
	FILE *children;
	char *cursor = text;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)gettid());
	children = fopen(path, "re");
	if (!children)
		return 0;
	length = fread(text, 1, sizeof(text) - 1, children);
	fclose(children);
	text[length] = '\0';
	for (long pid; (pid = strtol(cursor, &cursor, 10)) > 0; count++) {
		kill((pid_t)pid, SIGKILL);
		waitpid((pid_t)pid, NULL, 0);
	}
	return count;
}

/*
 * The program has ended; what it left running ends with it. Under an init
 * (`die-with-parent yes`, the default, or `unshare pid`) nothing is left:
 * init exited with the program, and the kernel killed every other process
 * of its PID namespace before init could be reaped. Without one, orphans of
 * the sandbox come to this process, its subreaper: it kills the program's
 * process group and its children until none is left (a killed child's own
 * children come to it in turn). Only a sandbox that keeps forking new
 * processes as fast as they are killed keeps it at that; `die-with-parent
 * yes` is the guarantee (docs/process.md).
 */
static void end_leftovers(pid_t group)
{
	kill(-group, SIGKILL);
	while (kill_children() > 0)
		continue;
}

/* A policy with `notify` rules, or a run with reports, gets this process as its supervisor. */
static int make_supervisor(const moat_policy *policy, unsigned report, moat_supervisor **supervisor)
{
	/* One sandbox, served from this process's poll loop: one epoll, no nesting. */
	struct moat_supervisor_options options = {.version = MOAT_SUPERVISOR_OPTIONS_VERSION,
	                                          .threads = 1};
	struct moat_error error;

	*supervisor = NULL;
	if (!moat_policy_needs_supervisor(policy) && !report)
		return 0;
	if (moat_supervisor_new(supervisor, &options, &error) == 0)
		return 0;
	moat_command_error("cannot start the supervisor: %s", error.message);
	return -1;
}

static int run(struct run_arguments *arguments, moat_policy *policy)
{
	struct moat_sandbox_options options = {.version = MOAT_SANDBOX_OPTIONS_VERSION,
	                                       .on_diagnostic = print_diagnostic,
	                                       .landlock_abi_limit = arguments->landlock_abi_limit};
	char *path = moat_command_find_program(arguments->program[0]);
	moat_supervisor *supervisor;
	struct moat_error error;
	moat_child *child;
	sigset_t previous;
	struct moat_exit exit = {0};
	bool timed_out = false;
	int signals, status, result;

	if (!path) {
		moat_command_error("%s: %s", arguments->program[0], strerror(errno));
		return errno == EACCES ? EXIT_CANNOT_EXECUTE : EXIT_NOT_FOUND;
	}
	/* Without an init, orphans of the sandbox come to this process, which ends them with it. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if (make_supervisor(policy, arguments->report, &supervisor) < 0) {
		free(path);
		return EXIT_MOAT_FAILED;
	}
	options.supervisor = supervisor;
	options.report = arguments->report;
	/* Blocked before the child starts, so no signal slips through; it unblocks its own. */
	signals = block_forwarded_signals(&previous);
	result = moat_spawn(&child, policy, path, arguments->program, &options, &error);
	free(path);
	if (result < 0) {
		print_error(&error);
		moat_supervisor_free(supervisor);
		return exit_status_for(result, &error);
	}
	/*
	 * Nothing of this process is the sandbox's to read: no ptrace, no
	 * /proc/PID/mem, no core dump (the sandbox's own Landlock boundary
	 * already keeps it out where the kernel has Landlock). Only now, as the
	 * sandbox's child writes its own uid map while this process is dumpable.
	 */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	status = supervise(child, signals, supervisor, arguments->timeout_ms, &timed_out, &exit);
	end_leftovers(moat_child_pid(child));
	if (timed_out && !arguments->quiet)
		moat_command_error("timed out: killed the sandbox after %.3g s",
		                   (double)arguments->timeout_ms / 1000);
	if (status == 0 && !arguments->quiet)
		print_denials(child, &exit, arguments->report);
	moat_child_free(child);
	moat_supervisor_free(supervisor);
	if (status < 0)
		return EXIT_MOAT_FAILED;
	if (timed_out)
		return EXIT_TIMED_OUT;
	/* A kill the supervisor made with SIGKILL (the program caught SIGSYS) is still a kill. */
	return exit.kind == MOAT_EXIT_FILTER_KILLED ? 128 + SIGSYS : status_of(exit.status);
}

/* The policies, then the command line's grants as a last layer. */
static moat_policy *load_policies(const struct run_arguments *arguments)
{
	struct moat_policy_text grants = {.name = "<moat run grants>"};
	char *text = moat_command_grants_text(&arguments->grants, &grants.length);
	moat_policy *policy;

	if (arguments->grants.count > 0 && !text) {
		moat_command_error("run: out of memory");
		return NULL;
	}
	grants.text = text;
	policy = moat_command_load_layered((char *const *)arguments->policies,
	                                   arguments->policy_count, text ? &grants : NULL);
	free(text);
	return policy;
}

int moat_command_run(int argc, char **argv)
{
	struct run_arguments arguments = {0};
	moat_policy *policy;
	int status = EXIT_MOAT_FAILED;

	if (parse_arguments(argc, argv, &arguments) < 0) {
		moat_command_run_usage(stderr);
		moat_command_grants_free(&arguments.grants);
		return EXIT_MOAT_FAILED;
	}
	policy = load_policies(&arguments);
	moat_command_grants_free(&arguments.grants);
	if (!policy)
		return EXIT_MOAT_FAILED;
	status = run(&arguments, policy);
	moat_policy_free(policy);
	return status;
}
