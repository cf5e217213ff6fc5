// SPDX-License-Identifier: MIT
#include "seccomp/install.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp/filter.h"
#include "util/message.h"

static unsigned long kernel_flags(unsigned flags)
{
	unsigned long result = 0;

	if (flags & MOAT_SECCOMP_TSYNC)
		result |= SECCOMP_FILTER_FLAG_TSYNC;
	if (flags & MOAT_SECCOMP_LISTENER) {
		result |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* TSYNC reports a failed thread through the return value, which the listener needs.
		 */
		if (flags & MOAT_SECCOMP_TSYNC)
			result |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	}
	return result;
}

static int refused(struct moat_error *error, int code, unsigned flags)
{
	struct moat_message message;

	switch (code) {
	case -ESRCH:
		return moat_message_set(
		        error, code,
		        "cannot install the seccomp filter on every thread: a thread "
		        "has seccomp filters the calling thread does not have");
	case -EBUSY:
		return moat_message_set(error, code,
		                        "cannot get a seccomp listener: a filter already installed "
		                        "in this process has one");
	case -EINVAL:
		message = moat_message_begin(error, code);
		moat_message_put(&message, "the kernel refused the seccomp filter");
		if (flags)
			moat_message_put(&message,
			                 " or its flags (TSYNC, NEW_LISTENER, TSYNC_ESRCH)");
		moat_message_put(&message, " (seccomp(2): ");
		moat_message_put_reason(&message, -code);
		moat_message_put(&message, ")");
		return moat_message_end(&message);
	}
	return moat_message_set_reason(error, code, "cannot install the seccomp filter");
}

/* Thread `thread` (the kernel names it) kept filters this thread has not. */
static int unsynchronised(struct moat_error *error, long thread)
{
	struct moat_message message = moat_message_begin(error, -ESRCH);

	moat_message_put(&message, "cannot install the seccomp filter on every thread: thread ");
	moat_message_put_number(&message, thread);
	moat_message_put(&message, " has seccomp filters the calling thread does not have");
	return moat_message_end(&message);
}

int moat_seccomp_install(const moat_filter *filter, unsigned flags, int *listener_fd,
                         struct moat_error *error)
{
	struct sock_fprog program;
	long rc;

	if (listener_fd)
		*listener_fd = -1;
	if (flags & ~(unsigned)(MOAT_SECCOMP_TSYNC | MOAT_SECCOMP_LISTENER) ||
	    ((flags & MOAT_SECCOMP_LISTENER) && !listener_fd))
		return moat_message_set(error, -EINVAL, "invalid seccomp install flags");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return moat_message_set_reason(error, -errno, "cannot set no_new_privs");
	if (!filter->present) {
		if (flags & MOAT_SECCOMP_LISTENER)
			return moat_message_set(error, -EINVAL,
			                        "no seccomp listener without a [syscalls] section");
		return 0;
	}
	program.len = (unsigned short)filter->program.length;
	program.filter = filter->program.instructions;
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, kernel_flags(flags), &program);
	if (rc < 0)
		return refused(error, -errno, flags);
	if (flags & MOAT_SECCOMP_LISTENER) {
		*listener_fd = (int)rc;
		return 0;
	}
	if (rc > 0)
		return unsynchronised(error, rc);
	return 0;
}
