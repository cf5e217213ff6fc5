/* SPDX-License-Identifier: MIT */
/*
 * The supervisor's inside: what its files share. The public face is the
 * Supervisor section of moat.h; the listener hand-off that moat_spawn()
 * uses is handoff.h.
 *
 * One request flows through these files:
 *   loop.c          epoll says a listener is readable -> receive
 *   notification.c  SECCOMP_IOCTL_NOTIF_RECV, ID_VALID, SEND / ADDFD
 *   handlers.c      a host's handler for that syscall, if any, else
 *   broker_open.c   open/openat/openat2 below a granted path, or
 *   broker_connect.c  connect to a granted address (may finish later)
 *   memory.c        every read of the sandbox's memory, re-validated
 *   grants.c        the [broker] rules of one sandbox, paths opened
 */
#ifndef MOAT_SUPERVISE_H
#define MOAT_SUPERVISE_H

#include <limits.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "moat.h"
#include "policy/ir.h"
#include "seccomp/abi.h"
#include "util/arena.h"

/* ---- notifications (notification.c) -------------------------------------- */

/*
 * Receives one notification into `request` (`size` bytes, the kernel's
 * seccomp_notif size). Returns 0, -ENOENT when the caller went away between
 * readiness and receipt, or another negative errno.
 */
int moat_notify_receive(int listener, struct seccomp_notif *request, size_t size);

/* True while notification `id` still waits for its answer. */
bool moat_notify_id_valid(int listener, uint64_t id);

/* Turns synchronous wake-ups on or off; false when the kernel does not have them. */
bool moat_notify_set_sync_wake_up(int listener, bool on);

/*
 * Sends `reply` for notification `id`: a value, an errno (outside 1..4095
 * it becomes EACCES), or an fd injected with SECCOMP_IOCTL_NOTIF_ADDFD (and
 * SECCOMP_ADDFD_FLAG_SEND unless `*addfd_send` was cleared by an earlier
 * call on a kernel without it). A reply fd is always closed. A notification
 * that went away meanwhile is not an error: returns 0 or a negative errno
 * the loop can only ignore.
 */
int moat_notify_reply(int listener, uint64_t id, struct moat_reply *reply, bool *addfd_send);

/*
 * Puts `fd` in the caller of notification `id` at descriptor number
 * `target`, replacing what is there as dup2(2) would
 * (SECCOMP_ADDFD_FLAG_SETFD), close-on-exec when `cloexec`; does not answer.
 * Returns 0 or a negative errno (-ENOENT: the notification went away).
 */
int moat_notify_install_fd(int listener, uint64_t id, int fd, int target, bool cloexec);

/* ---- the sandbox's memory (memory.c) ------------------------------------- */

struct moat_memory {
	int listener;
	uint64_t id;
	pid_t pid;
};

/*
 * Reads without the validity check, for callers that read several things
 * and then check once: returns the bytes read (fewer at an unreadable page),
 * or a negative errno.
 */
ssize_t moat_memory_read_raw(const struct moat_memory *memory, uint64_t address, void *buffer,
                             size_t size);

/* The same for a string; returns its length or -ENAMETOOLONG/-EFAULT. */
int moat_memory_read_string_raw(const struct moat_memory *memory, uint64_t address, char *buffer,
                                size_t size);

/*
 * Where the decoders read the sandbox's memory: moat_memory_source() for a
 * sandbox's thread, a buffer in the fuzzer. `read` is moat_memory_read_raw()
 * in shape: the bytes read (fewer at an unreadable page) or a negative errno.
 */
struct moat_memory_source {
	ssize_t (*read)(const void *context, uint64_t address, void *buffer, size_t size);
	const void *context;
};

struct moat_memory_source moat_memory_source(const struct moat_memory *memory);

/* moat_memory_read_string_raw() from any source. */
int moat_memory_source_read_string(const struct moat_memory_source *source, uint64_t address,
                                   char *buffer, size_t size);

/* ---- decoding a brokered call (decode.c) --------------------------------- */

/* With O_PATH, open(2) ignores every flag but these. */
#define MOAT_O_PATH_FLAGS (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

struct moat_open_call {
	int dirfd;
	struct open_how how;
	char path[PATH_MAX];
};

/*
 * Reads open/openat/openat2 (`syscall`) with `args` as the kernel would:
 * the flags it keeps, openat2's `struct open_how` with its size checks, the
 * path (non-empty, NUL-terminated within PATH_MAX). An O_PATH open becomes
 * a read-only one. Returns 0 or the errno the call gets. The caller checks
 * afterwards that the notification still waits.
 */
int moat_decode_open(int syscall, const uint64_t args[6], const struct moat_memory_source *memory,
                     struct moat_open_call *call);

/*
 * Copies connect's address (`args[1]`, length `args[2]`) into `address`
 * and its length into `*length`. Returns 0, -EINVAL for a length connect
 * refuses, -EFAULT for memory that cannot be read.
 */
int moat_decode_sockaddr(const uint64_t args[6], const struct moat_memory_source *memory,
                         struct sockaddr_storage *address, size_t *length);

/* ---- grants: one sandbox's [broker] rules (grants.c) --------------------- */

struct moat_open_grant {
	int fd;           /* O_PATH, opened when the sandbox was added */
	bool write;       /* `open write` */
	bool directory;   /* a directory: everything below; else this file only */
	const char *name; /* the path as the policy wrote it, normalised */
	const char *real; /* the path the kernel reports for `fd`, or NULL when the same */
};

struct moat_connect_grant {
	struct sockaddr_storage address; /* as the policy wrote it: what a request must match */
	socklen_t length;
	struct sockaddr_storage target; /* what the supervisor connects to */
	socklen_t target_length;
	int fd; /* a unix socket's O_PATH descriptor, which `target` names; else -1 */
};

/* One name of a granted path; a grant has one or two. */
struct moat_grant_name {
	const struct moat_open_grant *grant;
	const char *path;
	size_t length;
};

struct moat_grants {
	struct moat_open_grant *opens;
	size_t open_count;
	struct moat_connect_grant *connects;
	size_t connect_count;
	struct moat_grant_name *names; /* every name of every open grant, longest first */
	size_t name_count;
	struct moat_arena arena; /* owns everything above */
};

/*
 * Copies the [broker] rules of `policy` (NULL: none) and opens every granted
 * path and unix socket, through no symlink the sandbox could have planted.
 */
int moat_grants_build(struct moat_grants *grants, const struct moat_policy *policy,
                      struct moat_error *error);

void moat_grants_release(struct moat_grants *grants);

/* True when connecting to `address` (`length` bytes, decoded) is what `grant` allows (decode.c). */
bool moat_connect_grant_matches(const struct moat_connect_grant *grant,
                                const struct sockaddr_storage *address, size_t length);

/*
 * Writes the absolute path `path` to `out` (`size` bytes) with repeated and
 * trailing slashes and `.` components removed (a trailing slash or `/.`
 * becomes one trailing slash); `..` stays, for the kernel to resolve.
 * Returns the length, or -ENAMETOOLONG.
 */
int moat_path_normalise(const char *path, char *out, size_t size);

/*
 * What `path` (normalised, absolute) is below the grant of `name`: NULL when
 * it is not (a file grant covers its own name only), "." for the granted
 * path itself, else the rest after the separator.
 */
const char *moat_grant_below(const struct moat_grant_name *name, const char *path);

/* ---- one notified call in progress --------------------------------------- */

struct moat_sandbox;

struct moat_request {
	struct moat_supervisor *supervisor;
	struct moat_sandbox *sandbox;
	struct moat_notification notification;
	struct moat_memory memory;
};

/* Opens the notifying thread's pidfd, checked to be the right thread. */
int moat_request_pidfd(const struct moat_request *request);

/* ---- the broker ---------------------------------------------------------- */

/* open, openat and openat2 below a granted path (broker_open.c). */
void moat_broker_open(const struct moat_request *request, struct moat_reply *reply);

/*
 * connect to a granted address (broker_connect.c). Returns 0 with `reply`
 * filled, or 1 when the connection is under way and the answer will come
 * from moat_broker_connect_finish() once the socket is writable.
 */
int moat_broker_connect(const struct moat_request *request, struct moat_reply *reply);

/* ---- the loop's objects (loop.c, supervisor.c) --------------------------- */

enum moat_watch_kind {
	MOAT_WATCH_SANDBOX,
	MOAT_WATCH_SHARD,
	MOAT_WATCH_CONNECT,
	MOAT_WATCH_KILL,
	MOAT_WATCH_STOP,
};

/*
 * The first member of everything registered with epoll. An object that ends
 * while a batch of events is handled is only marked dead and freed after
 * the batch, since a later event of the batch may still point to it.
 */
struct moat_watch {
	enum moat_watch_kind kind;
	bool dead;
	struct moat_watch *next_dead;
};

/* A brokered connect waiting for the socket to become writable. */
struct moat_pending_connect {
	struct moat_watch watch;
	struct moat_sandbox *sandbox;
	uint64_t id;
	int socket;   /* the supervisor's own, installed in the sandbox once connected */
	int target;   /* the descriptor number it replaces in the sandbox */
	bool cloexec; /* the sandbox's descriptor was close-on-exec */
	struct moat_pending_connect *next;
};

/*
 * A process sent SIGSYS for a killed call, given the grace period to die
 * from it: both descriptors are watched, and whichever fires first (the
 * process ended, or the time is up) sends SIGKILL through the pidfd.
 */
struct moat_pending_kill {
	struct moat_watch watch;
	struct moat_sandbox *sandbox;
	int pidfd;
	int timer; /* timerfd armed for MOAT_SIGSYS_GRACE_MS */
	struct moat_pending_kill *next;
};

struct moat_shard;

struct moat_sandbox {
	struct moat_watch watch;
	int listener;
	pid_t pid;
	struct moat_shard *shard;   /* the one that serves it, all its events included */
	struct moat_report *report; /* denial reports (report.h), or NULL */
	struct moat_grants grants;
	struct moat_pending_connect *pending;
	struct moat_pending_kill *kills;
	unsigned kill_count;
	struct moat_sandbox *next;
};

struct moat_handler {
	int syscall;
	moat_handler_fn *function;
	void *context;
};

/*
 * A share of the sandboxes with an epoll of its own, served by one thread at
 * a time: every descriptor of a sandbox (its listener, its connects under
 * way, its killed processes) is watched by its shard alone, so one thread
 * handles all of a sandbox's events, in the order the kernel queued its
 * notifications, and nothing of a sandbox is touched by two threads.
 */
struct moat_shard {
	struct moat_supervisor *supervisor;
	int epoll;
	struct moat_watch watch;                /* MOAT_WATCH_SHARD, in the supervisor's epoll */
	bool addfd_send;                        /* the kernel has SECCOMP_ADDFD_FLAG_SEND */
	bool sync_wake_up;                      /* its listeners have SYNC_WAKE_UP now (loop.c) */
	const struct moat_sandbox *last_caller; /* compared only, never followed */
	unsigned streak;                        /* calls in a row from last_caller */
	unsigned switches;                      /* changes of caller since a long streak */
	pthread_mutex_t lock;                   /* everything of the shard, against its thread */
	struct moat_sandbox *sandboxes;
	size_t sandbox_count;
	struct moat_watch *dead;       /* freed at the end of the batch */
	struct seccomp_notif *request; /* the kernel's size */
	pthread_t thread;
};

struct moat_supervisor {
	int epoll; /* the shards' epolls, when there are several; else shard 0's */
	int stop;  /* eventfd, in every shard's epoll, that ends the threads' loops */
	struct moat_watch stop_watch; /* MOAT_WATCH_STOP */
	unsigned flags;               /* MOAT_SUPERVISOR_* */
	struct moat_shard *shards;
	unsigned shard_count;
	size_t request_size;
	pthread_rwlock_t handler_lock; /* read while serving, written by moat_supervisor_handle() */
	struct moat_handler *handlers; /* sorted by syscall */
	size_t handler_count;
	bool made_undumpable; /* the process was dumpable until the supervisor came */
	bool threads_started;
	bool stopping; /* moat_supervisor_free() asks the threads to end (atomic) */
};

struct moat_report;

/*
 * moat_supervisor_add() for a sandbox whose kills or refusals are routed
 * here to be reported: the sandbox's entry holds `report` (NULL: none).
 */
int moat_supervisor_add_reported(struct moat_supervisor *supervisor, int listener_fd,
                                 const struct moat_policy *policy, pid_t pid,
                                 struct moat_report *report, struct moat_error *error);

/*
 * True when the process was dumpable until this supervisor made it not:
 * moat_spawn() may then let a sandbox child be dumpable again.
 */
bool moat_supervisor_made_undumpable(const struct moat_supervisor *supervisor);

/* The handler for `syscall`, or NULL (handlers.c). Called with handler_lock held. */
const struct moat_handler *moat_handler_find(const struct moat_supervisor *supervisor, int syscall);

/* Frees the handler table. */
void moat_handlers_release(struct moat_supervisor *supervisor);

/*
 * Registers a pending connect with epoll and links it to its sandbox
 * (loop.c); it takes `socket_fd` on success. Pending connects of the
 * sandbox whose notification went away are dropped first. On failure the
 * caller answers at once.
 */
int moat_pending_connect_add(struct moat_sandbox *sandbox, uint64_t id, int socket_fd, int target,
                             bool cloexec);

/* Answers a pending connect whose socket became writable (broker_connect.c). */
void moat_broker_connect_finish(const struct moat_pending_connect *pending,
                                struct moat_reply *reply);

/*
 * Waits up to `timeout_ms` for events of `shard` and handles them; returns
 * the number of sandboxes it serves, or a negative errno (loop.c).
 */
int moat_loop_serve(struct moat_shard *shard, int timeout_ms);

/* Sets the listener of a new sandbox to its shard's wake-up mode (loop.c). */
void moat_loop_prepare_listener(const struct moat_shard *shard, int listener);

/*
 * Closes and frees a sandbox, its listener and what it has pending, at once;
 * a pending kill is sent at once (loop.c).
 */
void moat_sandbox_free(struct moat_sandbox *sandbox);

#endif /* MOAT_SUPERVISE_H */
