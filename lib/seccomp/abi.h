/* SPDX-License-Identifier: MIT */
/*
 * seccomp's kernel interface newer than Debian 12's 6.1 headers, in one
 * place, as landlock/abi.h is for Landlock: every constant guarded with
 * #ifndef so that newer headers still compile, spelled as the kernel's
 * <linux/seccomp.h> spells it. Kernel constants only, no moat code, so any
 * module (the policy's constant table, the supervisor, the command) may
 * include it.
 */
#ifndef MOAT_SECCOMP_ABI_H
#define MOAT_SECCOMP_ABI_H

#include <linux/ioctl.h>
#include <linux/seccomp.h>
#include <linux/types.h>

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3) /* 5.0 */
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4) /* 5.7 */
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5) /* 5.19 */
#endif
#ifndef SECCOMP_GET_NOTIF_SIZES
#define SECCOMP_GET_NOTIF_SIZES 3 /* 5.0 */
#endif
#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U /* 5.0 */
#endif
#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND (1UL << 1) /* 5.14 */
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64) /* 6.6 */
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0) /* 6.6 */
#endif

#endif /* MOAT_SECCOMP_ABI_H */
