// SPDX-License-Identifier: MIT
/* Denial reports on the serving thread: what decided a routed call, recorded, then enforced. */
#include "supervise/report.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp/split.h"
#include "supervise/supervise.h"
#include "util/error.h"

int moat_report_new(struct moat_report **out, moat_filter *whole, unsigned routed,
                    struct moat_error *error)
{
	struct moat_report *report = calloc(1, sizeof(*report));

	*out = NULL;
	if (!report)
		return moat_error_set(error, -ENOMEM, "out of memory");
	report->whole = whole;
	pthread_mutex_init(&report->lock, NULL);
	report->references = 1;
	report->routed = routed;
	*out = report;
	return 0;
}

struct moat_report *moat_report_hold(struct moat_report *report)
{
	pthread_mutex_lock(&report->lock);
	report->references++;
	pthread_mutex_unlock(&report->lock);
	return report;
}

void moat_report_release(struct moat_report *report)
{
	unsigned left;

	if (!report)
		return;
	pthread_mutex_lock(&report->lock);
	left = --report->references;
	pthread_mutex_unlock(&report->lock);
	if (left)
		return;
	moat_filter_free(report->whole);
	free(report->refusals);
	pthread_mutex_destroy(&report->lock);
	free(report);
}

static void describe(struct moat_reported_call *call, const struct seccomp_notif *request,
                     const struct moat_decision *decision)
{
	memset(call, 0, sizeof(*call));
	call->syscall = request->data.nr;
	memcpy(call->args, request->data.args, sizeof(call->args));
	call->action = decision->action;
	if (decision->location.file)
		snprintf(call->file, sizeof(call->file), "%s", decision->location.file);
	call->line = decision->location.line;
	call->column = decision->location.column;
	snprintf(call->statement, sizeof(call->statement), "%s", decision->statement);
	call->pid = (pid_t)request->pid;
	call->count = 1;
}

/* The thread's status line `name` as a number (hex for the signal masks); 0 when absent. */
static unsigned long long status_field(const char *status, const char *name, int base)
{
	const char *at = strstr(status, name);

	return at ? strtoull(at + strlen(name), NULL, base) : 0;
}

/*
 * Reads /proc/TID/status of the notifying thread: its process, and whether
 * SIGSYS would end that process as the kernel's own kill does (neither
 * caught, blocked by the thread, nor ignored).
 */
static int read_thread(pid_t tid, pid_t *process, bool *sigsys_fatal)
{
	char path[64], text[4096];
	unsigned long long bit = 1ULL << (SIGSYS - 1), masks;
	FILE *file;
	size_t length;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	file = fopen(path, "re");
	if (!file)
		return -errno;
	length = fread(text, 1, sizeof(text) - 1, file);
	fclose(file);
	text[length] = '\0';
	*process = (pid_t)status_field(text, "\nTgid:", 10);
	masks = status_field(text, "\nSigBlk:", 16) | status_field(text, "\nSigIgn:", 16) |
	        status_field(text, "\nSigCgt:", 16);
	*sigsys_fatal = !(masks & bit);
	return *process > 0 ? 0 : -ESRCH;
}

/*
 * Ends the process whose thread made a killed call, without ever answering
 * the call. The pidfd is taken while the call still waits (ID_VALID after
 * it), so it is the right process and no reused pid. Returns that pidfd
 * when SIGSYS was sent (the caller owns it and sends SIGKILL after the
 * grace period; waiting here would stall every sandbox), else -1.
 */
static int kill_caller(struct moat_report *report, int listener,
                       const struct seccomp_notif *request)
{
	pid_t tid = (pid_t)request->pid, process = 0;
	bool sigsys_fatal = false, again = report->last_killed_thread == tid;
	int pidfd;

	report->last_killed_thread = tid;
	if (read_thread(tid, &process, &sigsys_fatal) < 0)
		return -1; /* the thread is gone: it cannot make the call */
	pidfd = (int)syscall(SYS_pidfd_open, process, 0);
	if (pidfd < 0 || !moat_notify_id_valid(listener, request->id)) {
		if (pidfd >= 0)
			close(pidfd);
		return -1;
	}
	if (sigsys_fatal && !again && syscall(SYS_tgkill, process, tid, SIGSYS) == 0)
		return pidfd;
	syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	close(pidfd);
	return -1;
}

static void record_refusal(struct moat_report *report, const struct moat_reported_call *call)
{
	for (size_t i = 0; i < report->refusal_count; i++) {
		struct moat_reported_call *seen = &report->refusals[i];

		if (seen->syscall == call->syscall &&
		    seen->action.errno_value == call->action.errno_value &&
		    seen->line == call->line && seen->column == call->column &&
		    !strcmp(seen->file, call->file)) {
			seen->count++;
			return;
		}
	}
	if (report->refusal_count == report->refusal_capacity) {
		size_t capacity = report->refusal_capacity ? 2 * report->refusal_capacity : 8;
		struct moat_reported_call *grown =
		        realloc(report->refusals, capacity * sizeof(*grown));

		if (!grown)
			return; /* the refusal still happens; only its record is lost */
		report->refusals = grown;
		report->refusal_capacity = capacity;
	}
	report->refusals[report->refusal_count++] = *call;
}

/*
 * `kill-thread` is decided as `kill`: the kernel itself ends the whole
 * process for a kill-thread in a process of one thread (seccomp's
 * KILL_THREAD with one thread raises the same SIGSYS as KILL_PROCESS), and
 * no signal ends only one thread of several, so there the supervisor ends
 * the process: a stronger kill, never a weaker one (docs/authoring.md).
 */
static bool is_kill(struct moat_action action)
{
	return action.kind == MOAT_ACTION_KILL_PROCESS || action.kind == MOAT_ACTION_KILL_THREAD;
}

bool moat_report_decide(struct moat_report *report, int listener,
                        const struct seccomp_notif *request, int *grace_pidfd)
{
	struct moat_decision decision;
	struct moat_reported_call call;
	uint64_t args[6];
	struct moat_reply reply = {.kind = MOAT_REPLY_ERRNO, .fd = -1};
	bool addfd_send = false;

	*grace_pidfd = -1;
	memcpy(args, request->data.args, sizeof(args));
	if (moat_decide_syscall(report->whole, request->data.nr, args, &decision) < 0)
		return false;
	describe(&call, request, &decision);
	if (is_kill(decision.action) && (report->routed & MOAT_ROUTE_KILL)) {
		pthread_mutex_lock(&report->lock);
		if (!report->killed)
			report->kill = call;
		report->killed = true;
		pthread_mutex_unlock(&report->lock);
		*grace_pidfd = kill_caller(report, listener, request);
		return true;
	}
	if (decision.action.kind == MOAT_ACTION_ERRNO && (report->routed & MOAT_ROUTE_ERRNO)) {
		pthread_mutex_lock(&report->lock);
		record_refusal(report, &call);
		pthread_mutex_unlock(&report->lock);
		reply.error = decision.action.errno_value;
		moat_notify_reply(listener, request->id, &reply, &addfd_send);
		return true;
	}
	return false;
}

bool moat_report_kill(struct moat_report *report, struct moat_reported_call *call)
{
	bool killed;

	pthread_mutex_lock(&report->lock);
	killed = report->killed;
	if (killed)
		*call = report->kill;
	pthread_mutex_unlock(&report->lock);
	return killed;
}

size_t moat_report_refusal_count(struct moat_report *report)
{
	size_t count;

	pthread_mutex_lock(&report->lock);
	count = report->refusal_count;
	pthread_mutex_unlock(&report->lock);
	return count;
}

int moat_report_refusal(struct moat_report *report, size_t index, struct moat_reported_call *call)
{
	int result = -ERANGE;

	pthread_mutex_lock(&report->lock);
	if (index < report->refusal_count) {
		*call = report->refusals[index];
		result = 0;
	}
	pthread_mutex_unlock(&report->lock);
	return result;
}
