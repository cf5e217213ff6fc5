/* SPDX-License-Identifier: MIT */
/*
 * The intermediate representation: a policy after includes, groups,
 * constants, variables and overrides have been resolved and every rule has
 * been checked. The later stages (seccomp code generation, Landlock, the
 * isolation and process plans, the broker) read only this; none of them sees
 * policy text or the syntax tree.
 *
 * Everything a policy points to lives in its arena and is freed with it.
 * Locations point at the statement in the policy text that produced an
 * entry, so later stages can report errors in the user's terms.
 */
#ifndef MOAT_POLICY_IR_H
#define MOAT_POLICY_IR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "moat.h"
#include "util/arena.h"

/*
 * A statement as the user wrote it, for reports that say which statement
 * decided: where it starts and its text (trimmed, comments removed,
 * continuation lines joined). moat's own rules (the architecture check,
 * clone3's ENOSYS, ...) have line 0 and a `file` that describes them.
 */
struct moat_statement {
	struct moat_location location;
	const char *text;
};

/* ---- [syscalls] ------------------------------------------------------ */

enum moat_compare_op {
	MOAT_COMPARE_EQ,
	MOAT_COMPARE_NE,
	MOAT_COMPARE_LT,
	MOAT_COMPARE_LE,
	MOAT_COMPARE_GT,
	MOAT_COMPARE_GE,
	MOAT_COMPARE_IN, /* equal to one of `set` */
};

/*
 * `argN & mask OP value`, or `argN & mask in {set...}`. Values are stored as
 * the policy wrote them, 64 bits wide (a negative constant such as AT_FDCWD
 * is sign-extended). Stages that compare them narrow both mask and values to
 * the width at which the kernel reads the argument of each syscall
 * (moat_syscall_argument_bits()), so the upper half of a 32-bit argument can
 * neither match nor dodge a rule.
 */
struct moat_comparison {
	unsigned arg;  /* 0..5 */
	uint64_t mask; /* UINT64_MAX when the rule has no `& MASK` */
	enum moat_compare_op op;
	uint64_t value;      /* every op but MOAT_COMPARE_IN */
	const uint64_t *set; /* MOAT_COMPARE_IN */
	size_t set_count;
	struct moat_location location;
};

/* All comparisons hold. */
struct moat_conjunction {
	const struct moat_comparison *comparisons;
	size_t count;
};

/* At least one conjunction holds: `a && b || c` is {{a, b}, {c}}. */
struct moat_condition {
	const struct moat_conjunction *conjunctions;
	size_t count;
};

struct moat_syscall_rule {
	struct moat_action action;
	const struct moat_condition *condition; /* NULL for an unconditional rule */
	struct moat_location location;          /* of the syscall name or @group */
	struct moat_statement statement;        /* the whole statement that named it */
};

/*
 * Everything the policy says about one system call. The filter evaluates
 * `conditional` in order, then `unconditional`, then the section's default;
 * the first rule that applies decides.
 */
struct moat_syscall_rules {
	int number; /* on the section's architecture */
	const char *name;
	const struct moat_syscall_rule *conditional;
	size_t conditional_count;
	const struct moat_syscall_rule *unconditional; /* NULL: the default decides */
};

struct moat_arch;

struct moat_syscalls_section {
	bool present;
	/* Whose syscall numbers and argument widths the rules use: the native
	 * one unless the policy was loaded for another (moat_policy_load_arch). */
	const struct moat_arch *arch;
	struct moat_action default_action;         /* kill unless a `default` said otherwise */
	struct moat_location default_location;     /* line 0 when no file set one */
	struct moat_statement default_statement;   /* moat's own when no file set one */
	const struct moat_syscall_rules *syscalls; /* sorted by number, unique */
	size_t count;
	bool has_notify; /* some rule or the default is `notify` */
};

/* ---- [filesystem] ---------------------------------------------------- */

/*
 * Filesystem rights. The bit positions are Landlock's
 * (LANDLOCK_ACCESS_FS_*), so a plan can pass them to the kernel as they are
 * once it has removed those the running kernel does not know.
 */
enum {
	MOAT_FS_EXECUTE = 1ULL << 0,
	MOAT_FS_WRITE_FILE = 1ULL << 1,
	MOAT_FS_READ_FILE = 1ULL << 2,
	MOAT_FS_READ_DIR = 1ULL << 3,
	MOAT_FS_REMOVE_DIR = 1ULL << 4,
	MOAT_FS_REMOVE_FILE = 1ULL << 5,
	MOAT_FS_MAKE_CHAR = 1ULL << 6,
	MOAT_FS_MAKE_DIR = 1ULL << 7,
	MOAT_FS_MAKE_REG = 1ULL << 8,
	MOAT_FS_MAKE_SOCK = 1ULL << 9,
	MOAT_FS_MAKE_FIFO = 1ULL << 10,
	MOAT_FS_MAKE_BLOCK = 1ULL << 11,
	MOAT_FS_MAKE_SYM = 1ULL << 12,
	MOAT_FS_REFER = 1ULL << 13,        /* Landlock ABI 2 */
	MOAT_FS_TRUNCATE = 1ULL << 14,     /* ABI 3 */
	MOAT_FS_IOCTL_DEV = 1ULL << 15,    /* ABI 5 */
	MOAT_FS_RESOLVE_UNIX = 1ULL << 16, /* ABI 9: connect to a pathname unix socket */
};

#define MOAT_FS_READ (MOAT_FS_READ_FILE | MOAT_FS_READ_DIR)
#define MOAT_FS_EXEC (MOAT_FS_READ | MOAT_FS_EXECUTE)
#define MOAT_FS_WRITE                                                                              \
	(MOAT_FS_READ | MOAT_FS_WRITE_FILE | MOAT_FS_REMOVE_DIR | MOAT_FS_REMOVE_FILE |            \
	 MOAT_FS_MAKE_DIR | MOAT_FS_MAKE_REG | MOAT_FS_MAKE_SOCK | MOAT_FS_MAKE_FIFO |             \
	 MOAT_FS_MAKE_SYM | MOAT_FS_REFER | MOAT_FS_TRUNCATE | MOAT_FS_RESOLVE_UNIX)
#define MOAT_FS_ALL ((MOAT_FS_RESOLVE_UNIX << 1) - 1)

struct moat_path_rule {
	uint64_t access; /* MOAT_FS_* */
	/*
	 * The rights `allow` named, as opposed to those only a shorthand (`read`,
	 * `write`, `exec`) implies: a kernel that lacks a named right cannot
	 * enforce the statement as written, while one that lacks an implied
	 * right enforces it as far as it can (compat, docs/landlock.md).
	 */
	uint64_t named;
	const char *path; /* absolute, variables expanded */
	bool optional;    /* written with a leading `?` */
	struct moat_location location;
	struct moat_statement statement;
};

struct moat_filesystem_section {
	bool present;
	struct moat_location location; /* the first [filesystem] header */
	const struct moat_path_rule *rules;
	size_t count;
};

/* ---- [network] ------------------------------------------------------- */

/* `connect tcp PORTS` or `bind tcp PORTS`; `none` is present with count 0. */
struct moat_port_list {
	bool present;
	const uint16_t *ports;
	const struct moat_statement *port_statements; /* the statement that listed each port */
	size_t count;
	struct moat_location location;
	struct moat_statement statement; /* the first statement, or the last `none` */
};

enum {
	MOAT_SCOPE_ABSTRACT_UNIX = 1U << 0, /* Landlock's bit positions */
	MOAT_SCOPE_SIGNAL = 1U << 1,
};

/*
 * One port range of an `egress ADDRESS[/PREFIX] tcp|udp PORT[-PORT]...`
 * line. An IPv4-mapped IPv6 address is refused by the resolver, so every
 * IPv4 destination is written, and decided, as AF_INET.
 */
struct moat_egress_rule {
	int family;          /* AF_INET or AF_INET6 */
	uint8_t address[16]; /* network order, host bits clear; AF_INET uses the first 4 bytes */
	unsigned prefix;     /* 0..32 or 0..128 */
	int protocol;        /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t first_port;
	uint16_t last_port;
	struct moat_statement statement;
};

/* Every `egress` line: once present, TCP and UDP reach only what they list. */
struct moat_egress_list {
	bool present;
	const struct moat_egress_rule *rules;
	size_t count;
	struct moat_location location; /* the first `egress` statement */
};

struct moat_network_section {
	bool present;
	struct moat_location location; /* the first [network] header */
	struct moat_port_list connect_tcp;
	struct moat_port_list bind_tcp;
	unsigned scopes; /* MOAT_SCOPE_* */
	struct moat_location scope_location;
	struct moat_egress_list egress;
};

/* ---- [namespaces] ---------------------------------------------------- */

enum {
	MOAT_NAMESPACE_USER = 1U << 0,
	MOAT_NAMESPACE_MOUNT = 1U << 1,
	MOAT_NAMESPACE_PID = 1U << 2,
	MOAT_NAMESPACE_NET = 1U << 3,
	MOAT_NAMESPACE_IPC = 1U << 4,
	MOAT_NAMESPACE_UTS = 1U << 5,
	MOAT_NAMESPACE_CGROUP = 1U << 6,
	MOAT_NAMESPACE_TIME = 1U << 7,
};

struct moat_namespaces_section {
	bool present;
	unsigned unshare; /* MOAT_NAMESPACE_* */
	bool unshare_all; /* `unshare all`: TIME only where the kernel has it */
	struct moat_location unshare_location;
	const char *hostname; /* NULL: unchanged (needs MOAT_NAMESPACE_UTS) */
	bool has_uid;
	uint32_t uid; /* inside the user namespace */
	bool has_gid;
	uint32_t gid;
};

/* ---- [mounts] -------------------------------------------------------- */

enum moat_mount_kind {
	MOAT_MOUNT_BIND,
	MOAT_MOUNT_TMPFS,
	MOAT_MOUNT_PROC,
	MOAT_MOUNT_DEV,
	MOAT_MOUNT_SYMLINK,
};

/*
 * The size of `dev`'s shm tmpfs when the statement gives none: what Docker
 * gives a container's /dev/shm, enough for POSIX shared memory and
 * semaphores of ordinary programs; `shm=SIZE` sets it. The smallest is a
 * page, as the kernel reads size=0 as no limit.
 */
#define MOAT_DEV_SHM_DEFAULT (64ULL << 20)
#define MOAT_DEV_SHM_MINIMUM 4096U

/* One entry of the new root, applied in the order written. */
struct moat_mount {
	enum moat_mount_kind kind;
	const char *source;      /* BIND: host path; SYMLINK: link target; else NULL */
	const char *destination; /* absolute path inside the new root */
	bool read_only;          /* BIND */
	bool optional;           /* BIND with `?SRC`: skipped when the source is absent */
	uint64_t size;           /* TMPFS: bytes, 0 for the kernel's default; DEV: of shm */
	bool has_mode;
	unsigned mode; /* TMPFS: permission bits of the root directory */
	struct moat_location location;
};

struct moat_mounts_section {
	bool present;
	const struct moat_mount *mounts;
	size_t count;
};

/* ---- [limits] -------------------------------------------------------- */

enum moat_limit_resource {
	MOAT_LIMIT_AS,
	MOAT_LIMIT_CPU,
	MOAT_LIMIT_DATA,
	MOAT_LIMIT_FSIZE,
	MOAT_LIMIT_NOFILE,
	MOAT_LIMIT_NPROC,
	MOAT_LIMIT_STACK,
	MOAT_LIMIT_CORE,
	MOAT_LIMIT_MEMLOCK,
	MOAT_LIMIT_COUNT,
};

#define MOAT_LIMIT_UNLIMITED UINT64_MAX

struct moat_limit {
	bool present;
	uint64_t soft; /* bytes, seconds or a count; MOAT_LIMIT_UNLIMITED */
	uint64_t hard;
	struct moat_location location;
};

struct moat_limits_section {
	bool present;
	struct moat_limit limits[MOAT_LIMIT_COUNT];
};

/* ---- [process] ------------------------------------------------------- */

enum moat_environment_mode {
	MOAT_ENVIRONMENT_INHERIT, /* the default: the caller's environment */
	MOAT_ENVIRONMENT_CLEAR,   /* `env clear`: nothing but `env set` */
	MOAT_ENVIRONMENT_KEEP,    /* `env keep NAMES`: only those, plus `env set` */
};

/* The defaults of this section apply even when no file mentions it. */
struct moat_process_section {
	bool present;
	enum moat_environment_mode environment;
	const char *const *environment_keep; /* names */
	size_t environment_keep_count;
	const char *const *environment_set; /* "NAME=VALUE", applied last */
	size_t environment_set_count;
	const char *cwd; /* NULL: unchanged */
	struct moat_location cwd_location;
	uint64_t capabilities_keep; /* bit N keeps capability N; 0 is `none` */
	struct moat_location capabilities_location;
	bool new_session;     /* default true */
	bool close_fds;       /* default true */
	bool die_with_parent; /* default true */
};

/* ---- [broker] -------------------------------------------------------- */

struct moat_broker_open {
	bool write;       /* `open write`: read-write and create; else read-only */
	const char *path; /* absolute directory or file */
	struct moat_location location;
};

struct moat_broker_connect {
	int family;                      /* AF_INET, AF_INET6 or AF_UNIX */
	struct sockaddr_storage address; /* port in network byte order */
	socklen_t address_length;
	struct moat_location location;
};

struct moat_broker_section {
	bool present;
	const struct moat_broker_open *opens;
	size_t open_count;
	const struct moat_broker_connect *connects;
	size_t connect_count;
};

/* ---- the whole policy ------------------------------------------------ */

enum moat_compat {
	MOAT_COMPAT_STRICT,      /* the default: refuse what the kernel cannot enforce */
	MOAT_COMPAT_BEST_EFFORT, /* enforce what it can, report the rest */
};

struct moat_policy {
	struct moat_arena arena;
	enum moat_compat compat;
	struct moat_syscalls_section syscalls;
	struct moat_filesystem_section filesystem;
	struct moat_network_section network;
	struct moat_namespaces_section namespaces;
	struct moat_mounts_section mounts;
	struct moat_limits_section limits;
	struct moat_process_section process;
	struct moat_broker_section broker;
	size_t warning_count;
};

/*
 * The rules for `number`, or NULL when the policy says nothing about it (the
 * default decides). Binary search over the sorted table.
 */
const struct moat_syscall_rules *moat_policy_find_syscall(const struct moat_policy *policy,
                                                          int number);

#endif /* MOAT_POLICY_IR_H */
