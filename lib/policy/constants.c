// SPDX-License-Identifier: MIT
/*
 * Lookups in the constant, errno, capability and signal tables, and the
 * edit-distance search behind "did you mean" suggestions. The constant table
 * itself is in constants_table.c.
 */
#include "policy/constants.h"
#include "util/text.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/capability_numbers.h"
#include "syscalls/syscalls.h"

/*
 * Every table below starts each entry with its name, held in the entry as a
 * char array (not a pointer, so that no table needs a relocation at
 * start-up), so one comparison function serves bsearch() on all of them.
 */
static int compare_name(const void *key, const void *entry)
{
	return strcmp(key, entry);
}

/* ---- suggestions ------------------------------------------------------ */

/*
 * How many edits still make a plausible typo of a name of `length`
 * characters: one for short names, up to three for long ones.
 */
static size_t typo_limit(size_t length)
{
	return 1 + length / 4 < 3 ? 1 + length / 4 : 3;
}

/*
 * The name closest to `name` among the `count` entries of `table`, each
 * `stride` bytes long and starting with its name, comparing `name` with
 * each entry's name from its `skip`th character on; NULL when none is
 * within typo_limit(). Ties go to the entry that comes first.
 */
static const char *closest_name(const char *name, const void *table, size_t count, size_t stride,
                                size_t skip)
{
	size_t length = strlen(name);
	size_t limit = typo_limit(length);
	size_t best_distance = limit + 1;
	const char *best = NULL;

	if (length == 0 || length > MOAT_TYPO_LENGTH_MAX + limit)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		const char *candidate = (const char *)table + i * stride;
		const char *compared = candidate + skip;
		size_t compared_length = strlen(compared);
		size_t distance;

		if (compared_length > MOAT_TYPO_LENGTH_MAX ||
		    (compared_length > length ? compared_length - length
		                              : length - compared_length) >= best_distance)
			continue;
		distance = moat_typo_distance(name, compared, best_distance - 1);
		if (distance < best_distance) {
			best_distance = distance;
			best = candidate;
		}
	}
	return best;
}

/* ---- constants -------------------------------------------------------- */

bool moat_constant_value(const char *name, uint64_t *value)
{
	size_t count;
	const struct moat_constant *table = moat_constant_table(&count);
	const struct moat_constant *found;

	if (!name)
		return false;
	found = bsearch(name, table, count, sizeof(*table), compare_name);
	if (!found)
		return false;
	*value = found->value;
	return true;
}

/*
 * The constants whose value depends on the architecture, for each one moat
 * can build filters for: the table above holds the native values, taken
 * from the headers moat was built with, so a filter built for another
 * architecture (moat_policy_load_arch) takes these. aarch64 keeps the
 * AArch32 layout of four open flags (arch/arm64/include/uapi/asm/fcntl.h),
 * and O_TMPFILE holds O_DIRECTORY; x86_64 and riscv64 use
 * include/uapi/asm-generic/fcntl.h. MAP_32BIT
 * exists on x86_64 alone (arch/x86/include/uapi/asm/mman.h).
 * tests/unit/test_constants.c checks the native rows against the headers.
 */
static const struct {
	const char *name;
	const char *arch;
	uint64_t value;
} by_architecture[] = {
        {"MAP_32BIT", "x86_64", 0x40},       {"O_DIRECT", "aarch64", 0200000},
        {"O_DIRECT", "riscv64", 040000},     {"O_DIRECT", "x86_64", 040000},
        {"O_DIRECTORY", "aarch64", 040000},  {"O_DIRECTORY", "riscv64", 0200000},
        {"O_DIRECTORY", "x86_64", 0200000},  {"O_NOFOLLOW", "aarch64", 0100000},
        {"O_NOFOLLOW", "riscv64", 0400000},  {"O_NOFOLLOW", "x86_64", 0400000},
        {"O_TMPFILE", "aarch64", 020040000}, {"O_TMPFILE", "riscv64", 020200000},
        {"O_TMPFILE", "x86_64", 020200000},
};

bool moat_constant_value_for(const struct moat_arch *arch, const char *name, uint64_t *value)
{
	bool depends = false;

	for (size_t i = 0; name && i < sizeof(by_architecture) / sizeof(by_architecture[0]); i++) {
		if (strcmp(by_architecture[i].name, name) != 0)
			continue;
		depends = true;
		if (strcmp(by_architecture[i].arch, moat_arch_name(arch)) == 0) {
			*value = by_architecture[i].value;
			return true;
		}
	}
	return !depends && moat_constant_value(name, value);
}

const char *moat_constant_suggest(const char *name)
{
	size_t count;
	const struct moat_constant *table = moat_constant_table(&count);

	if (!name)
		return NULL;
	return closest_name(name, table, count, sizeof(*table), 0);
}

/* ---- errno ------------------------------------------------------------ */

struct errno_name {
	char name[sizeof("ENOTRECOVERABLE")]; /* the longest */
	int number;
	bool alias; /* another name has the same number and is the canonical one */
};

/* clang-format off */
#define ERRNO(name) {MOAT_TERMINATED(#name), name, false}
#define ERRNO_ALIAS(name) {MOAT_TERMINATED(#name), name, true}

/* Sorted by name in strcmp() order, like the constant table. */
static const struct errno_name errno_names[] = {
	ERRNO(E2BIG),
	ERRNO(EACCES),
	ERRNO(EADDRINUSE),
	ERRNO(EADDRNOTAVAIL),
	ERRNO(EADV),
	ERRNO(EAFNOSUPPORT),
	ERRNO(EAGAIN),
	ERRNO(EALREADY),
	ERRNO(EBADE),
	ERRNO(EBADF),
	ERRNO(EBADFD),
	ERRNO(EBADMSG),
	ERRNO(EBADR),
	ERRNO(EBADRQC),
	ERRNO(EBADSLT),
	ERRNO(EBFONT),
	ERRNO(EBUSY),
	ERRNO(ECANCELED),
	ERRNO(ECHILD),
	ERRNO(ECHRNG),
	ERRNO(ECOMM),
	ERRNO(ECONNABORTED),
	ERRNO(ECONNREFUSED),
	ERRNO(ECONNRESET),
	ERRNO(EDEADLK),
	ERRNO_ALIAS(EDEADLOCK),
	ERRNO(EDESTADDRREQ),
	ERRNO(EDOM),
	ERRNO(EDOTDOT),
	ERRNO(EDQUOT),
	ERRNO(EEXIST),
	ERRNO(EFAULT),
	ERRNO(EFBIG),
	ERRNO(EHOSTDOWN),
	ERRNO(EHOSTUNREACH),
	ERRNO(EHWPOISON),
	ERRNO(EIDRM),
	ERRNO(EILSEQ),
	ERRNO(EINPROGRESS),
	ERRNO(EINTR),
	ERRNO(EINVAL),
	ERRNO(EIO),
	ERRNO(EISCONN),
	ERRNO(EISDIR),
	ERRNO(EISNAM),
	ERRNO(EKEYEXPIRED),
	ERRNO(EKEYREJECTED),
	ERRNO(EKEYREVOKED),
	ERRNO(EL2HLT),
	ERRNO(EL2NSYNC),
	ERRNO(EL3HLT),
	ERRNO(EL3RST),
	ERRNO(ELIBACC),
	ERRNO(ELIBBAD),
	ERRNO(ELIBEXEC),
	ERRNO(ELIBMAX),
	ERRNO(ELIBSCN),
	ERRNO(ELNRNG),
	ERRNO(ELOOP),
	ERRNO(EMEDIUMTYPE),
	ERRNO(EMFILE),
	ERRNO(EMLINK),
	ERRNO(EMSGSIZE),
	ERRNO(EMULTIHOP),
	ERRNO(ENAMETOOLONG),
	ERRNO(ENAVAIL),
	ERRNO(ENETDOWN),
	ERRNO(ENETRESET),
	ERRNO(ENETUNREACH),
	ERRNO(ENFILE),
	ERRNO(ENOANO),
	ERRNO(ENOBUFS),
	ERRNO(ENOCSI),
	ERRNO(ENODATA),
	ERRNO(ENODEV),
	ERRNO(ENOENT),
	ERRNO(ENOEXEC),
	ERRNO(ENOKEY),
	ERRNO(ENOLCK),
	ERRNO(ENOLINK),
	ERRNO(ENOMEDIUM),
	ERRNO(ENOMEM),
	ERRNO(ENOMSG),
	ERRNO(ENONET),
	ERRNO(ENOPKG),
	ERRNO(ENOPROTOOPT),
	ERRNO(ENOSPC),
	ERRNO(ENOSR),
	ERRNO(ENOSTR),
	ERRNO(ENOSYS),
	ERRNO(ENOTBLK),
	ERRNO(ENOTCONN),
	ERRNO(ENOTDIR),
	ERRNO(ENOTEMPTY),
	ERRNO(ENOTNAM),
	ERRNO(ENOTRECOVERABLE),
	ERRNO(ENOTSOCK),
	ERRNO_ALIAS(ENOTSUP),
	ERRNO(ENOTTY),
	ERRNO(ENOTUNIQ),
	ERRNO(ENXIO),
	ERRNO(EOPNOTSUPP),
	ERRNO(EOVERFLOW),
	ERRNO(EOWNERDEAD),
	ERRNO(EPERM),
	ERRNO(EPFNOSUPPORT),
	ERRNO(EPIPE),
	ERRNO(EPROTO),
	ERRNO(EPROTONOSUPPORT),
	ERRNO(EPROTOTYPE),
	ERRNO(ERANGE),
	ERRNO(EREMCHG),
	ERRNO(EREMOTE),
	ERRNO(EREMOTEIO),
	ERRNO(ERESTART),
	ERRNO(ERFKILL),
	ERRNO(EROFS),
	ERRNO(ESHUTDOWN),
	ERRNO(ESOCKTNOSUPPORT),
	ERRNO(ESPIPE),
	ERRNO(ESRCH),
	ERRNO(ESRMNT),
	ERRNO(ESTALE),
	ERRNO(ESTRPIPE),
	ERRNO(ETIME),
	ERRNO(ETIMEDOUT),
	ERRNO(ETOOMANYREFS),
	ERRNO(ETXTBSY),
	ERRNO(EUCLEAN),
	ERRNO(EUNATCH),
	ERRNO(EUSERS),
	ERRNO_ALIAS(EWOULDBLOCK),
	ERRNO(EXDEV),
	ERRNO(EXFULL),
};
/* clang-format on */

int moat_errno_number(const char *name)
{
	const struct errno_name *found;

	if (!name)
		return -1;
	found = bsearch(name, errno_names, sizeof(errno_names) / sizeof(errno_names[0]),
	                sizeof(errno_names[0]), compare_name);
	return found ? found->number : -1;
}

const char *moat_errno_name(int number)
{
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++) {
		if (errno_names[i].number == number && !errno_names[i].alias)
			return errno_names[i].name;
	}
	return NULL;
}

const char *moat_errno_suggest(const char *name)
{
	if (!name)
		return NULL;
	return closest_name(name, errno_names, sizeof(errno_names) / sizeof(errno_names[0]),
	                    sizeof(errno_names[0]), 0);
}

/* ---- capabilities ----------------------------------------------------- */

/* clang-format off */
#define CAPABILITY(name) [name] = MOAT_TERMINATED(#name)

/* Indexed by number; every number up to the last has a name. */
static const char capability_names[][sizeof("CAP_CHECKPOINT_RESTORE")] = { /* the longest */
	CAPABILITY(CAP_CHOWN),
	CAPABILITY(CAP_DAC_OVERRIDE),
	CAPABILITY(CAP_DAC_READ_SEARCH),
	CAPABILITY(CAP_FOWNER),
	CAPABILITY(CAP_FSETID),
	CAPABILITY(CAP_KILL),
	CAPABILITY(CAP_SETGID),
	CAPABILITY(CAP_SETUID),
	CAPABILITY(CAP_SETPCAP),
	CAPABILITY(CAP_LINUX_IMMUTABLE),
	CAPABILITY(CAP_NET_BIND_SERVICE),
	CAPABILITY(CAP_NET_BROADCAST),
	CAPABILITY(CAP_NET_ADMIN),
	CAPABILITY(CAP_NET_RAW),
	CAPABILITY(CAP_IPC_LOCK),
	CAPABILITY(CAP_IPC_OWNER),
	CAPABILITY(CAP_SYS_MODULE),
	CAPABILITY(CAP_SYS_RAWIO),
	CAPABILITY(CAP_SYS_CHROOT),
	CAPABILITY(CAP_SYS_PTRACE),
	CAPABILITY(CAP_SYS_PACCT),
	CAPABILITY(CAP_SYS_ADMIN),
	CAPABILITY(CAP_SYS_BOOT),
	CAPABILITY(CAP_SYS_NICE),
	CAPABILITY(CAP_SYS_RESOURCE),
	CAPABILITY(CAP_SYS_TIME),
	CAPABILITY(CAP_SYS_TTY_CONFIG),
	CAPABILITY(CAP_MKNOD),
	CAPABILITY(CAP_LEASE),
	CAPABILITY(CAP_AUDIT_WRITE),
	CAPABILITY(CAP_AUDIT_CONTROL),
	CAPABILITY(CAP_SETFCAP),
	CAPABILITY(CAP_MAC_OVERRIDE),
	CAPABILITY(CAP_MAC_ADMIN),
	CAPABILITY(CAP_SYSLOG),
	CAPABILITY(CAP_WAKE_ALARM),
	CAPABILITY(CAP_BLOCK_SUSPEND),
	CAPABILITY(CAP_AUDIT_READ),
	CAPABILITY(CAP_PERFMON),
	CAPABILITY(CAP_BPF),
	CAPABILITY(CAP_CHECKPOINT_RESTORE),
};
/* clang-format on */

#define CAPABILITY_COUNT         (sizeof(capability_names) / sizeof(capability_names[0]))
#define CAPABILITY_PREFIX        "CAP_"
#define CAPABILITY_PREFIX_LENGTH (sizeof(CAPABILITY_PREFIX) - 1)

_Static_assert(CAPABILITY_COUNT == CAP_CHECKPOINT_RESTORE + 1,
               "capability_names must name every capability up to the last");

/* `name` without a leading "CAP_" in any letter case. */
static const char *capability_base(const char *name)
{
	if (strncasecmp(name, CAPABILITY_PREFIX, CAPABILITY_PREFIX_LENGTH) == 0)
		return name + CAPABILITY_PREFIX_LENGTH;
	return name;
}

int moat_capability_number(const char *name)
{
	const char *base;

	if (!name)
		return -1;
	base = capability_base(name);
	for (size_t i = 0; i < CAPABILITY_COUNT; i++) {
		if (strcasecmp(capability_names[i] + CAPABILITY_PREFIX_LENGTH, base) == 0)
			return (int)i;
	}
	return -1;
}

const char *moat_capability_name(int number)
{
	if (number < 0 || (size_t)number >= CAPABILITY_COUNT)
		return NULL;
	return capability_names[number];
}

int moat_capability_last(void)
{
	return (int)CAPABILITY_COUNT - 1;
}

const char *moat_capability_suggest(const char *name)
{
	if (!name)
		return NULL;
	return closest_name(capability_base(name), capability_names, CAPABILITY_COUNT,
	                    sizeof(capability_names[0]), CAPABILITY_PREFIX_LENGTH);
}

/* ---- signals ---------------------------------------------------------- */

struct signal_name {
	char name[sizeof("SIGSTKFLT")]; /* the longest, with SIGVTALRM */
	int number;
	bool alias; /* another name has the same number and is the canonical one */
};

/* clang-format off */
#define SIGNAL(name) {MOAT_TERMINATED(#name), name, false}
#define SIGNAL_ALIAS(name) {MOAT_TERMINATED(#name), name, true}
#define SIGNAL_PREFIX "SIG"
#define SIGNAL_PREFIX_LENGTH (sizeof(SIGNAL_PREFIX) - 1)

/* The standard signals, 1 to 31. */
static const struct signal_name signal_names[] = {
	SIGNAL(SIGABRT),      SIGNAL(SIGALRM), SIGNAL(SIGBUS),        SIGNAL(SIGCHLD),
	SIGNAL_ALIAS(SIGCLD), SIGNAL(SIGCONT), SIGNAL(SIGFPE),        SIGNAL(SIGHUP),
	SIGNAL(SIGILL),       SIGNAL(SIGINT),  SIGNAL(SIGIO),         SIGNAL_ALIAS(SIGIOT),
	SIGNAL(SIGKILL),      SIGNAL(SIGPIPE), SIGNAL_ALIAS(SIGPOLL), SIGNAL(SIGPROF),
	SIGNAL(SIGPWR),       SIGNAL(SIGQUIT), SIGNAL(SIGSEGV),       SIGNAL(SIGSTKFLT),
	SIGNAL(SIGSTOP),      SIGNAL(SIGSYS),  SIGNAL(SIGTERM),       SIGNAL(SIGTRAP),
	SIGNAL(SIGTSTP),      SIGNAL(SIGTTIN), SIGNAL(SIGTTOU),       SIGNAL(SIGURG),
	SIGNAL(SIGUSR1),      SIGNAL(SIGUSR2), SIGNAL(SIGVTALRM),     SIGNAL(SIGWINCH),
	SIGNAL(SIGXCPU),      SIGNAL(SIGXFSZ),
};
/* clang-format on */

int moat_signal_number(const char *name)
{
	const char *base;

	if (!name)
		return -1;
	base = name;
	if (strncasecmp(base, SIGNAL_PREFIX, SIGNAL_PREFIX_LENGTH) == 0)
		base += SIGNAL_PREFIX_LENGTH;
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++) {
		if (strcasecmp(signal_names[i].name + SIGNAL_PREFIX_LENGTH, base) == 0)
			return signal_names[i].number;
	}
	return -1;
}

const char *moat_signal_name(int number)
{
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++) {
		if (signal_names[i].number == number && !signal_names[i].alias)
			return signal_names[i].name;
	}
	return NULL;
}
