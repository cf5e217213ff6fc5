/* SPDX-License-Identifier: MIT */
/*
 * The message that hands a descriptor to another process: one byte ('L')
 * with the descriptor attached (SCM_RIGHTS). moat_listener_send() and the
 * learning run's child (lib/learn/observe.c) send a seccomp listener with
 * it; each makes its own sendmsg call (the learning child's is marked for
 * its filter). Filling one is async-signal-safe: no allocation, no locks.
 */
#ifndef MOAT_UTIL_FD_MESSAGE_H
#define MOAT_UTIL_FD_MESSAGE_H

#include <sys/socket.h>

struct moat_fd_message {
	struct msghdr header; /* what sendmsg takes; it points into this struct */
	struct iovec data;
	char byte;
	/* Last: clang folds CMSG_SPACE() to a constant only as a GNU extension. */
	union {
		struct cmsghdr header;
		char space[CMSG_SPACE(sizeof(int))];
	} control;
};

/* Fills `message` to carry `fd`. The struct must not move before it is sent. */
void moat_fd_message_init(struct moat_fd_message *message, int fd);

#endif /* MOAT_UTIL_FD_MESSAGE_H */
