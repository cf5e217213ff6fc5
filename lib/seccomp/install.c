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
#include "util/error.h"

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
	switch (code) {
	case -ESRCH:
		return moat_error_set(error, code,
		                      "cannot install the seccomp filter on every thread: a thread "
		                      "has seccomp filters the calling thread does not have");
	case -EBUSY:
		return moat_error_set(error, code,
		                      "cannot get a seccomp listener: a filter already installed "
		                      "in this process has one");
	case -EINVAL:
		return moat_error_set(
		        error, code, "the kernel refused the seccomp filter%s (seccomp(2): %s)",
		        flags ? " or its flags (TSYNC, NEW_LISTENER, TSYNC_ESRCH)" : "",
		        strerrordesc_np(-code));
	}
	return moat_error_set(error, code, "cannot install the seccomp filter: %s",
	                      strerrordesc_np(-code));
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
		return moat_error_set(error, -EINVAL, "invalid seccomp install flags %#x", flags);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return moat_error_set(error, -errno, "cannot set no_new_privs: %s",
		                      strerrordesc_np(errno));
	if (!filter->present) {
		if (flags & MOAT_SECCOMP_LISTENER)
			return moat_error_set(error, -EINVAL,
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
		return moat_error_set(error, -ESRCH,
		                      "cannot install the seccomp filter on every thread: thread "
		                      "%ld has seccomp filters the calling thread does not have",
		                      rc);
	return 0;
}
