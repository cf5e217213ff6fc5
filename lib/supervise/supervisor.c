// SPDX-License-Identifier: MIT
/* The supervisor handle: creating, adding sandboxes, serving from a thread, freeing. */
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/options.h"
#include "supervise/report.h"
#include "supervise/supervise.h"
#include "util/error.h"

/* The kernel's notification may be larger than the headers' one; it says how large. */
static int notification_size(size_t *size)
{
	struct seccomp_notif_sizes sizes = {0};

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		return -errno;
	*size = sizes.seccomp_notif > sizeof(struct seccomp_notif) ? sizes.seccomp_notif
	                                                           : sizeof(struct seccomp_notif);
	return 0;
}

/* Threads beyond this serve no more calls: the wake-ups, not moat's code, are the limit. */
#define MAXIMUM_SHARDS 64

/* The CPUs this process may run on: the default number of serving threads. */
static unsigned cpu_count(void)
{
	cpu_set_t set;
	int count;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	count = CPU_COUNT(&set);
	return count < 1 ? 1 : count > MAXIMUM_SHARDS ? MAXIMUM_SHARDS : (unsigned)count;
}

static int prepare_shard(struct moat_supervisor *supervisor, struct moat_shard *shard)
{
	struct epoll_event stop = {.events = EPOLLIN, .data.ptr = &supervisor->stop_watch};

	shard->request = calloc(1, supervisor->request_size);
	if (!shard->request)
		return -ENOMEM;
	shard->epoll = epoll_create1(EPOLL_CLOEXEC);
	if (shard->epoll < 0 || epoll_ctl(shard->epoll, EPOLL_CTL_ADD, supervisor->stop, &stop) < 0)
		return -errno;
	return 0;
}

/*
 * One shard is served through its own epoll; several are watched through
 * the supervisor's, so that a host's loop still has one descriptor.
 */
static int prepare_shards(struct moat_supervisor *supervisor)
{
	for (unsigned i = 0; i < supervisor->shard_count; i++) {
		int result = prepare_shard(supervisor, &supervisor->shards[i]);

		if (result < 0)
			return result;
	}
	if (supervisor->shard_count == 1) {
		supervisor->epoll = supervisor->shards[0].epoll;
		return 0;
	}
	supervisor->epoll = epoll_create1(EPOLL_CLOEXEC);
	if (supervisor->epoll < 0)
		return -errno;
	for (unsigned i = 0; i < supervisor->shard_count; i++) {
		struct moat_shard *shard = &supervisor->shards[i];
		struct epoll_event event = {.events = EPOLLIN, .data.ptr = &shard->watch};

		if (epoll_ctl(supervisor->epoll, EPOLL_CTL_ADD, shard->epoll, &event) < 0)
			return -errno;
	}
	return 0;
}

static int prepare(struct moat_supervisor *supervisor, struct moat_error *error)
{
	int result = notification_size(&supervisor->request_size);

	if (result < 0)
		return moat_error_set(error, result, "the kernel has no seccomp user notification");
	supervisor->stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (supervisor->stop < 0)
		return moat_error_set(error, -errno, "cannot create the supervisor's stop event");
	result = prepare_shards(supervisor);
	if (result < 0)
		return moat_error_set(error, result,
		                      "cannot create the supervisor's epoll instances");
	/* No core dump of the supervisor, no ptrace or /proc/PID/mem from its user's processes. */
	supervisor->made_undumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return moat_error_set(error, -errno, "cannot make the supervisor non-dumpable");
	return 0;
}

static void init_shards(struct moat_supervisor *supervisor)
{
	for (unsigned i = 0; i < supervisor->shard_count; i++) {
		struct moat_shard *shard = &supervisor->shards[i];

		shard->supervisor = supervisor;
		shard->epoll = -1;
		shard->watch.kind = MOAT_WATCH_SHARD;
		shard->addfd_send = true;
		shard->sync_wake_up = !(supervisor->flags & MOAT_SUPERVISOR_NO_SYNC_WAKE_UP);
		pthread_mutex_init(&shard->lock, NULL);
	}
}

static void init_handler_lock(struct moat_supervisor *supervisor)
{
	pthread_rwlockattr_t attributes;

	/* moat_supervisor_handle() must not wait for ever behind busy serving threads. */
	pthread_rwlockattr_init(&attributes);
	pthread_rwlockattr_setkind_np(&attributes, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&supervisor->handler_lock, &attributes);
	pthread_rwlockattr_destroy(&attributes);
}

bool moat_supervisor_made_undumpable(const struct moat_supervisor *supervisor)
{
	return supervisor->made_undumpable;
}

int moat_supervisor_new(moat_supervisor **out, const struct moat_supervisor_options *options,
                        struct moat_error *error)
{
	struct moat_supervisor *supervisor;
	unsigned threads = options ? options->threads : 0;
	int result;

	*out = NULL;
	result = moat_options_check_version(options, options ? options->version : 0,
	                                    MOAT_SUPERVISOR_OPTIONS_VERSION,
	                                    "struct moat_supervisor_options", error);
	if (result < 0)
		return result;
	supervisor = calloc(1, sizeof(*supervisor));
	if (!supervisor)
		return moat_error_set(error, -ENOMEM, "out of memory");
	supervisor->epoll = -1;
	supervisor->stop = -1;
	supervisor->stop_watch.kind = MOAT_WATCH_STOP;
	supervisor->flags = options ? options->flags : 0;
	init_handler_lock(supervisor);
	supervisor->shard_count = threads == 0               ? cpu_count()
	                          : threads > MAXIMUM_SHARDS ? MAXIMUM_SHARDS
	                                                     : threads;
	supervisor->shards = calloc(supervisor->shard_count, sizeof(*supervisor->shards));
	if (!supervisor->shards) {
		supervisor->shard_count = 0;
		moat_supervisor_free(supervisor);
		return moat_error_set(error, -ENOMEM, "out of memory");
	}
	init_shards(supervisor);
	result = prepare(supervisor, error);
	if (result < 0) {
		moat_supervisor_free(supervisor);
		return result;
	}
	*out = supervisor;
	return 0;
}

int moat_supervisor_add(moat_supervisor *supervisor, int listener_fd, const moat_policy *policy,
                        pid_t pid, struct moat_error *error)
{
	return moat_supervisor_add_reported(supervisor, listener_fd, policy, pid, NULL, error);
}

/* The shard with the fewest sandboxes, which serves the next one. */
static struct moat_shard *least_busy(struct moat_supervisor *supervisor)
{
	struct moat_shard *best = &supervisor->shards[0];
	size_t fewest = SIZE_MAX;

	for (unsigned i = 0; i < supervisor->shard_count; i++) {
		struct moat_shard *shard = &supervisor->shards[i];
		size_t count;

		pthread_mutex_lock(&shard->lock);
		count = shard->sandbox_count;
		pthread_mutex_unlock(&shard->lock);
		if (count < fewest) {
			fewest = count;
			best = shard;
		}
	}
	return best;
}

int moat_supervisor_add_reported(struct moat_supervisor *supervisor, int listener_fd,
                                 const struct moat_policy *policy, pid_t pid,
                                 struct moat_report *report, struct moat_error *error)
{
	struct epoll_event event = {.events = EPOLLIN};
	struct moat_sandbox *sandbox;
	struct moat_shard *shard;
	int result;

	if (listener_fd < 0)
		return moat_error_set(error, -EBADF, "no listener to serve");
	sandbox = calloc(1, sizeof(*sandbox));
	if (!sandbox) {
		close(listener_fd);
		return moat_error_set(error, -ENOMEM, "out of memory");
	}
	sandbox->watch.kind = MOAT_WATCH_SANDBOX;
	sandbox->listener = listener_fd;
	sandbox->pid = pid;
	result = moat_grants_build(&sandbox->grants, policy, error);
	if (result < 0) {
		close(listener_fd);
		free(sandbox);
		return result;
	}
	if (fcntl(listener_fd, F_SETFD, FD_CLOEXEC) < 0) {
		result =
		        moat_error_set(error, -errno, "not a listener: %s", strerrordesc_np(errno));
		moat_grants_release(&sandbox->grants);
		close(listener_fd);
		free(sandbox);
		return result;
	}
	/* Before the listener is watched: its first notification may be a routed kill. */
	if (report)
		sandbox->report = moat_report_hold(report);
	event.data.ptr = &sandbox->watch;
	shard = least_busy(supervisor);
	sandbox->shard = shard;
	pthread_mutex_lock(&shard->lock);
	moat_loop_prepare_listener(shard, listener_fd);
	if (epoll_ctl(shard->epoll, EPOLL_CTL_ADD, listener_fd, &event) < 0) {
		result = moat_error_set(error, -errno, "cannot watch the listener: %s",
		                        strerrordesc_np(errno));
	} else {
		sandbox->next = shard->sandboxes;
		shard->sandboxes = sandbox;
		shard->sandbox_count++;
	}
	pthread_mutex_unlock(&shard->lock);
	if (result < 0) {
		moat_grants_release(&sandbox->grants);
		moat_report_release(sandbox->report);
		close(listener_fd);
		free(sandbox);
	}
	return result;
}

int moat_supervisor_fd(const moat_supervisor *supervisor)
{
	return supervisor->epoll;
}

static int sandboxes_served(struct moat_supervisor *supervisor)
{
	size_t total = 0;

	for (unsigned i = 0; i < supervisor->shard_count; i++) {
		pthread_mutex_lock(&supervisor->shards[i].lock);
		total += supervisor->shards[i].sandbox_count;
		pthread_mutex_unlock(&supervisor->shards[i].lock);
	}
	return (int)total;
}

static struct moat_shard *shard_of(struct moat_watch *watch)
{
	return (struct moat_shard *)(void *)((char *)watch - offsetof(struct moat_shard, watch));
}

int moat_supervisor_dispatch(moat_supervisor *supervisor, int timeout_ms)
{
	struct epoll_event events[MAXIMUM_SHARDS];
	int count;

	if (supervisor->threads_started)
		return -EBUSY;
	if (supervisor->shard_count == 1)
		return moat_loop_serve(&supervisor->shards[0], timeout_ms);
	count = epoll_wait(supervisor->epoll, events, MAXIMUM_SHARDS, timeout_ms);
	if (count < 0 && errno != EINTR)
		return -errno;
	for (int i = 0; i < count; i++) {
		int result = moat_loop_serve(shard_of(events[i].data.ptr), 0);

		if (result < 0)
			return result;
	}
	return sandboxes_served(supervisor);
}

static bool stopping(struct moat_supervisor *supervisor)
{
	return __atomic_load_n(&supervisor->stopping, __ATOMIC_ACQUIRE);
}

static void *serve(void *argument)
{
	struct moat_shard *shard = argument;
	sigset_t all;

	/* The host's signals belong to its own threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	while (!stopping(shard->supervisor) && moat_loop_serve(shard, -1) >= 0)
		continue;
	return NULL;
}

/* Ends the first `count` threads: the stop event wakes every shard's epoll. */
static void stop_threads(struct moat_supervisor *supervisor, unsigned count)
{
	uint64_t one = 1;
	ssize_t written;

	__atomic_store_n(&supervisor->stopping, true, __ATOMIC_RELEASE);
	written = write(supervisor->stop, &one, sizeof(one));
	(void)written; /* an eventfd with room: cannot fail */
	for (unsigned i = 0; i < count; i++)
		pthread_join(supervisor->shards[i].thread, NULL);
	supervisor->threads_started = false;
}

int moat_supervisor_start(moat_supervisor *supervisor, struct moat_error *error)
{
	if (supervisor->threads_started)
		return moat_error_set(error, -EBUSY, "the supervisor's threads already run");
	for (unsigned i = 0; i < supervisor->shard_count; i++) {
		int result = pthread_create(&supervisor->shards[i].thread, NULL, serve,
		                            &supervisor->shards[i]);

		if (result != 0) {
			stop_threads(supervisor, i);
			__atomic_store_n(&supervisor->stopping, false, __ATOMIC_RELEASE);
			return moat_error_set(error, -result,
			                      "cannot start the supervisor's threads: %s",
			                      strerrordesc_np(result));
		}
	}
	supervisor->threads_started = true;
	return 0;
}

static void free_shard(struct moat_shard *shard)
{
	while (shard->sandboxes) {
		struct moat_sandbox *next = shard->sandboxes->next;

		moat_sandbox_free(shard->sandboxes);
		shard->sandboxes = next;
	}
	if (shard->epoll >= 0)
		close(shard->epoll);
	free(shard->request);
	pthread_mutex_destroy(&shard->lock);
}

void moat_supervisor_free(moat_supervisor *supervisor)
{
	if (!supervisor)
		return;
	if (supervisor->threads_started)
		stop_threads(supervisor, supervisor->shard_count);
	for (unsigned i = 0; i < supervisor->shard_count; i++)
		free_shard(&supervisor->shards[i]);
	if (supervisor->shard_count > 1 && supervisor->epoll >= 0)
		close(supervisor->epoll);
	if (supervisor->stop >= 0)
		close(supervisor->stop);
	free(supervisor->shards);
	moat_handlers_release(supervisor);
	pthread_rwlock_destroy(&supervisor->handler_lock);
	free(supervisor);
}
