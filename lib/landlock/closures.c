// SPDX-License-Identifier: MIT
/*
 * Closing with seccomp what an older Landlock leaves open (closures.h).
 *
 * Each closure refuses only what the policy's [filesystem] or [network]
 * already denies on a kernel that has the right, so a program that runs on
 * the newer kernel runs the same here:
 *
 *  - truncate (ABI 3). Before it, truncate(2) works on any path and a
 *    read-only open with O_TRUNC empties a file that is only granted for
 *    reading. When no rule grants truncate, seccomp refuses truncate(2) and
 *    O_RDONLY|O_TRUNC opens (EACCES, as Landlock would), and openat2, whose
 *    flags it cannot read, answers ENOSYS (libc and programs fall back to
 *    openat). Opening for writing with O_TRUNC needs write-file, which a
 *    rule may grant on a device (harmless: O_TRUNC does nothing there) or
 *    on a file (reported open). When a rule grants truncate (`write`),
 *    seccomp cannot tell its paths from others: reported open.
 *  - ioctl-dev (ABI 5). Before it, the ioctls the policy's filter allows
 *    reach device files too. When no rule grants ioctl-dev, seccomp lets
 *    through only the commands Landlock always allows and read-only queries
 *    every program makes (isatty, window size, bytes readable, file flags).
 *  - TCP (ABI 4). When [network] allows no TCP connect and no TCP bind,
 *    seccomp refuses IPv4 and IPv6 stream sockets. Port lists stay open.
 *  - refer (ABI 2). ABI 1 denies reparenting everywhere: stricter, not open.
 *
 * And the [network] statements that hold as written without their ABI, so
 * that `compat strict` runs them (closures->held):
 *
 *  - `connect tcp none`, `bind tcp none` (ABI 4): when the filter refuses
 *    every IPv4 and IPv6 stream socket (TCP, and MPTCP and SCTP streams
 *    with it), by the policy's own rules or by the TCP closure, and
 *    io_uring, which creates sockets past seccomp, is refused too.
 *  - `scope signal` (ABI 6): in a PID namespace of the sandbox's own. kill,
 *    tkill, tgkill, rt_sigqueueinfo and F_SETOWN name processes by their
 *    number in the caller's namespace, where no process outside it has
 *    one, and pidfd_send_signal refuses (EINVAL) a pidfd or /proc
 *    directory of a process outside the caller's namespace.
 *  - `scope abstract-unix` (ABI 6): in a network namespace of its own
 *    (abstract names are per namespace), or when the filter refuses unix
 *    sockets, unix datagram socket pairs (sendto on one reaches any
 *    address) and io_uring.
 *
 * What the sandbox is handed (a descriptor the caller keeps open for it)
 * is the caller's to choose: the filter sees only what the sandbox
 * creates.
 */
#include "landlock/closures.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "landlock/abi.h"
#include "landlock/internal.h"
#include "syscalls/syscalls.h"

/* Landlock's always-allowed superblock queries, newer than Debian 12's headers (6.5, 6.10). */
#ifndef FS_IOC_GETFSUUID
#define FS_IOC_GETFSUUID _IOR(0x15, 0, unsigned char[17])
#endif
#ifndef FS_IOC_GETFSSYSFSPATH
#define FS_IOC_GETFSSYSFSPATH _IOR(0x15, 1, unsigned char[129])
#endif

#define ANY_ARGUMENT ((uint64_t)-1)
#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* ---- the closures' conditions --------------------------------------------- */

#define READ_ONLY_TRUNCATE(flags)                                                                  \
	{                                                                                          \
		.arg = (flags), .mask = O_ACCMODE | O_TRUNC, .op = MOAT_COMPARE_EQ,                \
		.value = O_TRUNC                                                                   \
	}

static const struct moat_comparison open_truncates[] = {READ_ONLY_TRUNCATE(1)};
static const struct moat_comparison openat_truncates[] = {READ_ONLY_TRUNCATE(2)};
static const struct moat_conjunction open_truncates_conjunction = {open_truncates, 1};
static const struct moat_conjunction openat_truncates_conjunction = {openat_truncates, 1};
static const struct moat_condition open_truncates_condition = {&open_truncates_conjunction, 1};
static const struct moat_condition openat_truncates_condition = {&openat_truncates_conjunction, 1};

#define OTHER_THAN(command)                                                                        \
	{                                                                                          \
		.arg = 1, .mask = ANY_ARGUMENT, .op = MOAT_COMPARE_NE,                             \
		.value = (uint32_t)(command)                                                       \
	}

/*
 * Landlock's always-allowed commands (security/landlock/fs.c,
 * is_masked_device_ioctl) and the read-only queries of @stdio and @rpath.
 */
static const struct moat_comparison unsafe_ioctl[] = {
        OTHER_THAN(FIOCLEX),          OTHER_THAN(FIONCLEX),
        OTHER_THAN(FIONBIO),          OTHER_THAN(FIOASYNC),
        OTHER_THAN(FIOQSIZE),         OTHER_THAN(FIFREEZE),
        OTHER_THAN(FITHAW),           OTHER_THAN(FS_IOC_FIEMAP),
        OTHER_THAN(FIGETBSZ),         OTHER_THAN(FICLONE),
        OTHER_THAN(FICLONERANGE),     OTHER_THAN(FIDEDUPERANGE),
        OTHER_THAN(FS_IOC_GETFSUUID), OTHER_THAN(FS_IOC_GETFSSYSFSPATH),
        OTHER_THAN(FIONREAD),         OTHER_THAN(TCGETS),
        OTHER_THAN(TIOCGWINSZ),       OTHER_THAN(TIOCGPGRP),
        OTHER_THAN(FS_IOC_GETFLAGS),  OTHER_THAN(FS_IOC_FSGETXATTR),
};
static const struct moat_conjunction unsafe_ioctl_conjunction = {unsafe_ioctl, COUNT(unsafe_ioctl)};
static const struct moat_condition unsafe_ioctl_condition = {&unsafe_ioctl_conjunction, 1};

#define STREAM_SOCKET_OF(family)                                                                   \
	{                                                                                          \
		{.arg = 0, .mask = ANY_ARGUMENT, .op = MOAT_COMPARE_EQ, .value = (family)},        \
		{                                                                                  \
			.arg = 1, .mask = 0xf, .op = MOAT_COMPARE_EQ, .value = SOCK_STREAM         \
		}                                                                                  \
	}

static const struct moat_comparison inet_stream[] = STREAM_SOCKET_OF(AF_INET);
static const struct moat_comparison inet6_stream[] = STREAM_SOCKET_OF(AF_INET6);
static const struct moat_conjunction tcp_socket_conjunctions[] = {{inet_stream, 2},
                                                                  {inet6_stream, 2}};
static const struct moat_condition tcp_socket_condition = {tcp_socket_conjunctions, 2};

/* ---- what the filter lets through ---------------------------------------- */

/* Calls a statement concerns: `(arg & mask)` is one of `values`. */
struct argument_constraint {
	unsigned arg;
	uint64_t mask;
	uint64_t values[2];
	size_t count;
};

struct call_shape {
	const char *name;
	struct argument_constraint constraints[2];
	size_t count;
};

/* int arguments: the kernel reads the low 32 bits. */
#define INT_BITS         0xffffffffULL
/* The type's low bits; SOCK_NONBLOCK and SOCK_CLOEXEC are above them. */
#define SOCKET_TYPE_BITS 0xfULL

static const struct call_shape tcp_sockets = {
        "socket",
        {{0, INT_BITS, {AF_INET, AF_INET6}, 2}, {1, SOCKET_TYPE_BITS, {SOCK_STREAM}, 1}},
        2};
static const struct call_shape unix_sockets = {"socket", {{0, INT_BITS, {AF_UNIX}, 1}}, 1};
static const struct call_shape unix_datagram_pairs = {
        "socketpair", {{0, INT_BITS, {AF_UNIX}, 1}, {1, SOCKET_TYPE_BITS, {SOCK_DGRAM}, 1}}, 2};
static const struct call_shape any_io_uring = {"io_uring_setup", {{0}}, 0};

static bool one_of(uint64_t value, const struct argument_constraint *constraint)
{
	for (size_t i = 0; i < constraint->count; i++)
		if (value == constraint->values[i])
			return true;
	return false;
}

/* `(arg & comparison mask) == value` holds for no call of `constraint`. */
static bool equal_excludes(const struct moat_comparison *comparison, uint64_t value,
                           const struct argument_constraint *constraint)
{
	if (value & ~comparison->mask)
		return true;
	return !one_of(value & constraint->mask, constraint);
}

/*
 * True when `comparison` holds for no call of `shape`. Sound, not
 * complete: a comparison it cannot judge (<, >, a mask that leaves some
 * of the constrained bits out) may hold.
 */
static bool comparison_excludes(const struct moat_comparison *comparison,
                                const struct call_shape *shape)
{
	for (size_t i = 0; i < shape->count; i++) {
		const struct argument_constraint *constraint = &shape->constraints[i];
		bool excluded = true;

		if (comparison->arg != constraint->arg ||
		    (comparison->mask & constraint->mask) != constraint->mask)
			continue;
		switch (comparison->op) {
		case MOAT_COMPARE_EQ:
			if (equal_excludes(comparison, comparison->value, constraint))
				return true;
			break;
		case MOAT_COMPARE_IN:
			for (size_t j = 0; j < comparison->set_count; j++)
				excluded &=
				        equal_excludes(comparison, comparison->set[j], constraint);
			if (excluded)
				return true;
			break;
		case MOAT_COMPARE_NE:
			/* Every call of the shape has exactly the value that is excluded. */
			if (comparison->mask == constraint->mask && constraint->count == 1 &&
			    comparison->value == constraint->values[0])
				return true;
			break;
		default:
			break;
		}
	}
	return false;
}

static bool condition_excludes(const struct moat_condition *condition,
                               const struct call_shape *shape)
{
	if (!condition)
		return false;
	for (size_t i = 0; i < condition->count; i++) {
		const struct moat_conjunction *conjunction = &condition->conjunctions[i];
		bool excluded = false;

		for (size_t j = 0; j < conjunction->count && !excluded; j++)
			excluded = comparison_excludes(&conjunction->comparisons[j], shape);
		if (!excluded)
			return false;
	}
	return true;
}

/* A supervisor may let a notified call go on. */
static bool passes(struct moat_action action)
{
	return action.kind == MOAT_ACTION_ALLOW || action.kind == MOAT_ACTION_LOG ||
	       action.kind == MOAT_ACTION_NOTIFY;
}

static bool notifies(struct moat_action action)
{
	return action.kind == MOAT_ACTION_NOTIFY;
}

/*
 * True when a call of `shape` may get an action that `counts` (whatever
 * the order of the rules: a rule before may refuse it, which this does not
 * count on). A policy without [syscalls] lets everything through.
 */
static bool may_get(const struct moat_policy *policy, const struct call_shape *shape,
                    bool (*counts)(struct moat_action))
{
	int number = moat_syscall_number(shape->name);
	const struct moat_syscall_rules *rules;
	struct moat_action fallback = policy->syscalls.default_action;

	if (!policy->syscalls.present)
		return true;
	/* A call this architecture lacks cannot be made. */
	if (number < 0)
		return false;
	rules = moat_policy_find_syscall(policy, number);
	if (!rules)
		return counts(fallback);
	for (size_t i = 0; i < rules->conditional_count; i++)
		if (counts(rules->conditional[i].action) &&
		    !condition_excludes(rules->conditional[i].condition, shape))
			return true;
	if (rules->unconditional)
		fallback = rules->unconditional->action;
	return counts(fallback);
}

static const struct moat_comparison unix_datagram[] = {
        {.arg = 0, .mask = ANY_ARGUMENT, .op = MOAT_COMPARE_EQ, .value = AF_UNIX},
        {.arg = 1, .mask = 0xf, .op = MOAT_COMPARE_EQ, .value = SOCK_DGRAM}};
static const struct moat_conjunction unix_datagram_conjunction = {unix_datagram, 2};
static const struct moat_condition unix_datagram_condition = {&unix_datagram_conjunction, 1};

#define TRUNCATE_ORIGIN "compat: no Landlock truncate before ABI 3 (no rule grants truncate)"
#define IOCTL_ORIGIN    "compat: no Landlock ioctl-dev before ABI 5 (only harmless ioctl commands)"
#define TCP_ORIGIN      "compat: no Landlock TCP rules before ABI 4 ([network] allows no TCP)"
#define ABSTRACT_UNIX_ORIGIN                                                                       \
	"compat: no Landlock scope abstract-unix before ABI 6 (a datagram pair sends anywhere)"

/* ---- building ----------------------------------------------------------- */

/* OPEN_DROPPED: open, and what compat best-effort reports as dropped. */
enum { OPEN_DROPPED = MOAT_COVERAGE_HELD + 1 };

static int add_line(struct moat_landlock_closures *closures, int coverage, struct moat_error *error,
                    const char *format, ...) __attribute__((format(printf, 4, 5)));

static int add_line(struct moat_landlock_closures *closures, int coverage, struct moat_error *error,
                    const char *format, ...)
{
	char buffer[512];
	va_list arguments;
	char *text;

	if (closures->line_count == MOAT_CLOSURES_MAX_LINES)
		return 0;
	va_start(arguments, format);
	vsnprintf(buffer, sizeof(buffer), format, arguments);
	va_end(arguments);
	text = moat_arena_strdup(&closures->arena, buffer);
	if (!text)
		return moat_error_set(error, -ENOMEM, "out of memory");
	closures->lines[closures->line_count].coverage =
	        coverage == OPEN_DROPPED ? MOAT_COVERAGE_OPEN : (enum moat_coverage)coverage;
	closures->lines[closures->line_count].dropped = coverage == OPEN_DROPPED;
	closures->lines[closures->line_count++].text = text;
	return 0;
}

/* A closure rule: `action` for `name` when `condition` holds (NULL: always). */
static void add_rule(struct moat_landlock_closures *closures, const char *name,
                     const struct moat_condition *condition, int errno_value, const char *origin)
{
	struct moat_syscall_narrowing *narrowing = &closures->rules[closures->rule_count];
	int number = moat_syscall_number(name);

	/* A call this architecture lacks (open on aarch64) needs no closing. */
	if (number < 0 || closures->rule_count == MOAT_CLOSURES_MAX_RULES)
		return;
	narrowing->number = number;
	narrowing->name = name;
	narrowing->rule.action = (struct moat_action){MOAT_ACTION_ERRNO, errno_value};
	narrowing->rule.condition = condition;
	narrowing->rule.location = (struct moat_location){origin, 0, 0};
	narrowing->rule.statement = (struct moat_statement){{NULL, 0, 0}, origin};
	closures->rule_count++;
}

/*
 * Whether a rule grants `right`, a right the kernel lacks: an optional one
 * (`ioctl-dev?`) is given up there, so it grants nothing to keep open.
 */
static uint64_t granted(const struct moat_filesystem_section *fs, uint64_t right)
{
	uint64_t any = 0;

	for (size_t i = 0; i < fs->count; i++)
		any |= fs->rules[i].access & ~fs->rules[i].optional_rights & right;
	return any;
}

static uint64_t named(const struct moat_filesystem_section *fs, uint64_t right)
{
	uint64_t any = 0;

	for (size_t i = 0; i < fs->count; i++)
		any |= fs->rules[i].named & right;
	return any;
}

/* Writing with O_TRUNC, and ftruncate, where a rule grants write-file but not truncate. */
static int report_truncating_writes(struct moat_landlock_closures *closures,
                                    const struct moat_filesystem_section *fs,
                                    struct moat_error *error)
{
	for (size_t i = 0; i < fs->count; i++) {
		const struct moat_path_rule *rule = &fs->rules[i];
		struct stat status;
		int code;

		if (!(rule->access & LANDLOCK_ACCESS_FS_WRITE_FILE))
			continue;
		/* O_TRUNC does nothing to a device, and ftruncate fails on one. */
		if (stat(rule->path, &status) == 0 &&
		    (S_ISCHR(status.st_mode) || S_ISBLK(status.st_mode)))
			continue;
		code = add_line(closures, MOAT_COVERAGE_OPEN, error,
		                "truncate (Landlock ABI 3): files under %s, where a rule grants "
		                "write-file, can be truncated when opened for writing",
		                rule->path);
		if (code < 0)
			return code;
	}
	return 0;
}

static int close_truncate(struct moat_landlock_closures *closures, const struct moat_policy *policy,
                          struct moat_error *error)
{
	const struct moat_filesystem_section *fs = &policy->filesystem;

	if (named(fs, LANDLOCK_ACCESS_FS_TRUNCATE))
		return add_line(closures, OPEN_DROPPED, error,
		                "truncate (Landlock ABI 3): not restricted anywhere (compat "
		                "best-effort: a rule names truncate)");
	if (granted(fs, LANDLOCK_ACCESS_FS_TRUNCATE))
		return add_line(closures, MOAT_COVERAGE_OPEN, error,
		                "truncate (Landlock ABI 3): truncate(2) and O_TRUNC opens are not "
		                "restricted outside the write grants (seccomp cannot tell their "
		                "paths from others)");
	if (!policy->syscalls.present)
		return add_line(closures, MOAT_COVERAGE_OPEN, error,
		                "truncate (Landlock ABI 3): not restricted (the policy has no "
		                "[syscalls] section for seccomp to close it with)");
	add_rule(closures, "truncate", NULL, EACCES, TRUNCATE_ORIGIN);
	add_rule(closures, "open", &open_truncates_condition, EACCES, TRUNCATE_ORIGIN);
	add_rule(closures, "openat", &openat_truncates_condition, EACCES, TRUNCATE_ORIGIN);
	add_rule(closures, "openat2", NULL, ENOSYS, TRUNCATE_ORIGIN);
	if (add_line(closures, MOAT_COVERAGE_SECCOMP, error,
	             "truncate (Landlock ABI 3): seccomp refuses truncate(2) and read-only opens "
	             "with O_TRUNC (EACCES), and openat2 (ENOSYS)") < 0)
		return -ENOMEM;
	return report_truncating_writes(closures, fs, error);
}

static int close_ioctl_dev(struct moat_landlock_closures *closures,
                           const struct moat_policy *policy, struct moat_error *error)
{
	if (named(&policy->filesystem, LANDLOCK_ACCESS_FS_IOCTL_DEV))
		return add_line(closures, OPEN_DROPPED, error,
		                "ioctl-dev (Landlock ABI 5): ioctl on device files is not "
		                "restricted (compat best-effort: a rule names ioctl-dev)");
	if (!policy->syscalls.present)
		return add_line(closures, MOAT_COVERAGE_OPEN, error,
		                "ioctl-dev (Landlock ABI 5): ioctl on device files is not "
		                "restricted (the policy has no [syscalls] section)");
	add_rule(closures, "ioctl", &unsafe_ioctl_condition, EACCES, IOCTL_ORIGIN);
	return add_line(closures, MOAT_COVERAGE_SECCOMP, error,
	                "ioctl-dev (Landlock ABI 5): seccomp lets through only harmless ioctl "
	                "commands (FIONREAD, TCGETS, TIOCGWINSZ, FS_IOC_GETFLAGS, ...), on "
	                "every descriptor");
}

/*
 * `allow ioctl-dev? /dev/tty` on a kernel without ioctl-dev: the grant is
 * given up, and the closures below treat the right as granted nowhere.
 */
static int report_optional_rights(struct moat_landlock_closures *closures,
                                  const struct moat_filesystem_section *fs,
                                  const struct moat_landlock_features *features,
                                  struct moat_error *error)
{
	for (uint64_t right = 1; right <= LANDLOCK_ACCESS_FS_IOCTL_DEV; right <<= 1) {
		char paths[160] = "";
		size_t length = 0;
		int code;

		if (features->fs & right)
			continue;
		for (size_t i = 0; i < fs->count && length < sizeof(paths); i++)
			if (fs->rules[i].optional_rights & right)
				length += (size_t)snprintf(paths + length, sizeof(paths) - length,
				                           "%s%s", length ? " " : "",
				                           fs->rules[i].path);
		if (!length)
			continue;
		code = add_line(closures, MOAT_COVERAGE_LANDLOCK, error,
		                "optional right %s dropped: needs Landlock ABI %d, the kernel has "
		                "ABI %d; not granted on %s",
		                moat_landlock_fs_right_name(right),
		                moat_landlock_fs_right_info(right)->abi, features->abi, paths);
		if (code < 0)
			return code;
	}
	return 0;
}

static int cover_filesystem(struct moat_landlock_closures *closures,
                            const struct moat_policy *policy,
                            const struct moat_landlock_features *features, struct moat_error *error)
{
	const struct moat_filesystem_section *fs = &policy->filesystem;
	char rights[256] = "";
	size_t length = 0;
	int code = 0;

	if (!fs->present)
		return 0;
	if (features->abi == 0)
		return add_line(closures, OPEN_DROPPED, error,
		                "[filesystem]: not restricted (no Landlock)");
	for (uint64_t right = 1; right <= LANDLOCK_ACCESS_FS_IOCTL_DEV; right <<= 1)
		if ((features->fs & right) && length < sizeof(rights))
			length += (size_t)snprintf(rights + length, sizeof(rights) - length, " %s",
			                           moat_landlock_fs_right_name(right));
	code = add_line(closures, MOAT_COVERAGE_LANDLOCK, error,
	                "[filesystem]: Landlock ABI %d enforces%s", features->abi, rights);
	if (code == 0)
		code = report_optional_rights(closures, fs, features, error);
	if (code == 0 && !(features->fs & LANDLOCK_ACCESS_FS_REFER) &&
	    granted(fs, LANDLOCK_ACCESS_FS_REFER))
		code = add_line(closures, MOAT_COVERAGE_LANDLOCK, error,
		                "refer (Landlock ABI 2): renaming and linking across directories "
		                "stay denied everywhere, also within the write grants (EXDEV)");
	if (code == 0 && !(features->fs & LANDLOCK_ACCESS_FS_TRUNCATE))
		code = close_truncate(closures, policy, error);
	if (code == 0 && !(features->fs & LANDLOCK_ACCESS_FS_IOCTL_DEV))
		code = close_ioctl_dev(closures, policy, error);
	return code;
}

bool moat_landlock_tcp_closable(const struct moat_network_section *network)
{
	return network->present && network->connect_tcp.present &&
	       network->connect_tcp.count == 0 && network->bind_tcp.present &&
	       network->bind_tcp.count == 0;
}

/* The TCP lines that say `none`, as MOAT_LANDLOCK_HELD_* bits. */
static unsigned tcp_none_lines(const struct moat_network_section *net)
{
	unsigned lines = 0;

	if (net->connect_tcp.present && net->connect_tcp.count == 0)
		lines |= MOAT_LANDLOCK_HELD_CONNECT_TCP;
	if (net->bind_tcp.present && net->bind_tcp.count == 0)
		lines |= MOAT_LANDLOCK_HELD_BIND_TCP;
	return lines;
}

/* The `none` lines hold when no TCP socket can be had: the others stay gaps. */
static int hold_tcp(struct moat_landlock_closures *closures, const struct moat_network_section *net,
                    const char *how, struct moat_error *error)
{
	unsigned lines = tcp_none_lines(net);

	closures->held |= lines;
	return add_line(
	        closures, MOAT_COVERAGE_HELD, error,
	        "%s%s%s (Landlock ABI 4): held by the seccomp filter (socket refused): %s",
	        lines & MOAT_LANDLOCK_HELD_CONNECT_TCP ? "connect tcp none" : "",
	        lines == (MOAT_LANDLOCK_HELD_CONNECT_TCP | MOAT_LANDLOCK_HELD_BIND_TCP) ? ", " : "",
	        lines & MOAT_LANDLOCK_HELD_BIND_TCP ? "bind tcp none" : "", how);
}

static int cover_tcp(struct moat_landlock_closures *closures, const struct moat_policy *policy,
                     const struct moat_landlock_features *features, struct moat_error *error)
{
	const struct moat_network_section *net = &policy->network;
	bool io_uring = may_get(policy, &any_io_uring, passes);
	bool closable = moat_landlock_tcp_closable(net) && policy->syscalls.present;

	if (!net->connect_tcp.present && !net->bind_tcp.present)
		return 0;
	if (features->net)
		return add_line(closures, MOAT_COVERAGE_LANDLOCK, error,
		                "connect tcp, bind tcp: Landlock ABI %d enforces them",
		                features->abi);
	if (!io_uring && !may_get(policy, &tcp_sockets, passes))
		return hold_tcp(closures, net, "the policy refuses IPv4 and IPv6 stream sockets",
		                error);
	if (closable) {
		add_rule(closures, "socket", &tcp_socket_condition, EACCES, TCP_ORIGIN);
		/* A supervisor may let a TCP socket through, past the closure. */
		if (!io_uring && !may_get(policy, &tcp_sockets, notifies))
			return hold_tcp(closures, net,
			                "it refuses IPv4 and IPv6 stream sockets (EACCES)", error);
		return add_line(closures, MOAT_COVERAGE_SECCOMP, error,
		                "connect tcp, bind tcp (Landlock ABI 4): seccomp refuses IPv4 and "
		                "IPv6 stream sockets (EACCES), but not those a supervisor "
		                "(`notify`) or io_uring may create");
	}
	return add_line(closures, OPEN_DROPPED, error,
	                "connect tcp, bind tcp (Landlock ABI 4): TCP connect and bind are not "
	                "restricted");
}

/*
 * How `scope abstract-unix` holds without ABI 6, or NULL when it does not.
 * A unix datagram socket pair, which @stdio allows, can send to any
 * address or connect anew: where the policy refuses unix sockets and
 * io_uring, a closure refuses those pairs too (stream and seqpacket pairs
 * stay connected to each other).
 */
static const char *abstract_unix_holder(struct moat_landlock_closures *closures,
                                        const struct moat_policy *policy,
                                        const struct moat_sandbox_shape *shape)
{
	if (shape->net_namespace)
		return "held by the network namespace: abstract names outside it are out of reach";
	if (may_get(policy, &unix_sockets, passes) || may_get(policy, &any_io_uring, passes) ||
	    may_get(policy, &unix_datagram_pairs, notifies))
		return NULL;
	if (!may_get(policy, &unix_datagram_pairs, passes))
		return "held by the seccomp filter (socket refused): the policy refuses unix "
		       "sockets and unix datagram socket pairs";
	add_rule(closures, "socketpair", &unix_datagram_condition, EACCES, ABSTRACT_UNIX_ORIGIN);
	return "held by the seccomp filter (socket refused): the policy refuses unix sockets, "
	       "and seccomp unix datagram socket pairs (EACCES)";
}

static int cover_scopes(struct moat_landlock_closures *closures, const struct moat_policy *policy,
                        const struct moat_landlock_features *features,
                        const struct moat_sandbox_shape *shape, struct moat_error *error)
{
	unsigned scopes = policy->network.scopes;
	const char *holder;
	int code = 0;

	if ((features->scopes & scopes) == scopes)
		return add_line(closures, MOAT_COVERAGE_LANDLOCK, error,
		                "scope: Landlock ABI %d enforces it", features->abi);
	if (scopes & MOAT_SCOPE_ABSTRACT_UNIX) {
		holder = abstract_unix_holder(closures, policy, shape);
		if (holder)
			closures->held |= MOAT_LANDLOCK_HELD_SCOPE_ABSTRACT_UNIX;
		code = add_line(
		        closures, holder ? MOAT_COVERAGE_HELD : OPEN_DROPPED, error,
		        "scope abstract-unix (Landlock ABI 6): %s",
		        holder ? holder
		               : "abstract unix sockets outside the sandbox can be reached");
	}
	if (code == 0 && (scopes & MOAT_SCOPE_SIGNAL)) {
		if (shape->pid_namespace)
			closures->held |= MOAT_LANDLOCK_HELD_SCOPE_SIGNAL;
		code = add_line(closures, shape->pid_namespace ? MOAT_COVERAGE_HELD : OPEN_DROPPED,
		                error, "scope signal (Landlock ABI 6): %s",
		                shape->pid_namespace
		                        ? "held by the PID namespace: no process outside it can be "
		                          "named"
		                        : "processes outside the sandbox can be signalled");
	}
	return code;
}

static int cover_network(struct moat_landlock_closures *closures, const struct moat_policy *policy,
                         const struct moat_landlock_features *features,
                         const struct moat_sandbox_shape *shape, struct moat_error *error)
{
	int code;

	if (!policy->network.present)
		return 0;
	code = cover_tcp(closures, policy, features, error);
	if (code < 0 || !policy->network.scopes)
		return code;
	return cover_scopes(closures, policy, features, shape, error);
}

int moat_landlock_closures_build(struct moat_landlock_closures *closures,
                                 const struct moat_policy *policy,
                                 const struct moat_landlock_features *features,
                                 const struct moat_sandbox_shape *shape, struct moat_error *error)
{
	int code;

	memset(closures, 0, sizeof(*closures));
	code = cover_filesystem(closures, policy, features, error);
	if (code == 0)
		code = cover_network(closures, policy, features, shape, error);
	if (code == 0 && moat_policy_narrow_syscalls(&closures->policy, policy, closures->rules,
	                                             closures->rule_count, &closures->arena) < 0)
		code = moat_error_set(error, -ENOMEM, "out of memory");
	return code;
}

struct moat_sandbox_shape moat_sandbox_shape_of_spawn(const struct moat_policy *policy)
{
	unsigned unshare = policy->namespaces.unshare;

	return (struct moat_sandbox_shape){
	        .pid_namespace = policy->process.die_with_parent || (unshare & MOAT_NAMESPACE_PID),
	        .net_namespace = unshare & MOAT_NAMESPACE_NET,
	};
}

void moat_landlock_closures_release(struct moat_landlock_closures *closures)
{
	moat_arena_release(&closures->arena);
}
