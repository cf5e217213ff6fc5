// SPDX-License-Identifier: MIT
/*
 * The epoll loop of one shard (supervise.h): every listener and every
 * brokered connect in progress of its sandboxes is one registration, every
 * killed process in its grace period two. Each readable listener yields one
 * notification, and every notification gets exactly one answer: a
 * handler's, the broker's, or EACCES. Nothing a sandbox does stops the loop:
 * a notification that went stale (its thread died or was interrupted) makes
 * a receive or a reply fail with ENOENT, which is ignored; a listener that
 * hangs up (no process uses its filter any more) ends that sandbox only.
 * Shards share nothing but the handler table, read under its lock.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "supervise/report.h"
#include "supervise/supervise.h"
#include "syscalls/syscalls.h"

#define BATCH 64

/*
 * SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP hands one CPU back and forth between a
 * sandbox and the supervisor: the fastest round trip for one busy sandbox
 * (no wake-up of another CPU), but with several busy sandboxes it keeps them
 * all on that one CPU. So the supervisor keeps it on while one sandbox has
 * it to itself (ALONE calls in a row), and turns it off on every listener
 * when CROWD changes of caller come without such a streak.
 */
#define ALONE 256
#define CROWD 32

/*
 * Killed processes one sandbox may have in their grace period at once (two
 * descriptors each); beyond it SIGKILL comes at once, so that no sandbox
 * can use up the supervisor's descriptors.
 */
#define PENDING_KILLS_MAX 16

#define CONTAINER(pointer, type) ((type *)(void *)((char *)(pointer)-offsetof(type, watch)))

static void bury(struct moat_shard *shard, struct moat_watch *watch)
{
	watch->dead = true;
	watch->next_dead = shard->dead;
	shard->dead = watch;
}

static void free_pending(struct moat_shard *shard, struct moat_pending_connect *pending)
{
	epoll_ctl(shard->epoll, EPOLL_CTL_DEL, pending->socket, NULL);
	close(pending->socket);
	free(pending);
}

static void send_kill(int pidfd)
{
	/* ESRCH when it already ended: nothing left to do. */
	syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
}

/* Ends the grace period early or on time: the process is killed either way. */
static void free_pending_kill(struct moat_shard *shard, struct moat_pending_kill *kill)
{
	send_kill(kill->pidfd);
	epoll_ctl(shard->epoll, EPOLL_CTL_DEL, kill->pidfd, NULL);
	close(kill->pidfd);
	if (kill->timer >= 0) {
		epoll_ctl(shard->epoll, EPOLL_CTL_DEL, kill->timer, NULL);
		close(kill->timer);
	}
	free(kill);
}

void moat_sandbox_free(struct moat_sandbox *sandbox)
{
	struct moat_shard *shard = sandbox->shard;

	while (sandbox->kills) {
		struct moat_pending_kill *next = sandbox->kills->next;

		free_pending_kill(shard, sandbox->kills);
		sandbox->kills = next;
	}
	while (sandbox->pending) {
		struct moat_pending_connect *next = sandbox->pending->next;

		free_pending(shard, sandbox->pending);
		sandbox->pending = next;
	}
	epoll_ctl(shard->epoll, EPOLL_CTL_DEL, sandbox->listener, NULL);
	/* Closing the listener fails whatever still waits with ENOSYS. */
	close(sandbox->listener);
	moat_grants_release(&sandbox->grants);
	moat_report_release(sandbox->report);
	free(sandbox);
}

void moat_loop_prepare_listener(const struct moat_shard *shard, int listener)
{
	/* Older kernels lack it; the loop works the same, only slower. */
	if (shard->sync_wake_up)
		moat_notify_set_sync_wake_up(listener, true);
}

static void set_sync_wake_up(struct moat_shard *shard, bool on)
{
	for (struct moat_sandbox *sandbox = shard->sandboxes; sandbox; sandbox = sandbox->next)
		moat_notify_set_sync_wake_up(sandbox->listener, on);
	shard->sync_wake_up = on;
}

static void adapt_wake_up(struct moat_shard *shard, const struct moat_sandbox *caller)
{
	if (shard->supervisor->flags & MOAT_SUPERVISOR_NO_SYNC_WAKE_UP)
		return;
	if (caller == shard->last_caller) {
		if (++shard->streak == ALONE) {
			shard->switches = 0;
			if (!shard->sync_wake_up)
				set_sync_wake_up(shard, true);
		}
		return;
	}
	shard->last_caller = caller;
	shard->streak = 0;
	if (++shard->switches == CROWD && shard->sync_wake_up)
		set_sync_wake_up(shard, false);
}

static void end_sandbox(struct moat_shard *shard, struct moat_sandbox *sandbox)
{
	struct moat_sandbox **link = &shard->sandboxes;

	while (*link != sandbox)
		link = &(*link)->next;
	*link = sandbox->next;
	shard->sandbox_count--;
	if (shard->last_caller == sandbox)
		shard->last_caller = NULL;
	for (struct moat_pending_connect *pending = sandbox->pending; pending;
	     pending = pending->next)
		pending->watch.dead = true;
	for (struct moat_pending_kill *kill = sandbox->kills; kill; kill = kill->next)
		kill->watch.dead = true;
	bury(shard, &sandbox->watch);
}

/*
 * A thread interrupted in a brokered connect leaves its connection behind
 * (a restarted call starts another); without this a sandbox could pile up
 * the supervisor's descriptors until each handshake timed out.
 */
static void drop_stale_pending(struct moat_shard *shard, struct moat_sandbox *sandbox)
{
	struct moat_pending_connect **link = &sandbox->pending;

	while (*link) {
		struct moat_pending_connect *pending = *link;

		if (moat_notify_id_valid(sandbox->listener, pending->id)) {
			link = &pending->next;
			continue;
		}
		*link = pending->next;
		epoll_ctl(shard->epoll, EPOLL_CTL_DEL, pending->socket, NULL);
		bury(shard, &pending->watch);
	}
}

int moat_pending_connect_add(struct moat_sandbox *sandbox, uint64_t id, int socket_fd, int target,
                             bool cloexec)
{
	struct moat_shard *shard = sandbox->shard;
	struct moat_pending_connect *pending;
	struct epoll_event event = {.events = EPOLLOUT};

	drop_stale_pending(shard, sandbox);
	pending = calloc(1, sizeof(*pending));
	if (!pending)
		return -ENOMEM;
	pending->watch.kind = MOAT_WATCH_CONNECT;
	pending->sandbox = sandbox;
	pending->id = id;
	pending->socket = socket_fd;
	pending->target = target;
	pending->cloexec = cloexec;
	event.data.ptr = &pending->watch;
	if (epoll_ctl(shard->epoll, EPOLL_CTL_ADD, socket_fd, &event) < 0) {
		int result = -errno;

		free(pending);
		return result;
	}
	pending->next = sandbox->pending;
	sandbox->pending = pending;
	return 0;
}

static void finish_connect(struct moat_shard *shard, struct moat_pending_connect *pending)
{
	struct moat_sandbox *sandbox = pending->sandbox;
	struct moat_pending_connect **link = &sandbox->pending;
	struct moat_reply reply;

	moat_broker_connect_finish(pending, &reply);
	moat_notify_reply(sandbox->listener, pending->id, &reply, &shard->addfd_send);
	while (*link != pending)
		link = &(*link)->next;
	*link = pending->next;
	epoll_ctl(shard->epoll, EPOLL_CTL_DEL, pending->socket, NULL);
	bury(shard, &pending->watch);
}

/* Watches `pidfd` and a timer for the grace period; false when it cannot. */
static bool watch_kill(struct moat_shard *shard, struct moat_pending_kill *kill)
{
	struct itimerspec grace = {.it_value = {.tv_sec = MOAT_SIGSYS_GRACE_MS / 1000,
	                                        .tv_nsec = MOAT_SIGSYS_GRACE_MS % 1000 * 1000000L}};
	struct epoll_event event = {.events = EPOLLIN, .data.ptr = &kill->watch};

	kill->timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (kill->timer < 0 || timerfd_settime(kill->timer, 0, &grace, NULL) < 0 ||
	    epoll_ctl(shard->epoll, EPOLL_CTL_ADD, kill->timer, &event) < 0)
		return false;
	return epoll_ctl(shard->epoll, EPOLL_CTL_ADD, kill->pidfd, &event) == 0;
}

/*
 * Gives a process sent SIGSYS the grace period to die from it without
 * waiting here, where every other sandbox waits too; it takes `pidfd`.
 * When it cannot (no room, no descriptors) the process is killed at once.
 */
static void add_pending_kill(struct moat_shard *shard, struct moat_sandbox *sandbox, int pidfd)
{
	struct moat_pending_kill *kill = NULL;

	if (sandbox->kill_count < PENDING_KILLS_MAX)
		kill = calloc(1, sizeof(*kill));
	if (!kill) {
		send_kill(pidfd);
		close(pidfd);
		return;
	}
	kill->watch.kind = MOAT_WATCH_KILL;
	kill->sandbox = sandbox;
	kill->pidfd = pidfd;
	if (!watch_kill(shard, kill)) {
		free_pending_kill(shard, kill);
		return;
	}
	kill->next = sandbox->kills;
	sandbox->kills = kill;
	sandbox->kill_count++;
}

/* The process ended or its grace period is over: SIGKILL, and the kill is done. */
static void finish_kill(struct moat_shard *shard, struct moat_pending_kill *kill)
{
	struct moat_sandbox *sandbox = kill->sandbox;
	struct moat_pending_kill **link = &sandbox->kills;

	send_kill(kill->pidfd);
	while (*link != kill)
		link = &(*link)->next;
	*link = kill->next;
	sandbox->kill_count--;
	bury(shard, &kill->watch);
}

static bool is_open(int syscall)
{
#ifdef SYS_open /* not on aarch64 and riscv64 */
	if (syscall == SYS_open)
		return true;
#endif
	return syscall == SYS_openat || syscall == SYS_openat2;
}

/* A handler's failure: its errno (the reply checks the range); its fd is closed. */
static void handler_failed(struct moat_reply *reply, int result)
{
	if (reply->kind == MOAT_REPLY_FD && reply->fd >= 0)
		close(reply->fd);
	*reply = (struct moat_reply){.kind = MOAT_REPLY_ERRNO, .error = -result, .fd = -1};
}

static void decide(struct moat_shard *shard, struct moat_sandbox *sandbox,
                   const struct seccomp_notif *received)
{
	struct moat_request request = {
	        .supervisor = shard->supervisor,
	        .sandbox = sandbox,
	        .notification = {.id = received->id,
	                         .pid = (pid_t)received->pid,
	                         .sandbox = sandbox->pid,
	                         .syscall = received->data.nr,
	                         .architecture = received->data.arch,
	                         .instruction_pointer = received->data.instruction_pointer},
	        .memory = {sandbox->listener, received->id, (pid_t)received->pid},
	};
	struct moat_reply reply = {.kind = MOAT_REPLY_ERRNO, .error = EACCES, .fd = -1};
	const struct moat_handler *handler =
	        moat_handler_find(shard->supervisor, received->data.nr);
	int grace_pidfd;

	memcpy(request.notification.args, received->data.args, sizeof(request.notification.args));
	/* Only moat's filter notifies, and it kills other ABIs first; refuse anything else. */
	if (received->data.arch != moat_native_audit_arch()) {
		reply.error = EACCES;
	} else if (sandbox->report &&
	           moat_report_decide(sandbox->report, sandbox->listener, received, &grace_pidfd)) {
		/* a kill or refusal the policy decided, routed here to be reported */
		if (grace_pidfd >= 0)
			add_pending_kill(shard, sandbox, grace_pidfd);
		return;
	} else if (handler) {
		int result = handler->function(&request.notification, &request.memory, &reply,
		                               handler->context);

		if (result < 0)
			handler_failed(&reply, result);
	} else if (is_open(received->data.nr)) {
		moat_broker_open(&request, &reply);
	} else if (received->data.nr == SYS_connect) {
		if (moat_broker_connect(&request, &reply) == 1)
			return; /* answered when the connection is made */
	}
	moat_notify_reply(sandbox->listener, received->id, &reply, &shard->addfd_send);
}

static void sandbox_event(struct moat_shard *shard, struct moat_sandbox *sandbox, uint32_t events)
{
	/* Waiting notifications first: a hang-up is reported again until they are answered. */
	if (events & EPOLLIN) {
		if (moat_notify_receive(sandbox->listener, shard->request,
		                        shard->supervisor->request_size) == 0) {
			adapt_wake_up(shard, sandbox);
			decide(shard, sandbox, shard->request);
		}
		return;
	}
	if (events & (EPOLLHUP | EPOLLERR))
		end_sandbox(shard, sandbox);
}

static void handle(struct moat_shard *shard, struct moat_watch *watch, uint32_t events)
{
	switch (watch->kind) {
	case MOAT_WATCH_SANDBOX:
		sandbox_event(shard, CONTAINER(watch, struct moat_sandbox), events);
		break;
	case MOAT_WATCH_CONNECT:
		finish_connect(shard, CONTAINER(watch, struct moat_pending_connect));
		break;
	case MOAT_WATCH_KILL:
		finish_kill(shard, CONTAINER(watch, struct moat_pending_kill));
		break;
	case MOAT_WATCH_STOP:  /* the threads' loops read `stopping` */
	case MOAT_WATCH_SHARD: /* only in the supervisor's epoll */
		break;
	}
}

/* Frees what ended during the batch. */
static void free_dead(struct moat_shard *shard)
{
	while (shard->dead) {
		struct moat_watch *watch = shard->dead;

		shard->dead = watch->next_dead;
		if (watch->kind == MOAT_WATCH_SANDBOX)
			moat_sandbox_free(CONTAINER(watch, struct moat_sandbox));
		else if (watch->kind == MOAT_WATCH_KILL)
			free_pending_kill(shard, CONTAINER(watch, struct moat_pending_kill));
		else
			free_pending(shard, CONTAINER(watch, struct moat_pending_connect));
	}
}

int moat_loop_serve(struct moat_shard *shard, int timeout_ms)
{
	struct epoll_event events[BATCH];
	int count = epoll_wait(shard->epoll, events, BATCH, timeout_ms);

	if (count < 0 && errno != EINTR)
		return -errno;
	pthread_rwlock_rdlock(&shard->supervisor->handler_lock);
	pthread_mutex_lock(&shard->lock);
	for (int i = 0; i < count; i++) {
		struct moat_watch *watch = events[i].data.ptr;

		if (!watch->dead)
			handle(shard, watch, events[i].events);
	}
	free_dead(shard);
	count = (int)shard->sandbox_count;
	pthread_mutex_unlock(&shard->lock);
	pthread_rwlock_unlock(&shard->supervisor->handler_lock);
	return count;
}
