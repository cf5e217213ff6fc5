/* SPDX-License-Identifier: MIT */
/*
 * Denial reports: what the supervisor records about the calls a policy
 * kills or refuses, shared by the supervisor's entry for a sandbox and the
 * moat_child handle that reads it (docs/authoring.md).
 *
 * With reports, the filter's `kill` and (when asked) `errno` returns are
 * routed to the supervisor (seccomp/split.h). For each routed notification
 * the supervisor runs the whole policy's filter, in which kill is kill, over
 * the notification's seccomp_data to learn the action and the deciding
 * statement, records them, and then:
 *  - kill: never lets the call run. It signals the calling thread with
 *    SIGSYS when that thread neither catches, blocks nor ignores it (the
 *    status is then the kernel's own kill's), else the process with SIGKILL;
 *    a thread that notifies again gets SIGKILL, and so does a process still
 *    alive after MOAT_SIGSYS_GRACE_MS, which the loop times without waiting
 *    (loop.c). The notification is never answered.
 *  - errno: answers with that errno, as the kernel would have.
 * The record is written on the serving thread and read by any thread, under
 * the record's lock; the record lives until both sides dropped it.
 */
#ifndef MOAT_SUPERVISE_REPORT_H
#define MOAT_SUPERVISE_REPORT_H

#include <linux/seccomp.h>
#include <pthread.h>
#include <stdbool.h>

#include "moat.h"

/* How long a process that was sent SIGSYS may take to die before it gets SIGKILL. */
#define MOAT_SIGSYS_GRACE_MS 200

struct moat_report {
	pthread_mutex_t lock;
	unsigned references;
	unsigned routed;    /* MOAT_ROUTE_* */
	moat_filter *whole; /* the policy's filter, kill as kill: what decided */
	bool killed;
	struct moat_reported_call kill; /* the first kill */
	pid_t last_killed_thread;
	struct moat_reported_call *refusals;
	size_t refusal_count;
	size_t refusal_capacity;
};

/*
 * A record for a sandbox whose `routed` actions go to the supervisor.
 * `whole` is the policy's own filter, already compiled for the plan: the
 * record takes it on success (compiling it a second time cost as much as
 * the plan's compile), and frees it with the last reference.
 */
int moat_report_new(struct moat_report **report, moat_filter *whole, unsigned routed,
                    struct moat_error *error);

struct moat_report *moat_report_hold(struct moat_report *report);

/* Drops one reference; the last one frees the record. Accepts NULL. */
void moat_report_release(struct moat_report *report);

/*
 * On the serving thread: decides notification `request` from `listener`
 * when the policy routed it for a report. Returns true when it did (the
 * call was killed, or answered with its errno), false when the policy's
 * own `notify` decides it and the broker or a handler should answer.
 * `*grace_pidfd` is -1, or, when the caller was sent SIGSYS, a pidfd of its
 * process that the caller of this function owns and must send SIGKILL
 * through MOAT_SIGSYS_GRACE_MS later, or at once when it cannot wait.
 */
bool moat_report_decide(struct moat_report *report, int listener,
                        const struct seccomp_notif *request, int *grace_pidfd);

/* The first kill, copied; false when none was recorded. */
bool moat_report_kill(struct moat_report *report, struct moat_reported_call *call);

size_t moat_report_refusal_count(struct moat_report *report);
int moat_report_refusal(struct moat_report *report, size_t index, struct moat_reported_call *call);

#endif /* MOAT_SUPERVISE_REPORT_H */
