// SPDX-License-Identifier: MIT
/*
 * moat_spawn(): a program in a new process that applies the plan, then
 * execs. The order of the steps in the child is fixed and documented in
 * docs/sandbox.md; each one's reason is in lib/isolate/isolate.h and
 * lib/process/process.h. clone3 creates the namespaces the plan asks for;
 * with a new PID namespace the cloned process is pid 1 there: it builds
 * the sandbox, starts the program's process and stays as its init.
 *
 * Between clone and execve the child runs in a copy of a possibly
 * multi-threaded parent, so it only makes async-signal-safe calls: the plan
 * was built before, and the apply functions allocate nothing. A step that
 * fails writes its error to a close-on-exec pipe; the parent reads the pipe
 * until it closes, which happens at the successful execve.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "plan.h"
#include "seccomp/install.h"
#include "seccomp/split.h"
#include "supervise/handoff.h"
#include "supervise/report.h"
#include "supervise/supervise.h"
#include "util/error.h"
#include "util/message.h"
#include "util/options.h"

#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif

struct spawn {
	const struct moat_plan *plan;
	const char *path;
	char *const *argv;
	const struct moat_spawn_target *target; /* with a function, it runs in place of execve */
	const struct moat_fd_map *fd_map;
	size_t fd_map_count;
	const int *keep;
	size_t keep_count;
	pid_t parent;
	int report_fd;
	struct moat_isolate_init init; /* status_fd -1: no PID namespace, no init */
	/* With `notify` rules: the two-part filter and the socket its listener leaves by. */
	struct moat_handoff_plan *handoff;
	int handoff_socket; /* the child's end; -1 without a supervisor */
	/* Denial reports: what the filter routes to the supervisor, and its record. */
	unsigned routed; /* MOAT_ROUTE_* */
	struct moat_report *report;
};

/*
 * Writes the failed step's error to the parent and ends the child. After
 * the seccomp step this runs under the policy's `notify` rules with no
 * supervisor dispatching: write and exit_group are in the hand-off list
 * (moat_syscall_handoff_calls(), syscalls/syscalls.c), which no `notify`
 * rule may name, and nothing here may make another call.
 */
static void report_and_exit(const struct spawn *spawn, const char *step,
                            const struct moat_error *error)
{
	/* One write, smaller than PIPE_BUF, so the parent reads it whole. */
	struct moat_error report = *error;
	size_t length = strlen(step);
	ssize_t ignored;

	if (length >= sizeof(report.step))
		length = sizeof(report.step) - 1;
	memset(report.step, 0, sizeof(report.step));
	memcpy(report.step, step, length);
	ignored = write(spawn->report_fd, &report, sizeof(report));
	(void)ignored;
	_exit(127);
}

/* Signal handlers were reset by CLONE_CLEAR_SIGHAND; the mask is inherited. */
static int unblock_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	return sigprocmask(SIG_SETMASK, &none, NULL) < 0 ? -errno : 0;
}

/*
 * Keeps the error pipe (and the hand-off socket) open through the
 * descriptor step, which clears close-on-exec on what it keeps, and marks
 * them close-on-exec again.
 */
static int close_descriptors(const struct spawn *spawn, struct moat_error *error)
{
	int keep[64 + 64 + 2], own[2] = {spawn->report_fd, spawn->handoff_socket};
	size_t count = spawn->keep_count;
	int result;

	if (count)
		memcpy(keep, spawn->keep, count * sizeof(*keep));
	for (size_t i = 0; i < spawn->fd_map_count; i++)
		keep[count++] = spawn->fd_map[i].child_fd;
	/* execve would close init's status pipe (close-on-exec); a function must not write it. */
	if (spawn->target->function && spawn->init.status_fd >= 0)
		close(spawn->init.status_fd);
	for (size_t i = 0; i < 2; i++) {
		if (own[i] >= 0)
			keep[count++] = own[i];
	}
	result = moat_process_apply_descriptors(spawn->plan->process, keep, count, error);
	for (size_t i = 0; i < 2 && result == 0; i++) {
		if (own[i] >= 0 && fcntl(own[i], F_SETFD, FD_CLOEXEC) < 0)
			result = -errno;
	}
	return result;
}

static void exec_failed(const struct spawn *spawn, int code)
{
	struct moat_error error;
	struct moat_message message = moat_message_begin(&error, code);

	moat_message_put(&message, "cannot execute ");
	moat_message_put(&message, spawn->path);
	moat_message_put(&message, ": ");
	moat_message_put_reason(&message, -code);
	if (code == -ENOENT && moat_isolate_has_new_root(spawn->plan->isolate))
		moat_message_put(&message,
		                 " in the sandbox's new root (bind it there, at the same path)");
	report_and_exit(spawn, "exec", &error);
}

/* The steps of the program's process, each one as the table below calls it. */
static int unblock(const struct spawn *spawn, pid_t parent, struct moat_error *error)
{
	(void)spawn, (void)parent;
	return unblock_signals() < 0 ? moat_message_set(error, -errno, "cannot unblock signals")
	                             : 0;
}

static int session(const struct spawn *spawn, pid_t parent, struct moat_error *error)
{
	(void)parent;
	return moat_process_apply_session(spawn->plan->process, error);
}

/* Under an init, init watches the parent: a signal the program could clear adds nothing. */
static int identity(const struct spawn *spawn, pid_t parent, struct moat_error *error)
{
	(void)parent;
	return moat_process_apply_identity(spawn->plan->process, false, error);
}

static int parent_death(const struct spawn *spawn, pid_t parent, struct moat_error *error)
{
	if (spawn->init.status_fd >= 0)
		return 0;
	return moat_process_apply_parent_death(spawn->plan->process, parent, error);
}

static int cwd(const struct spawn *spawn, pid_t parent, struct moat_error *error)
{
	(void)parent;
	return moat_process_apply_cwd(spawn->plan->process, error);
}

static int no_new_privs(const struct spawn *spawn, pid_t parent, struct moat_error *error)
{
	(void)parent;
	return moat_process_apply_no_new_privs(spawn->plan->process, error);
}

/* The cgroup namespace needs CAP_SYS_ADMIN (here, or in a new user namespace). */
static int egress(const struct spawn *spawn, pid_t parent, struct moat_error *error)
{
	(void)parent;
	return moat_egress_enter(spawn->plan->egress, error);
}

static int landlock(const struct spawn *spawn, pid_t parent, struct moat_error *error)
{
	(void)parent;
	return moat_landlock_apply(spawn->plan->landlock, 0, error);
}

/*
 * Every sandbox gets moat's own Landlock boundary, so that it cannot trace,
 * read or signal processes outside it even when its policy has no Landlock
 * section. With a supervisor, the hand-off enters it (and decides what an
 * older kernel lacks).
 */
static int boundary(const struct spawn *spawn, pid_t parent, struct moat_error *error)
{
	int abi = spawn->plan->landlock_features.abi;

	(void)parent;
	if (spawn->handoff || abi < 1)
		return 0;
	return moat_landlock_enter_boundary(abi >= 6, error);
}

/* After Landlock, whose rules' descriptors the map may overwrite: they are no longer needed. */
static int map_descriptors(const struct spawn *spawn, pid_t parent, struct moat_error *error)
{
	(void)parent;
	return moat_fd_map_apply(spawn->fd_map, spawn->fd_map_count, error);
}

static int descriptors(const struct spawn *spawn, pid_t parent, struct moat_error *error)
{
	(void)parent;
	return close_descriptors(spawn, error);
}

static int limits(const struct spawn *spawn, pid_t parent, struct moat_error *error)
{
	(void)parent;
	return moat_process_apply_limits(spawn->plan->process, error);
}

static int capabilities(const struct spawn *spawn, pid_t parent, struct moat_error *error)
{
	(void)parent;
	return moat_process_apply_capabilities(spawn->plan->process, error);
}

/* With a supervisor, the filter goes in two parts around the listener's hand-off. */
static int seccomp(const struct spawn *spawn, pid_t parent, struct moat_error *error)
{
	(void)parent;
	if (spawn->handoff)
		return moat_handoff_child(spawn->handoff, spawn->handoff_socket, error);
	/* Without [syscalls] the install would only set no_new_privs again: its step did. */
	if (!spawn->plan->policy->syscalls.present)
		return 0;
	return moat_seccomp_install(spawn->plan->filter, 0, NULL, error);
}

/*
 * In this order: Landlock needs the O_PATH descriptors of its rules and a
 * descriptor of its own, so descriptors are closed after it; a small nofile
 * or as limit would stop the steps before limits; raising a limit needs the
 * capabilities dropped after; seccomp comes last, as its filter may forbid
 * what the other steps do. docs/sandbox.md gives every reason.
 */
static const struct {
	const char *name;
	int (*apply)(const struct spawn *spawn, pid_t parent, struct moat_error *error);
} program_steps[] = {
        /* clang-format off */
        {"signals", unblock},
        {"session", session},
        {"identity", identity},
        {"parent death", parent_death},
        {"cwd", cwd},
        {"no_new_privs", no_new_privs},
        {"egress", egress},
        {"landlock", landlock},
        {"boundary", boundary},
        {"descriptor map", map_descriptors},
        {"descriptors", descriptors},
        {"limits", limits},
        {"capabilities", capabilities},
        {"seccomp", seccomp},
        /* clang-format on */
};

/* The program's process, whose parent is `parent`: the steps above, then execve or the function. */
static void run_program(const struct spawn *spawn, pid_t parent)
{
	struct moat_error error = {0};

	for (size_t i = 0; i < sizeof(program_steps) / sizeof(program_steps[0]); i++) {
		if (program_steps[i].apply(spawn, parent, &error) < 0)
			report_and_exit(spawn, program_steps[i].name, &error);
	}
	if (spawn->target->function)
		moat_spawn_run_function(spawn->target, spawn->report_fd, spawn->handoff_socket);
	execve(spawn->path, spawn->argv,
	       (char *const *)moat_process_plan_environment(spawn->plan->process));
	exec_failed(spawn, -errno);
}

static void run_program_under_init(void *spawn)
{
	run_program(spawn, 1);
}

/*
 * Pid 1 of a new PID namespace. Before anything else, it blocks the signals
 * it will forward and checks that the parent still lives (with
 * die-with-parent it watches the parent's pidfd from then on); it leaves
 * the caller's session, so that a terminal's signals reach the program only
 * through `moat run`; then it builds the sandbox and starts the program's
 * process, to which it is pid 1.
 */
static void run_init(const struct spawn *spawn)
{
	const struct moat_plan *plan = spawn->plan;
	struct moat_error error = {0};
	int signals;

	if (moat_isolate_init_prepare(&spawn->init, &signals, &error) < 0)
		report_and_exit(spawn, "init", &error);
	if (moat_process_apply_session(plan->process, &error) < 0)
		report_and_exit(spawn, "session", &error);
	if (moat_isolate_apply(plan->isolate, &error) < 0)
		report_and_exit(spawn, "namespaces", &error);
	/* A function never calls execve: it gets a copy of init's memory, not init's own. */
	if (moat_isolate_init_spawn(&spawn->init, signals, run_program_under_init, (void *)spawn,
	                            !spawn->target->function, &error) < 0)
		report_and_exit(spawn, "init", &error);
}

/* The namespaces come first: they give the privileges the later steps use up. */
static void run_child(const struct spawn *spawn)
{
	struct moat_error error = {0};

	if (spawn->init.status_fd >= 0)
		run_init(spawn);
	if (moat_isolate_apply(spawn->plan->isolate, &error) < 0)
		report_and_exit(spawn, "namespaces", &error);
	run_program(spawn, spawn->parent);
}

/* With egress rules the child starts in the sandbox's cgroup, before it can make a socket. */
static pid_t clone_child(uint64_t namespaces, int cgroup, int *pidfd)
{
	struct clone_args arguments = {
	        .flags = CLONE_PIDFD | CLONE_CLEAR_SIGHAND | namespaces,
	        .pidfd = (uint64_t)(uintptr_t)pidfd,
	        .exit_signal = SIGCHLD,
	};

	if (cgroup >= 0) {
		arguments.flags |= CLONE_INTO_CGROUP;
		arguments.cgroup = (uint64_t)cgroup;
	}

	return (pid_t)syscall(SYS_clone3, &arguments, sizeof(arguments));
}

/*
 * Reads the child's report: 0 when the pipe closed at execve, or when a
 * function's process wrote a report without an error; else its error.
 */
static int read_report(int fd, struct moat_error *error)
{
	struct moat_error report;
	ssize_t count;

	do {
		count = read(fd, &report, sizeof(report));
	} while (count < 0 && errno == EINTR);
	if (count == 0)
		return 0;
	if (count != (ssize_t)sizeof(report))
		return moat_error_set(error, -EIO, "the sandbox set-up ended without a report");
	if (report.code == 0)
		return 0;
	if (error)
		*error = report;
	return report.code < 0 ? report.code : -EIO;
}

static int check_arguments(const struct moat_spawn_target *target,
                           const struct moat_sandbox_options *options, struct moat_error *error)
{
	int result = moat_options_check_version(options, options ? options->version : 0,
	                                        MOAT_SANDBOX_OPTIONS_VERSION,
	                                        "struct moat_sandbox_options", error);

	if (result < 0)
		return result;
	if (!target->function && (!target->path || !target->argv || !target->argv[0]))
		return moat_error_set(error, -EINVAL, "no program to run");
	if (options && options->keep_fd_count > 64)
		return moat_error_set(error, -EINVAL, "at most 64 descriptors can be passed");
	if (options && options->keep_fd_count && !options->keep_fds)
		return moat_error_set(error, -EINVAL, "keep_fd_count without keep_fds");
	return moat_fd_map_check(options, error);
}

/*
 * With a PID namespace, the pipe init reports the program's wait status
 * through: the parent keeps the read end (non-blocking: it is read once
 * init has been reaped), init the write end. With die-with-parent, init
 * also gets a pidfd of this process, to die with it.
 */
static int open_init_descriptors(struct spawn *spawn, struct moat_error *error)
{
	int status_fds[2];

	spawn->init = (struct moat_isolate_init){.report_fd = spawn->report_fd,
	                                         .status_fd = -1,
	                                         .status_read_fd = -1,
	                                         .parent_pidfd = -1};
	if (!moat_isolate_has_init(spawn->plan->isolate))
		return 0;
	if (spawn->plan->policy->process.die_with_parent) {
		spawn->init.parent_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
		if (spawn->init.parent_pidfd < 0)
			return moat_error_set(error, -errno,
			                      "cannot open a pidfd of this process (pidfd_open)");
	}
	if (pipe2(status_fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return moat_error_set(error, -errno, "cannot create a pipe");
	spawn->init.status_read_fd = status_fds[0];
	spawn->init.status_fd = status_fds[1];
	if (moat_fd_lift(&spawn->init.status_fd,
	                 moat_fd_map_highest(spawn->fd_map, spawn->fd_map_count)) < 0)
		return moat_error_set(error, -errno, "cannot move a descriptor");
	return 0;
}

static void close_init_descriptors(const struct spawn *spawn)
{
	if (spawn->init.status_fd >= 0)
		close(spawn->init.status_fd);
	if (spawn->init.parent_pidfd >= 0)
		close(spawn->init.parent_pidfd);
}

/*
 * Takes the listener the child sends and gives it to the supervisor. When
 * that fails, the child's own report, if it wrote one, says why.
 */
static int attach_supervisor(moat_child *child, const struct spawn *spawn, int socket, int report,
                             struct moat_supervisor *supervisor, struct moat_error *error)
{
	struct moat_error attach_error = {0};
	int listener, result;

	result = moat_listener_receive(socket, child->pidfd, -1, &listener, &attach_error);
	if (result == 0)
		result = moat_supervisor_add_reported(supervisor, listener, spawn->plan->policy,
		                                      child->pid, spawn->report, &attach_error);
	if (result == 0)
		return 0;
	if (read_report(report, error) < 0)
		return error ? error->code : -EIO;
	if (error)
		*error = attach_error;
	return result;
}

/* A child that failed after it started is killed, so nothing half set up runs on. */
static void discard(moat_child *child)
{
	int status;

	syscall(SYS_pidfd_send_signal, child->pidfd, SIGKILL, NULL, 0);
	waitpid(child->pid, &status, 0);
	close(child->pidfd);
}

static void warn(const struct moat_sandbox_options *options, const char *message)
{
	struct moat_diagnostic warning = {.severity = MOAT_SEVERITY_WARNING, .message = message};

	if (options && options->on_diagnostic)
		options->on_diagnostic(&warning, options->diagnostic_context);
}

/* Below Landlock ABI 6, `scope signal` that the PID namespace held holds no more without it. */
static void report_signals_unheld(const struct moat_plan *plan,
                                  const struct moat_sandbox_options *options)
{
	if ((plan->closures.held & MOAT_LANDLOCK_HELD_SCOPE_SIGNAL) &&
	    !moat_isolate_has_init(plan->isolate))
		warn(options, "compat best-effort: scope signal (Landlock ABI 6) does not hold "
		              "without the PID namespace: processes outside the sandbox can be "
		              "signalled");
}

/* Best-effort's report when the PID namespace for die-with-parent could not be had. */
static void report_unbound(const struct moat_plan *plan, const struct moat_sandbox_options *options,
                           const char *reason)
{
	char line[320];

	snprintf(line, sizeof(line),
	         "compat best-effort: cannot create a PID namespace for the sandbox (%s); "
	         "die-with-parent kills only the program's own process, not the processes it "
	         "starts",
	         reason);
	warn(options, line);
	report_signals_unheld(plan, options);
}

/*
 * clone3 with the plan's namespaces. When the system refuses the ones moat
 * added only for die-with-parent (a limit is reached, or a seccomp filter
 * or security module of the caller's forbids them), `compat best-effort`
 * starts the sandbox without them and reports it.
 */
/*
 * A sandbox that no longer dies with this process must not have its kills
 * decided here (docs/authoring.md "How denial reports stay safe"): it gets
 * the kernel's kill again, and the hand-off, if it still has one, routes
 * only what is left.
 */
static int stop_routing_kills(struct spawn *spawn, struct moat_error *error)
{
	unsigned routed = spawn->routed & ~MOAT_ROUTE_KILL;

	if (!(spawn->routed & MOAT_ROUTE_KILL))
		return 0;
	moat_handoff_plan_release(spawn->handoff);
	spawn->routed = routed;
	spawn->report->routed = routed;
	if (!routed && !spawn->plan->policy->syscalls.has_notify) {
		spawn->handoff = NULL;
		return 0;
	}
	return moat_handoff_plan_build_routed(spawn->handoff, spawn->plan->policy,
	                                      spawn->plan->landlock_features.abi, routed,
	                                      moat_isolate_has_init(spawn->plan->isolate), error);
}

static int clone_sandbox(moat_child *child, struct spawn *spawn,
                         const struct moat_sandbox_options *options, struct moat_error *error)
{
	struct moat_isolate_plan *isolate = spawn->plan->isolate;
	int result = open_init_descriptors(spawn, error);

	if (result < 0)
		return result;
	child->pid = clone_child(moat_isolate_clone_flags(isolate),
	                         moat_egress_cgroup_fd(spawn->plan->egress), &child->pidfd);
	if (child->pid == 0)
		run_child(spawn);
	if (child->pid > 0)
		return 0;
	result = -errno;
	if (spawn->plan->policy->compat == MOAT_COMPAT_STRICT ||
	    !moat_isolate_plan_unbind_from_parent(isolate))
		return moat_isolate_clone_failed(isolate, result, error);
	close_init_descriptors(spawn);
	if (spawn->init.status_read_fd >= 0)
		close(spawn->init.status_read_fd);
	report_unbound(spawn->plan, options, strerror(-result));
	result = stop_routing_kills(spawn, error);
	if (result < 0)
		return result;
	return clone_sandbox(child, spawn, options, error);
}

static int start(moat_child *child, struct spawn *spawn, const struct moat_sandbox_options *options,
                 struct moat_error *error)
{
	int pipe_fds[2], pair[2] = {-1, -1}, result = 0;
	int highest = moat_fd_map_highest(spawn->fd_map, spawn->fd_map_count);

	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		return moat_error_set(error, -errno, "cannot create a pipe");
	spawn->parent = getpid();
	spawn->init = (struct moat_isolate_init){
	        .status_fd = -1, .status_read_fd = -1, .parent_pidfd = -1};
	if (spawn->handoff && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		result = moat_error_set(error, -errno, "cannot create a socket pair");
	/* Out of the map's way, so that it cannot overwrite them in the child. */
	if (result == 0 && (moat_fd_lift(&pipe_fds[1], highest) < 0 ||
	                    (pair[1] >= 0 && moat_fd_lift(&pair[1], highest) < 0)))
		result = moat_error_set(error, -errno, "cannot move a descriptor");
	spawn->report_fd = pipe_fds[1];
	spawn->handoff_socket = pair[1];
	child->pid = -1;
	if (result == 0)
		result = clone_sandbox(child, spawn, options, error);
	close(pipe_fds[1]);
	if (pair[1] >= 0)
		close(pair[1]);
	close_init_descriptors(spawn);
	child->status_fd = spawn->init.status_read_fd;
	if (result == 0 && spawn->handoff)
		result = attach_supervisor(child, spawn, pair[0], pipe_fds[0],
		                           options ? options->supervisor : NULL, error);
	if (pair[0] >= 0)
		close(pair[0]);
	if (result == 0)
		result = read_report(pipe_fds[0], error);
	if (result == -ENOENT && error && !strcmp(error->step, "exec") && spawn->path)
		moat_isolate_explain_missing(spawn->plan->isolate, spawn->path, error);
	close(pipe_fds[0]);
	if (result < 0 && child->pid > 0)
		discard(child);
	if (result < 0 && child->status_fd >= 0)
		close(child->status_fd);
	return result;
}

/* The two-part filter and its hand-off, for a policy with `notify` rules. */
static int plan_handoff(struct moat_handoff_plan *handoff, const struct moat_plan *plan,
                        unsigned routed, const struct moat_sandbox_options *options,
                        struct moat_error *error)
{
	int result;

	if (!options || !options->supervisor)
		return moat_error_set(error, -EINVAL,
		                      "the policy routes syscalls to a supervisor (`notify`); pass "
		                      "one in options->supervisor (moat_supervisor_new)");
	result =
	        moat_handoff_plan_build_routed(handoff, plan->policy, plan->landlock_features.abi,
	                                       routed, moat_isolate_has_init(plan->isolate), error);
	if (result == 0 && handoff->dropped)
		warn(options, handoff->dropped);
	return result;
}

/*
 * A caller made undumpable by its own supervisor may let the sandbox be
 * dumpable again to write its uid map; one that changed its ids without
 * execve may not.
 */
static int check_dumpable(const struct moat_plan *plan, const struct moat_sandbox_options *options,
                          struct moat_error *error)
{
	if (!moat_isolate_needs_dumpable(plan->isolate) ||
	    (options && options->supervisor &&
	     moat_supervisor_made_undumpable(options->supervisor)))
		return 0;
	if (plan->policy->compat == MOAT_COMPAT_BEST_EFFORT &&
	    moat_isolate_plan_unbind_from_parent(plan->isolate)) {
		report_unbound(plan, options,
		               "this process is not dumpable, so the user namespace it needs "
		               "cannot be given a uid map");
		return 0;
	}
	return moat_error_set(error, -EPERM,
	                      "this process is not dumpable (it changed its ids without "
	                      "execve), so the sandbox's user namespace cannot be given a uid "
	                      "map; call prctl(PR_SET_DUMPABLE, 1) first, or exec");
}

/* With die-with-parent, a PID namespace whose init dies with this process (isolate.h). */
static int bind_to_parent(const struct moat_plan *plan, const struct moat_sandbox_options *options,
                          struct moat_error *error)
{
	const char *dropped;
	int result = moat_isolate_plan_bind_to_parent(plan->isolate, plan->policy, &dropped, error);

	if (result == 0 && dropped) {
		warn(options, dropped);
		report_signals_unheld(plan, options);
	}
	return result;
}

/*
 * What the filter routes to the supervisor for reports: errno refusals
 * when asked, kills when asked and the sandbox dies with this process (an
 * init that watches it, in a PID namespace of the sandbox's own).
 */
static int plan_reports(struct spawn *spawn, struct moat_plan *plan,
                        const struct moat_sandbox_options *options, struct moat_error *error)
{
	int result;

	/* The kernel report needs no supervisor: the plan made it. */
	unsigned report = options ? options->report & ~(unsigned)MOAT_REPORT_KERNEL : 0;

	if (!report || !plan->policy->syscalls.present)
		return 0;
	/*
	 * Below Landlock ABI 6, a sandbox outside a PID namespace of its own
	 * could signal the supervisor, which compat strict refuses (handoff.c);
	 * reports alone are not worth a refused run: the kernel decides alone,
	 * as without them.
	 */
	if (plan->landlock_features.abi < 6 && plan->policy->compat == MOAT_COMPAT_STRICT &&
	    !plan->policy->syscalls.has_notify && !moat_isolate_has_init(plan->isolate)) {
		if (report & MOAT_REPORT_ERRNO)
			warn(options,
			     "no denial reports: the supervisor that makes them needs "
			     "Landlock ABI 6, or a PID namespace of the sandbox's own, to be "
			     "safe from the sandbox's signals");
		return 0;
	}
	if (!options->supervisor)
		return moat_error_set(error, -EINVAL,
		                      "denial reports (options->report) need a supervisor in "
		                      "options->supervisor (moat_supervisor_new)");
	if (report & MOAT_REPORT_ERRNO)
		spawn->routed |= MOAT_ROUTE_ERRNO;
	if ((report & MOAT_REPORT_KILLS) && moat_isolate_has_init(plan->isolate) &&
	    plan->policy->process.die_with_parent)
		spawn->routed |= MOAT_ROUTE_KILL;
	if (!spawn->routed)
		return 0;
	/* The record decides with the plan's own filter, which the child may still install. */
	result = moat_report_new(&spawn->report, plan->filter, spawn->routed, error);
	if (result == 0)
		plan->filter_lent = true;
	return result;
}

static int prepare_and_start(moat_child *child, struct spawn *spawn, const moat_policy *policy,
                             const struct moat_sandbox_options *options, struct moat_error *error)
{
	struct moat_handoff_plan handoff = {0};
	struct moat_plan *plan = NULL;
	int result = moat_plan_build(&plan, policy, true, options, error);

	if (result == 0)
		result = spawn->target->function ? moat_spawn_check_function(plan, error)
		                                 : moat_plan_check_exec(plan, error);
	if (result == 0)
		result = moat_plan_build_egress(plan, options, error);
	if (result == 0)
		result = bind_to_parent(plan, options, error);
	if (result == 0)
		result = moat_plan_check_identity(plan, error);
	if (result == 0)
		result = check_dumpable(plan, options, error);
	if (result == 0)
		result = plan_reports(spawn, plan, options, error);
	if (result == 0 && (policy->syscalls.has_notify || spawn->routed)) {
		result = plan_handoff(&handoff, plan, spawn->routed, options, error);
		spawn->handoff = &handoff;
	}
	if (result == 0) {
		spawn->plan = plan;
		spawn->keep = options ? options->keep_fds : NULL;
		spawn->keep_count = options ? options->keep_fd_count : 0;
		spawn->fd_map = options ? options->fd_map : NULL;
		spawn->fd_map_count = options ? options->fd_map_count : 0;
		result = start(child, spawn, options, error);
	}
	if (result == 0) {
		child->egress = plan->egress; /* the cgroup lives until the sandbox ends */
		plan->egress = NULL;
	}
	moat_handoff_plan_release(&handoff);
	moat_plan_free(plan);
	if (result == 0)
		child->report = spawn->report;
	else
		moat_report_release(spawn->report);
	return result;
}

/* The policy's limits that wait.c tells a limit's kill by. */
static void note_limits(moat_child *child, const moat_policy *policy)
{
	const struct moat_limit *cpu = &policy->limits.limits[MOAT_LIMIT_CPU];
	const struct moat_limit *as = &policy->limits.limits[MOAT_LIMIT_AS];

	if (cpu->present && cpu->hard != MOAT_LIMIT_UNLIMITED)
		child->cpu_hard = cpu->hard;
	if (as->present && as->soft != MOAT_LIMIT_UNLIMITED)
		child->as_soft = as->soft;
}

int moat_spawn_target(moat_child **out, const moat_policy *policy,
                      const struct moat_spawn_target *target,
                      const struct moat_sandbox_options *options, struct moat_error *error)
{
	struct spawn spawn = {
	        .path = target->path, .argv = target->argv, .target = target, .handoff_socket = -1};
	moat_child *child;
	int result = check_arguments(target, options, error);

	if (result < 0)
		return result;
	if (!out || !policy)
		return moat_error_set(error, -EINVAL, "no policy or no place for the child");
	child = calloc(1, sizeof(*child));
	if (!child)
		return moat_error_set(error, -ENOMEM, "out of memory");
	result = prepare_and_start(child, &spawn, policy, options, error);
	if (result < 0) {
		free(child);
		return result;
	}
	child->supervisor = options ? options->supervisor : NULL;
	note_limits(child, policy);
	*out = child;
	return 0;
}

int moat_spawn(moat_child **out, const moat_policy *policy, const char *path, char *const argv[],
               const struct moat_sandbox_options *options, struct moat_error *error)
{
	struct moat_spawn_target target = {.path = path, .argv = argv};

	return moat_spawn_target(out, policy, &target, options, error);
}

pid_t moat_child_pid(const moat_child *child)
{
	return child->pid;
}

int moat_child_pidfd(const moat_child *child)
{
	return child->pidfd;
}

int moat_child_kill(moat_child *child, int signal)
{
	if (child->reaped)
		return -ESRCH;
	if (syscall(SYS_pidfd_send_signal, child->pidfd, signal, NULL, 0) < 0)
		return -errno;
	return 0;
}

int moat_child_reports_kills(const moat_child *child)
{
	return child->report && (child->report->routed & MOAT_ROUTE_KILL);
}

size_t moat_child_refusal_count(const moat_child *child)
{
	return child->report ? moat_report_refusal_count(child->report) : 0;
}

int moat_child_refusal(const moat_child *child, size_t index, struct moat_reported_call *call)
{
	if (!child->report)
		return -ERANGE;
	return moat_report_refusal(child->report, index, call);
}

void moat_child_free(moat_child *child)
{
	int status;

	if (!child)
		return;
	if (!child->reaped) {
		moat_child_kill(child, SIGKILL);
		moat_child_wait(child, &status);
	}
	close(child->pidfd);
	if (child->status_fd >= 0)
		close(child->status_fd);
	moat_report_release(child->report);
	moat_egress_release(child->egress);
	free(child);
}
