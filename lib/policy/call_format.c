// SPDX-License-Identifier: MIT
/*
 * moat_call_format(): a syscall and its arguments as a policy would write
 * them, for denial reports. Each argument position that takes named values
 * has a family: names compared whole (socket domains, fcntl commands, ioctl
 * requests, prctl options), or flags (open flags, mmap protections): an
 * exact part taken from the low bits by `exact_mask` (O_ACCMODE, the socket
 * type) and then the names of the remaining bits, widest first. A value
 * that leaves bits no name covers is written as a number.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "moat.h"
#include "policy/constants.h"
#include "syscalls/syscalls.h"

#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})

struct family {
	const char *const *exact; /* names for the whole value, or its `exact_mask` part */
	uint64_t exact_mask;      /* 0: `exact` names the whole value */
	const char *const *bits;  /* flag names for what is left, widest first; NULL: none */
	const char *zero;         /* the name of 0 when `exact` has none (PROT_NONE), or NULL */
	bool is_signal;           /* a signal number */
};

static const char *const address_families[] = {
        "AF_UNSPEC", "AF_UNIX",    "AF_INET", "AF_INET6", "AF_NETLINK",   "AF_PACKET",
        "AF_ALG",    "AF_VSOCK",   "AF_KEY",  "AF_CAN",   "AF_BLUETOOTH", "AF_XDP",
        "AF_TIPC",   "AF_RDS",     "AF_X25",  "AF_AX25",  "AF_APPLETALK", "AF_IPX",
        "AF_NFC",    "AF_QIPCRTR", NULL};

static const struct family socket_domain = {.exact = address_families};
static const struct family socket_type = {.exact = NAMES("SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW",
                                                         "SOCK_RDM", "SOCK_SEQPACKET", "SOCK_DCCP",
                                                         "SOCK_PACKET"),
                                          .exact_mask = 0xf,
                                          .bits = NAMES("SOCK_NONBLOCK", "SOCK_CLOEXEC")};
static const struct family open_flags = {
        .exact = NAMES("O_RDONLY", "O_WRONLY", "O_RDWR"),
        .exact_mask = 3,
        .bits = NAMES("O_TMPFILE", "O_SYNC", "O_CREAT", "O_EXCL", "O_NOCTTY", "O_TRUNC", "O_APPEND",
                      "O_NONBLOCK", "O_DSYNC", "O_DIRECT", "O_DIRECTORY", "O_NOFOLLOW", "O_NOATIME",
                      "O_CLOEXEC", "O_PATH", "O_ASYNC")};
static const struct family at_dirfd = {.exact = NAMES("AT_FDCWD")};
static const struct family mmap_prot = {.bits = NAMES("PROT_READ", "PROT_WRITE", "PROT_EXEC",
                                                      "PROT_SEM", "PROT_GROWSDOWN", "PROT_GROWSUP"),
                                        .zero = "PROT_NONE"};
static const struct family mmap_flags = {
        .exact = NAMES("MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE"),
        .exact_mask = 3,
        .bits = NAMES("MAP_FIXED_NOREPLACE", "MAP_FIXED", "MAP_ANONYMOUS", "MAP_GROWSDOWN",
                      "MAP_DENYWRITE", "MAP_EXECUTABLE", "MAP_LOCKED", "MAP_NORESERVE",
                      "MAP_POPULATE", "MAP_NONBLOCK", "MAP_STACK", "MAP_HUGETLB", "MAP_SYNC")};
static const struct family ioctl_request = {
        .exact = NAMES("TCGETS", "TCSETS", "TCSETSW", "TCSETSF", "TCGETS2", "TCSETS2", "TIOCGWINSZ",
                       "TIOCSWINSZ", "TIOCSTI", "TIOCGPGRP", "TIOCSPGRP", "TIOCSCTTY", "TIOCNOTTY",
                       "TIOCLINUX", "TIOCGPTN", "TIOCSPTLCK", "TIOCGPTPEER", "TIOCOUTQ", "TIOCINQ",
                       "TIOCEXCL", "TIOCNXCL", "FIONREAD", "FIONBIO", "FIOCLEX", "FIONCLEX",
                       "FIOASYNC", "FICLONE", "FICLONERANGE", "FIDEDUPERANGE", "SIOCGIFCONF",
                       "SIOCGIFFLAGS", "SIOCSIFFLAGS", "SIOCGIFINDEX", "SIOCGIFADDR",
                       "SIOCGIFHWADDR", "BLKGETSIZE64", "BLKSSZGET", "FS_IOC_GETFLAGS",
                       "FS_IOC_SETFLAGS")};
static const struct family prctl_option = {
        .exact = NAMES("PR_SET_PDEATHSIG", "PR_GET_PDEATHSIG", "PR_GET_DUMPABLE", "PR_SET_DUMPABLE",
                       "PR_GET_KEEPCAPS", "PR_SET_KEEPCAPS", "PR_SET_NAME", "PR_GET_NAME",
                       "PR_GET_SECCOMP", "PR_SET_SECCOMP", "PR_CAPBSET_READ", "PR_CAPBSET_DROP",
                       "PR_GET_SECUREBITS", "PR_SET_SECUREBITS", "PR_SET_TIMERSLACK",
                       "PR_GET_TIMERSLACK", "PR_SET_MM", "PR_SET_PTRACER", "PR_SET_CHILD_SUBREAPER",
                       "PR_GET_CHILD_SUBREAPER", "PR_SET_NO_NEW_PRIVS", "PR_GET_NO_NEW_PRIVS",
                       "PR_GET_TID_ADDRESS", "PR_SET_THP_DISABLE", "PR_GET_THP_DISABLE",
                       "PR_CAP_AMBIENT", "PR_SET_VMA", "PR_GET_SPECULATION_CTRL",
                       "PR_SET_SPECULATION_CTRL")};
static const struct family clone_flags = {
        .bits = NAMES("CLONE_VM", "CLONE_FS", "CLONE_FILES", "CLONE_SIGHAND", "CLONE_PIDFD",
                      "CLONE_PTRACE", "CLONE_VFORK", "CLONE_PARENT", "CLONE_THREAD", "CLONE_NEWNS",
                      "CLONE_SYSVSEM", "CLONE_SETTLS", "CLONE_PARENT_SETTID",
                      "CLONE_CHILD_CLEARTID", "CLONE_DETACHED", "CLONE_UNTRACED",
                      "CLONE_CHILD_SETTID", "CLONE_NEWCGROUP", "CLONE_NEWUTS", "CLONE_NEWIPC",
                      "CLONE_NEWUSER", "CLONE_NEWPID", "CLONE_NEWNET", "CLONE_IO",
                      "CLONE_NEWTIME")};
static const struct family fcntl_command = {
        .exact = NAMES("F_DUPFD", "F_GETFD", "F_SETFD", "F_GETFL", "F_SETFL", "F_GETLK", "F_SETLK",
                       "F_SETLKW", "F_SETOWN", "F_GETOWN", "F_SETSIG", "F_GETSIG", "F_SETOWN_EX",
                       "F_GETOWN_EX", "F_OFD_GETLK", "F_OFD_SETLK", "F_OFD_SETLKW", "F_SETLEASE",
                       "F_GETLEASE", "F_NOTIFY", "F_DUPFD_CLOEXEC", "F_SETPIPE_SZ", "F_GETPIPE_SZ",
                       "F_ADD_SEALS", "F_GET_SEALS")};
static const struct family signal_number = {.is_signal = true};

/* Which family each argument of a syscall takes; NULL for a plain number. */
struct call_shape {
	int syscall;
	const struct family *args[6];
};

static const struct call_shape shapes[] = {
        {SYS_socket, {&socket_domain, &socket_type}},
        {SYS_socketpair, {&socket_domain, &socket_type}},
#ifdef SYS_open /* not on aarch64 and riscv64 */
        {SYS_open, {NULL, &open_flags}},
#endif
        {SYS_openat, {&at_dirfd, NULL, &open_flags}},
        {SYS_mmap, {NULL, NULL, &mmap_prot, &mmap_flags}},
        {SYS_mprotect, {NULL, NULL, &mmap_prot}},
        {SYS_ioctl, {NULL, &ioctl_request}},
        {SYS_prctl, {&prctl_option}},
        {SYS_clone, {&clone_flags}},
        {SYS_unshare, {&clone_flags}},
        {SYS_setns, {NULL, &clone_flags}},
        {SYS_fcntl, {NULL, &fcntl_command}},
        {SYS_kill, {NULL, &signal_number}},
        {SYS_tkill, {NULL, &signal_number}},
        {SYS_tgkill, {NULL, NULL, &signal_number}},
        {SYS_newfstatat, {&at_dirfd}},
        {SYS_statx, {&at_dirfd}},
        {SYS_faccessat, {&at_dirfd}},
        {SYS_faccessat2, {&at_dirfd}},
        {SYS_mkdirat, {&at_dirfd}},
        {SYS_unlinkat, {&at_dirfd}},
        {SYS_readlinkat, {&at_dirfd}},
        {SYS_execveat, {&at_dirfd}},
        {SYS_openat2, {&at_dirfd}},
};

struct output {
	char *buffer;
	size_t size;
	int length;
};

__attribute__((format(printf, 2, 3))) static void put(struct output *out, const char *format, ...)
{
	size_t used = (size_t)out->length < out->size ? (size_t)out->length : out->size;
	va_list list;
	int written;

	va_start(list, format);
	written = vsnprintf(out->buffer ? out->buffer + used : NULL,
	                    out->size > used ? out->size - used : 0, format, list);
	va_end(list);
	if (written > 0)
		out->length += written;
}

/* The first of `names` whose value is `value`, or NULL. */
static const char *exact_name(const char *const *names, uint64_t value)
{
	for (size_t i = 0; names && names[i]; i++) {
		uint64_t known;

		if (moat_constant_value(names[i], &known) && known == value)
			return names[i];
	}
	return NULL;
}

/*
 * `value` as NAME|NAME|...; false (nothing written) when some of its bits
 * have no name, so that the caller writes the number instead.
 */
static bool put_flags(struct output *out, const struct family *family, uint64_t value)
{
	const char *parts[32];
	size_t count = 0;
	uint64_t left = value;

	if (family->exact_mask) {
		const char *name = exact_name(family->exact, value & family->exact_mask);

		if (!name)
			return false;
		parts[count++] = name;
		left &= ~family->exact_mask;
	}
	for (size_t i = 0; family->bits && family->bits[i] && left && count < 32; i++) {
		uint64_t bits;

		if (moat_constant_value(family->bits[i], &bits) && bits && (left & bits) == bits) {
			parts[count++] = family->bits[i];
			left &= ~bits;
		}
	}
	if (left)
		return false;
	if (count == 0) {
		if (!family->zero)
			return false;
		parts[count++] = family->zero;
	}
	for (size_t i = 0; i < count; i++)
		put(out, "%s%s", i ? "|" : "", parts[i]);
	return true;
}

static bool put_named(struct output *out, const struct family *family, uint64_t value,
                      unsigned bits)
{
	const char *name;

	if (family->is_signal) {
		name = value < 65 ? moat_signal_name((int)value) : NULL;
	} else if (family->bits) {
		return put_flags(out, family, value);
	} else {
		/* A negative int such as AT_FDCWD is sign-extended in the constant table. */
		uint64_t wide = bits == 32 ? (uint64_t)(int64_t)(int32_t)value : value;

		name = exact_name(family->exact, wide);
	}
	if (name)
		put(out, "%s", name);
	return name != NULL;
}

static void put_number(struct output *out, uint64_t value, unsigned bits)
{
	if (bits < 64)
		value &= (1ULL << bits) - 1;
	if (bits == 32 && (int32_t)value < 0)
		put(out, "%" PRId32, (int32_t)value);
	else if (value >= 0x10000)
		put(out, "0x%" PRIx64, value);
	else
		put(out, "%" PRIu64, value);
}

static const struct call_shape *shape_of(int syscall)
{
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		if (shapes[i].syscall == syscall)
			return &shapes[i];
	}
	return NULL;
}

int moat_call_format(int syscall, const uint64_t args[6], char *buffer, size_t size)
{
	struct output out = {buffer, size, 0};
	const char *name = moat_syscall_name(syscall);
	const struct call_shape *shape = shape_of(syscall);
	int count = moat_syscall_argument_count(syscall);

	if (buffer && size)
		buffer[0] = '\0';
	if (name)
		put(&out, "%s(", name);
	else
		put(&out, "syscall_%d(", syscall);
	for (int i = 0; i < (count < 0 ? 6 : count); i++) {
		unsigned bits = moat_syscall_argument_bits(syscall, (unsigned)i);
		uint64_t value = bits < 64 ? args[i] & ((1ULL << bits) - 1) : args[i];

		if (i)
			put(&out, ", ");
		if (!shape || !shape->args[i] || !put_named(&out, shape->args[i], value, bits))
			put_number(&out, value, bits);
	}
	put(&out, ")");
	return out.length;
}
