/* SPDX-License-Identifier: MIT */
/*
 * Landlock refusals as the kernel's audit records tell them (Landlock ABI 7),
 * for `moat run --report` (docs/authoring.md "Denial reports").
 *
 * The kernel writes one AUDIT_LANDLOCK_ACCESS record per refused access
 * (`domain=ID blockers=fs.write_file path="/etc/hostname" ...`) and, after
 * a domain's first refusal, one AUDIT_LANDLOCK_DOMAIN record that names the
 * host pid of the process that created the domain (`domain=ID
 * status=allocated ... pid=PID`). Every sandbox on the host writes them; a
 * reader keeps only the refusals of the domains created by the processes it
 * watches (the sandbox's first process and its children: moat's program
 * process applies Landlock), and counts each distinct one.
 *
 * Records reach a NETLINK_AUDIT socket bound to the read-log multicast
 * group, which needs CAP_AUDIT_READ, and only while auditing is on; the
 * reader opens it before the sandbox starts, so that no record is missed,
 * and never changes the host's audit state. It prints nothing and keeps no
 * global state.
 */
#ifndef MOAT_LANDLOCK_AUDIT_H
#define MOAT_LANDLOCK_AUDIT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "moat.h"

/* Whether Landlock refusals reach the reader, and when not, why. */
enum moat_audit_visibility {
	MOAT_AUDIT_VISIBLE,
	MOAT_AUDIT_OLD_LANDLOCK,  /* Landlock ABI < 7: no records after the program's execve */
	MOAT_AUDIT_NO_AUDIT,      /* a kernel built without audit (no NETLINK_AUDIT) */
	MOAT_AUDIT_NO_CAPABILITY, /* no CAP_AUDIT_READ: the read-log group refuses to bind */
	MOAT_AUDIT_OFF,           /* auditing is off (`auditctl -e 1` turns it on) */
};

enum moat_landlock_denial_kind {
	MOAT_LANDLOCK_DENIAL_PATH,    /* `access` is [filesystem] right names, `path` the object */
	MOAT_LANDLOCK_DENIAL_CONNECT, /* a TCP connect to `port` */
	MOAT_LANDLOCK_DENIAL_BIND,    /* a TCP bind of `port` */
};

/* One distinct refusal: the same kind, rights and object count as one. */
struct moat_landlock_denial {
	enum moat_landlock_denial_kind kind;
	char access[256]; /* moat's right names, comma-separated: "write-file,truncate" */
	char path[PATH_MAX];
	unsigned port;
	unsigned long count;
};

struct moat_landlock_audit;

/*
 * A reader for a sandbox whose Landlock has ABI `abi` (the ABI the plan
 * used). A reader whose records cannot come is no error: it says why
 * (moat_landlock_audit_visibility()) and stays empty. Returns 0, or
 * -ENOMEM with `error`.
 */
int moat_landlock_audit_open(struct moat_landlock_audit **audit, int abi, struct moat_error *error);

/* Accepts NULL. */
void moat_landlock_audit_free(struct moat_landlock_audit *audit);

enum moat_audit_visibility moat_landlock_audit_visibility(const struct moat_landlock_audit *audit);

/* The socket to poll for records; -1 when none can come. */
int moat_landlock_audit_fd(const struct moat_landlock_audit *audit);

/*
 * The domains created by `pid` (a host pid), by its children now, and by
 * any process whose parent is watched when its domain's record comes, are
 * this sandbox's. Call it right after the sandbox started.
 */
int moat_landlock_audit_watch(struct moat_landlock_audit *audit, pid_t pid);

/* Reads the records waiting, without blocking. Returns 0, or a negative errno. */
int moat_landlock_audit_read(struct moat_landlock_audit *audit);

/*
 * After the sandbox ended: the kernel sends records asynchronously, so
 * reads until no record came for `quiet_ms`, for at most `limit_ms`.
 */
int moat_landlock_audit_drain(struct moat_landlock_audit *audit, int quiet_ms, int limit_ms);

/* True when the socket overflowed and records were lost. */
bool moat_landlock_audit_lost(const struct moat_landlock_audit *audit);

/* The refusals of the watched domains, in the order first seen. */
size_t moat_landlock_audit_count(const struct moat_landlock_audit *audit);
const struct moat_landlock_denial *
moat_landlock_audit_denial(const struct moat_landlock_audit *audit, size_t index);

/*
 * Parses one record's text (after its `audit(T:SERIAL): ` stamp or with
 * it) of netlink type `type` into the reader; for tests, and for read().
 */
void moat_landlock_audit_record(struct moat_landlock_audit *audit, int type, const char *text,
                                size_t length);

#endif /* MOAT_LANDLOCK_AUDIT_H */
