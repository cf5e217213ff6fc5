/* SPDX-License-Identifier: MIT */
/*
 * Landlock's kernel interface, complete up to ABI 9, and raw syscall
 * wrappers. Debian 12's headers stop at ABI 2 (and glibc has no wrappers), so
 * every newer constant is defined here, guarded with #ifndef so that newer
 * headers still compile. The structures get moat's own names: the installed
 * `struct landlock_ruleset_attr` is too short for the network and scope
 * fields, and redefining a kernel name would clash with newer headers.
 *
 * The wrappers are async-signal-safe: they are single system calls.
 */
#ifndef MOAT_LANDLOCK_ABI_H
#define MOAT_LANDLOCK_ABI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/landlock.h>

#include "policy/ir.h"

/* The same numbers on every architecture but alpha (generic table, 5.13). */
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_add_rule
#define __NR_landlock_add_rule 445
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif

/* landlock_create_ruleset() flags. */
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_CREATE_RULESET_ERRATA
#define LANDLOCK_CREATE_RULESET_ERRATA (1U << 1) /* ABI 7 */
#endif

/* Filesystem rights. */
#ifndef LANDLOCK_ACCESS_FS_EXECUTE
#define LANDLOCK_ACCESS_FS_EXECUTE (1ULL << 0)
#endif
#ifndef LANDLOCK_ACCESS_FS_WRITE_FILE
#define LANDLOCK_ACCESS_FS_WRITE_FILE (1ULL << 1)
#endif
#ifndef LANDLOCK_ACCESS_FS_READ_FILE
#define LANDLOCK_ACCESS_FS_READ_FILE (1ULL << 2)
#endif
#ifndef LANDLOCK_ACCESS_FS_READ_DIR
#define LANDLOCK_ACCESS_FS_READ_DIR (1ULL << 3)
#endif
#ifndef LANDLOCK_ACCESS_FS_REMOVE_DIR
#define LANDLOCK_ACCESS_FS_REMOVE_DIR (1ULL << 4)
#endif
#ifndef LANDLOCK_ACCESS_FS_REMOVE_FILE
#define LANDLOCK_ACCESS_FS_REMOVE_FILE (1ULL << 5)
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_CHAR
#define LANDLOCK_ACCESS_FS_MAKE_CHAR (1ULL << 6)
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_DIR
#define LANDLOCK_ACCESS_FS_MAKE_DIR (1ULL << 7)
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_REG
#define LANDLOCK_ACCESS_FS_MAKE_REG (1ULL << 8)
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_SOCK
#define LANDLOCK_ACCESS_FS_MAKE_SOCK (1ULL << 9)
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_FIFO
#define LANDLOCK_ACCESS_FS_MAKE_FIFO (1ULL << 10)
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_BLOCK
#define LANDLOCK_ACCESS_FS_MAKE_BLOCK (1ULL << 11)
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_SYM
#define LANDLOCK_ACCESS_FS_MAKE_SYM (1ULL << 12)
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13) /* ABI 2 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_FS_RESOLVE_UNIX
#define LANDLOCK_ACCESS_FS_RESOLVE_UNIX (1ULL << 16) /* ABI 9: connect to pathname sockets */
#endif

/* Network rights (ABI 4). */
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#endif
#ifndef LANDLOCK_ACCESS_NET_CONNECT_TCP
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif

/* Scopes (ABI 6). */
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

/* landlock_restrict_self() flags: logging (ABI 7), all threads (ABI 8). */
#ifndef LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF
#define LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF (1U << 0)
#endif
#ifndef LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON
#define LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1)
#endif
#ifndef LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF
#define LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF (1U << 2)
#endif
#ifndef LANDLOCK_RESTRICT_SELF_TSYNC
#define LANDLOCK_RESTRICT_SELF_TSYNC (1U << 3)
#endif

/*
 * Rule types. The kernel headers define these as enumerators, which cannot be
 * tested with #ifndef, so moat uses names of its own with the kernel's values.
 */
enum {
	MOAT_LANDLOCK_RULE_PATH_BENEATH = 1,
	MOAT_LANDLOCK_RULE_NET_PORT = 2, /* ABI 4 */
};

/*
 * The ruleset attribute as of ABI 6. The kernel reads only the first `size`
 * bytes it is given, so a plan passes the size the running ABI knows.
 */
struct moat_landlock_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};

#define MOAT_LANDLOCK_RULESET_SIZE_ABI1                                                            \
	offsetof(struct moat_landlock_ruleset_attr, handled_access_net)
#define MOAT_LANDLOCK_RULESET_SIZE_ABI4 offsetof(struct moat_landlock_ruleset_attr, scoped)
#define MOAT_LANDLOCK_RULESET_SIZE_ABI6 sizeof(struct moat_landlock_ruleset_attr)

/* The kernel's layout is packed: 12 bytes, no trailing padding. */
struct moat_landlock_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct moat_landlock_net_port_attr {
	uint64_t allowed_access;
	uint64_t port; /* host byte order */
};

_Static_assert(sizeof(struct moat_landlock_ruleset_attr) == 24, "ruleset attr layout");
_Static_assert(sizeof(struct moat_landlock_path_beneath_attr) == 12, "path beneath layout");
_Static_assert(sizeof(struct moat_landlock_net_port_attr) == 16, "net port layout");

/* The IR's rights and scopes are Landlock's bits; plans pass them through. */
_Static_assert(MOAT_FS_EXECUTE == LANDLOCK_ACCESS_FS_EXECUTE, "fs bit");
_Static_assert(MOAT_FS_WRITE_FILE == LANDLOCK_ACCESS_FS_WRITE_FILE, "fs bit");
_Static_assert(MOAT_FS_READ_FILE == LANDLOCK_ACCESS_FS_READ_FILE, "fs bit");
_Static_assert(MOAT_FS_READ_DIR == LANDLOCK_ACCESS_FS_READ_DIR, "fs bit");
_Static_assert(MOAT_FS_REMOVE_DIR == LANDLOCK_ACCESS_FS_REMOVE_DIR, "fs bit");
_Static_assert(MOAT_FS_REMOVE_FILE == LANDLOCK_ACCESS_FS_REMOVE_FILE, "fs bit");
_Static_assert(MOAT_FS_MAKE_CHAR == LANDLOCK_ACCESS_FS_MAKE_CHAR, "fs bit");
_Static_assert(MOAT_FS_MAKE_DIR == LANDLOCK_ACCESS_FS_MAKE_DIR, "fs bit");
_Static_assert(MOAT_FS_MAKE_REG == LANDLOCK_ACCESS_FS_MAKE_REG, "fs bit");
_Static_assert(MOAT_FS_MAKE_SOCK == LANDLOCK_ACCESS_FS_MAKE_SOCK, "fs bit");
_Static_assert(MOAT_FS_MAKE_FIFO == LANDLOCK_ACCESS_FS_MAKE_FIFO, "fs bit");
_Static_assert(MOAT_FS_MAKE_BLOCK == LANDLOCK_ACCESS_FS_MAKE_BLOCK, "fs bit");
_Static_assert(MOAT_FS_MAKE_SYM == LANDLOCK_ACCESS_FS_MAKE_SYM, "fs bit");
_Static_assert(MOAT_FS_REFER == LANDLOCK_ACCESS_FS_REFER, "fs bit");
_Static_assert(MOAT_FS_TRUNCATE == LANDLOCK_ACCESS_FS_TRUNCATE, "fs bit");
_Static_assert(MOAT_FS_IOCTL_DEV == LANDLOCK_ACCESS_FS_IOCTL_DEV, "fs bit");
_Static_assert(MOAT_SCOPE_ABSTRACT_UNIX == LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET, "scope bit");
_Static_assert(MOAT_SCOPE_SIGNAL == LANDLOCK_SCOPE_SIGNAL, "scope bit");

/*
 * The rights Landlock accepts in a rule on a file that is not a directory;
 * anything else makes landlock_add_rule() fail with EINVAL.
 */
#define MOAT_LANDLOCK_FS_FILE_RIGHTS                                                               \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |                              \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |                              \
	 LANDLOCK_ACCESS_FS_IOCTL_DEV | LANDLOCK_ACCESS_FS_RESOLVE_UNIX)

static inline int moat_landlock_sys_create_ruleset(const struct moat_landlock_ruleset_attr *attr,
                                                   size_t size, uint32_t flags)
{
	return (int)syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

static inline int moat_landlock_sys_add_rule(int ruleset_fd, int rule_type, const void *attr)
{
	return (int)syscall(__NR_landlock_add_rule, ruleset_fd, rule_type, attr, 0U);
}

static inline int moat_landlock_sys_restrict_self(int ruleset_fd, uint32_t flags)
{
	return (int)syscall(__NR_landlock_restrict_self, ruleset_fd, flags);
}

#endif /* MOAT_LANDLOCK_ABI_H */
