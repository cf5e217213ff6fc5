// SPDX-License-Identifier: MIT
/* The supervisor handle: creating, adding sandboxes, serving from a thread, freeing. */
#include <errno.h>
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

static int prepare(struct moat_supervisor *supervisor, struct moat_error *error)
{
	struct epoll_event event = {.events = EPOLLIN, .data.ptr = &supervisor->stop_watch};
	int result = notification_size(&supervisor->request_size);

	if (result < 0)
		return moat_error_set(error, result, "the kernel has no seccomp user notification");
	supervisor->request = calloc(1, supervisor->request_size);
	if (!supervisor->request)
		return moat_error_set(error, -ENOMEM, "out of memory");
	supervisor->epoll = epoll_create1(EPOLL_CLOEXEC);
	if (supervisor->epoll < 0)
		return moat_error_set(error, -errno, "cannot create an epoll instance");
	supervisor->stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (supervisor->stop < 0 ||
	    epoll_ctl(supervisor->epoll, EPOLL_CTL_ADD, supervisor->stop, &event) < 0)
		return moat_error_set(error, -errno, "cannot create the supervisor's stop event");
	/* No core dump of the supervisor, no ptrace or /proc/PID/mem from its user's processes. */
	supervisor->made_undumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return moat_error_set(error, -errno, "cannot make the supervisor non-dumpable");
	return 0;
}

bool moat_supervisor_made_undumpable(const struct moat_supervisor *supervisor)
{
	return supervisor->made_undumpable;
}

int moat_supervisor_new(moat_supervisor **out, const struct moat_supervisor_options *options,
                        struct moat_error *error)
{
	struct moat_supervisor *supervisor;
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
	supervisor->addfd_send = true;
	supervisor->sync_wake_up = !(supervisor->flags & MOAT_SUPERVISOR_NO_SYNC_WAKE_UP);
	pthread_mutex_init(&supervisor->lock, NULL);
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

int moat_supervisor_add_reported(struct moat_supervisor *supervisor, int listener_fd,
                                 const struct moat_policy *policy, pid_t pid,
                                 struct moat_report *report, struct moat_error *error)
{
	struct epoll_event event = {.events = EPOLLIN};
	struct moat_sandbox *sandbox;
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
	pthread_mutex_lock(&supervisor->lock);
	moat_loop_prepare_listener(supervisor, listener_fd);
	if (epoll_ctl(supervisor->epoll, EPOLL_CTL_ADD, listener_fd, &event) < 0) {
		result = moat_error_set(error, -errno, "cannot watch the listener: %s",
		                        strerrordesc_np(errno));
	} else {
		sandbox->next = supervisor->sandboxes;
		supervisor->sandboxes = sandbox;
		supervisor->sandbox_count++;
	}
	pthread_mutex_unlock(&supervisor->lock);
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

int moat_supervisor_dispatch(moat_supervisor *supervisor, int timeout_ms)
{
	if (supervisor->thread_started)
		return -EBUSY;
	return moat_loop_serve(supervisor, timeout_ms);
}

static bool stopping(struct moat_supervisor *supervisor)
{
	bool result;

	pthread_mutex_lock(&supervisor->lock);
	result = supervisor->stopping;
	pthread_mutex_unlock(&supervisor->lock);
	return result;
}

static void *serve(void *argument)
{
	struct moat_supervisor *supervisor = argument;
	sigset_t all;

	/* The host's signals belong to its own threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	while (!stopping(supervisor) && moat_loop_serve(supervisor, -1) >= 0)
		continue;
	return NULL;
}

int moat_supervisor_start(moat_supervisor *supervisor, struct moat_error *error)
{
	int result;

	if (supervisor->thread_started)
		return moat_error_set(error, -EBUSY, "the supervisor's thread already runs");
	result = pthread_create(&supervisor->thread, NULL, serve, supervisor);
	if (result != 0)
		return moat_error_set(error, -result, "cannot start the supervisor's thread: %s",
		                      strerrordesc_np(result));
	supervisor->thread_started = true;
	return 0;
}

static void stop_thread(struct moat_supervisor *supervisor)
{
	uint64_t one = 1;
	ssize_t written;

	pthread_mutex_lock(&supervisor->lock);
	supervisor->stopping = true;
	pthread_mutex_unlock(&supervisor->lock);
	written = write(supervisor->stop, &one, sizeof(one));
	(void)written; /* an eventfd with room: cannot fail */
	pthread_join(supervisor->thread, NULL);
	supervisor->thread_started = false;
}

void moat_supervisor_free(moat_supervisor *supervisor)
{
	if (!supervisor)
		return;
	if (supervisor->thread_started)
		stop_thread(supervisor);
	while (supervisor->sandboxes) {
		struct moat_sandbox *next = supervisor->sandboxes->next;

		moat_sandbox_free(supervisor, supervisor->sandboxes);
		supervisor->sandboxes = next;
	}
	if (supervisor->stop >= 0)
		close(supervisor->stop);
	if (supervisor->epoll >= 0)
		close(supervisor->epoll);
	moat_handlers_release(supervisor);
	free(supervisor->request);
	pthread_mutex_destroy(&supervisor->lock);
	free(supervisor);
}
