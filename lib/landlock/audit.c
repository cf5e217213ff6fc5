// SPDX-License-Identifier: MIT
/*
 * Reading Landlock's audit records (audit.h): a NETLINK_AUDIT socket in the
 * read-log multicast group, the records parsed as the kernel writes them
 * (security/landlock/audit.c, lsm_audit.c), the refusals kept per domain
 * until the domain's own record says whose it is.
 */
#include "landlock/audit.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "landlock/landlock.h"
#include "util/error.h"

#ifndef AUDIT_LANDLOCK_ACCESS
#define AUDIT_LANDLOCK_ACCESS 1423
#endif
#ifndef AUDIT_LANDLOCK_DOMAIN
#define AUDIT_LANDLOCK_DOMAIN 1424
#endif
#ifndef AUDIT_NLGRP_READLOG
#define AUDIT_NLGRP_READLOG 1
#endif

/* The first Landlock ABI that logs refusals after execve (LOG_NEW_EXEC_ON). */
#define AUDIT_LANDLOCK_ABI 7
/* Refusals of domains not known yet to be foreign; beyond, new ones are dropped. */
#define MAXIMUM_ENTRIES    1024
#define MAXIMUM_WATCHED    64
#define RECEIVE_BUFFER     (1 << 20)

enum domain_owner { OWNER_UNKNOWN, OWNER_WATCHED, OWNER_FOREIGN };

struct domain {
	uint64_t id;
	enum domain_owner owner;
};

struct entry {
	uint64_t domain;
	struct moat_landlock_denial denial;
};

struct moat_landlock_audit {
	enum moat_audit_visibility visibility;
	int fd;
	bool lost;
	pid_t watched[MAXIMUM_WATCHED];
	size_t watched_count;
	struct domain *domains;
	size_t domain_count, domain_capacity;
	struct entry *entries;
	size_t entry_count, entry_capacity;
};

/* AUDIT_GET on a socket of its own: whether auditing is on; -errno when the kernel says no. */
static int audit_enabled(void)
{
	struct {
		struct nlmsghdr header;
		struct audit_status status;
	} request = {.header = {.nlmsg_len = NLMSG_LENGTH(0),
	                        .nlmsg_type = AUDIT_GET,
	                        .nlmsg_flags = NLM_F_REQUEST}};
	char reply[1024];
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct timeval timeout = {.tv_sec = 1};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	int result = -EIO;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	if (sendto(fd, &request, request.header.nlmsg_len, 0, (struct sockaddr *)&kernel,
	           sizeof(kernel)) < 0) {
		result = -errno;
		close(fd);
		return result;
	}
	for (int replies = 0; replies < 4 && result == -EIO; replies++) {
		ssize_t length = recv(fd, reply, sizeof(reply), 0);
		struct nlmsghdr *header = (struct nlmsghdr *)reply;

		if (length < 0) {
			result = -errno;
			break;
		}
		if (!NLMSG_OK(header, (size_t)length))
			continue;
		if (header->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *failure = NLMSG_DATA(header);

			if (failure->error)
				result = failure->error;
		} else if (header->nlmsg_type == AUDIT_GET &&
		           header->nlmsg_len >= NLMSG_LENGTH(sizeof(struct audit_status))) {
			const struct audit_status *status = NLMSG_DATA(header);

			result = status->enabled ? 1 : 0;
		}
	}
	close(fd);
	return result;
}

/*
 * The read-log socket, or why there is none. Auditing that cannot be asked
 * about (AUDIT_GET needs CAP_AUDIT_CONTROL and the initial PID namespace)
 * counts as on: the records then say what happened.
 */
static enum moat_audit_visibility open_socket(int *fd)
{
	struct sockaddr_nl group = {.nl_family = AF_NETLINK,
	                            .nl_groups = 1U << (AUDIT_NLGRP_READLOG - 1)};
	int size = RECEIVE_BUFFER;

	*fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
	if (*fd < 0)
		return errno == EPERM || errno == EACCES ? MOAT_AUDIT_NO_CAPABILITY
		                                         : MOAT_AUDIT_NO_AUDIT;
	if (bind(*fd, (struct sockaddr *)&group, sizeof(group)) < 0) {
		enum moat_audit_visibility why = errno == EPERM || errno == EACCES
		                                         ? MOAT_AUDIT_NO_CAPABILITY
		                                         : MOAT_AUDIT_NO_AUDIT;

		close(*fd);
		*fd = -1;
		return why;
	}
	/* A burst of other sandboxes' records must not push ours out. */
	if (setsockopt(*fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(*fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (audit_enabled() == 0) {
		close(*fd);
		*fd = -1;
		return MOAT_AUDIT_OFF;
	}
	return MOAT_AUDIT_VISIBLE;
}

int moat_landlock_audit_open_abi(struct moat_landlock_audit **out, int abi,
                                 struct moat_error *error)
{
	struct moat_landlock_audit *audit = calloc(1, sizeof(*audit));

	*out = NULL;
	if (!audit)
		return moat_error_set(error, -ENOMEM, "out of memory");
	audit->fd = -1;
	if (abi < AUDIT_LANDLOCK_ABI)
		audit->visibility = MOAT_AUDIT_OLD_LANDLOCK;
	else
		audit->visibility = open_socket(&audit->fd);
	*out = audit;
	return 0;
}

int moat_landlock_audit_open(struct moat_landlock_audit **audit, int landlock_abi_limit,
                             struct moat_error *error)
{
	struct moat_landlock_features features = {0};

	if (!audit)
		return moat_error_set(error, -EINVAL, "no reader given");
	/* No Landlock is a sandbox without its records, not an error. */
	if (moat_landlock_probe(&features) < 0)
		features.abi = 0;
	/* As moat_sandbox_options' limit: never more than the kernel really has. */
	if (landlock_abi_limit > 0 && landlock_abi_limit < features.abi)
		features.abi = landlock_abi_limit;
	return moat_landlock_audit_open_abi(audit, features.abi, error);
}

void moat_landlock_audit_free(struct moat_landlock_audit *audit)
{
	if (!audit)
		return;
	if (audit->fd >= 0)
		close(audit->fd);
	free(audit->domains);
	free(audit->entries);
	free(audit);
}

enum moat_audit_visibility moat_landlock_audit_visibility(const struct moat_landlock_audit *audit)
{
	return audit->visibility;
}

int moat_landlock_audit_fd(const struct moat_landlock_audit *audit)
{
	return audit->fd;
}

int moat_landlock_audit_lost(const struct moat_landlock_audit *audit)
{
	return audit->lost ? 1 : 0;
}

static bool is_watched(const struct moat_landlock_audit *audit, pid_t pid)
{
	for (size_t i = 0; i < audit->watched_count; i++) {
		if (audit->watched[i] == pid)
			return true;
	}
	return false;
}

static void add_watched(struct moat_landlock_audit *audit, pid_t pid)
{
	if (pid > 0 && !is_watched(audit, pid) && audit->watched_count < MAXIMUM_WATCHED)
		audit->watched[audit->watched_count++] = pid;
}

int moat_landlock_audit_watch(struct moat_landlock_audit *audit, pid_t pid)
{
	char path[64], text[4096];
	char *cursor = text;
	size_t length;
	FILE *children;

	add_watched(audit, pid);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	children = fopen(path, "re");
	if (!children)
		return -errno;
	length = fread(text, 1, sizeof(text) - 1, children);
	fclose(children);
	text[length] = '\0';
	for (long child; (child = strtol(cursor, &cursor, 10)) > 0;)
		add_watched(audit, (pid_t)child);
	return 0;
}

/* The parent of a live process `pid`, from /proc/PID/stat; 0 when it is gone. */
static pid_t parent_of(pid_t pid)
{
	char path[64], text[1024];
	const char *after_name;
	FILE *stat;
	size_t length;
	int parent = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	stat = fopen(path, "re");
	if (!stat)
		return 0;
	length = fread(text, 1, sizeof(text) - 1, stat);
	fclose(stat);
	text[length] = '\0';
	/* The name may hold spaces and parentheses: the state follows the last ')'. */
	after_name = strrchr(text, ')');
	if (!after_name || sscanf(after_name + 1, " %*c %d", &parent) != 1)
		return 0;
	return (pid_t)parent;
}

static struct domain *find_domain(struct moat_landlock_audit *audit, uint64_t id)
{
	for (size_t i = 0; i < audit->domain_count; i++) {
		if (audit->domains[i].id == id)
			return &audit->domains[i];
	}
	return NULL;
}

static struct domain *add_domain(struct moat_landlock_audit *audit, uint64_t id)
{
	struct domain *domain = find_domain(audit, id);

	if (domain)
		return domain;
	if (audit->domain_count == audit->domain_capacity) {
		size_t capacity = audit->domain_capacity ? 2 * audit->domain_capacity : 16;
		struct domain *grown = realloc(audit->domains, capacity * sizeof(*grown));

		if (!grown)
			return NULL;
		audit->domains = grown;
		audit->domain_capacity = capacity;
	}
	domain = &audit->domains[audit->domain_count++];
	*domain = (struct domain){.id = id, .owner = OWNER_UNKNOWN};
	return domain;
}

/* A foreign domain's refusals are forgotten at once; later ones are not kept. */
static void forget_domain(struct moat_landlock_audit *audit, uint64_t id)
{
	size_t kept = 0;

	for (size_t i = 0; i < audit->entry_count; i++) {
		if (audit->entries[i].domain != id)
			audit->entries[kept++] = audit->entries[i];
	}
	audit->entry_count = kept;
}

/*
 * The value of ` KEY=` in a record: a quoted string, a bare word, or for an
 * `untrusted` one (a path or a name) a hex-encoded string: how the kernel
 * writes one with a space, a quote or a control character, so that no
 * quoted value holds a space. False when the record has no such field.
 */
static bool field_of(const char *text, size_t length, const char *key, bool untrusted, char *value,
                     size_t size)
{
	size_t key_length = strlen(key);
	const char *end = text + length, *at = text, *stop;
	bool hex = untrusted;
	size_t out = 0;

	for (;; at++) {
		at = memmem(at, (size_t)(end - at), key, key_length);
		if (!at)
			return false;
		if ((at == text || at[-1] == ' ') && at + key_length < end && at[key_length] == '=')
			break;
	}
	at += key_length + 1;
	if (at < end && *at == '"') {
		at++;
		stop = memchr(at, '"', (size_t)(end - at));
		stop = stop ? stop : end;
		hex = false;
	} else {
		stop = memchr(at, ' ', (size_t)(end - at));
		stop = stop ? stop : end;
	}
	if (hex && (stop - at) % 2 == 0 && stop > at) {
		for (const char *c = at; c < stop; c++)
			hex = hex && strchr("0123456789ABCDEF", *c) && *c;
	} else {
		hex = false;
	}
	for (const char *c = at; c < stop && out + 1 < size; c += hex ? 2 : 1) {
		unsigned byte;

		if (hex && sscanf(c, "%2X", &byte) == 1)
			value[out++] = (char)byte;
		else if (!hex)
			value[out++] = *c;
	}
	value[out] = '\0';
	return true;
}

static bool field(const char *text, size_t length, const char *key, char *value, size_t size)
{
	return field_of(text, length, key, false, value, size);
}

/*
 * `fs.write_file,fs.truncate` as moat names the rights: `write-file,truncate`.
 * Returns false for blockers that are no [filesystem] right (scopes, ptrace).
 */
static bool fs_rights(const char *blockers, char *access, size_t size)
{
	size_t out = 0;

	for (const char *cursor = blockers; *cursor;) {
		size_t length = strcspn(cursor, ",");

		if (length < 4 || strncmp(cursor, "fs.", 3) != 0 ||
		    !strncmp(cursor, "fs.change_topology", length))
			return false;
		if (out && out + 1 < size)
			access[out++] = ',';
		for (size_t i = 3; i < length && out + 1 < size; i++)
			access[out++] = cursor[i] == '_' ? '-' : cursor[i];
		cursor += length + (cursor[length] == ',');
	}
	access[out] = '\0';
	return out > 0;
}

/* The refusal an access record describes; false for one moat does not report. */
static bool parse_denial(const char *text, size_t length, struct moat_landlock_denial *denial)
{
	char blockers[256], port[16];

	memset(denial, 0, sizeof(*denial));
	if (!field(text, length, "blockers", blockers, sizeof(blockers)))
		return false;
	if (!strcmp(blockers, "net.connect_tcp") || !strcmp(blockers, "net.bind_tcp")) {
		bool connect = blockers[4] == 'c';

		if (!field(text, length, connect ? "dest" : "src", port, sizeof(port)))
			return false;
		denial->kind = connect ? MOAT_LANDLOCK_DENIAL_CONNECT : MOAT_LANDLOCK_DENIAL_BIND;
		denial->port = (unsigned)strtoul(port, NULL, 10);
		snprintf(denial->access, sizeof(denial->access), "%s tcp",
		         connect ? "connect" : "bind");
		return true;
	}
	if (!fs_rights(blockers, denial->access, sizeof(denial->access)))
		return false;
	denial->kind = MOAT_LANDLOCK_DENIAL_PATH;
	/* A path, or for a removal only the entry's name. */
	return field_of(text, length, "path", true, denial->path, sizeof(denial->path)) ||
	       field_of(text, length, "name", true, denial->path, sizeof(denial->path));
}

static bool same_denial(const struct moat_landlock_denial *a, const struct moat_landlock_denial *b)
{
	return a->kind == b->kind && a->port == b->port && !strcmp(a->access, b->access) &&
	       !strcmp(a->path, b->path);
}

static void record_denial(struct moat_landlock_audit *audit, uint64_t id,
                          const struct moat_landlock_denial *denial)
{
	struct domain *domain = add_domain(audit, id);

	if (!domain || domain->owner == OWNER_FOREIGN)
		return;
	for (size_t i = 0; i < audit->entry_count; i++) {
		struct entry *seen = &audit->entries[i];

		if (seen->domain == id && same_denial(&seen->denial, denial)) {
			seen->denial.count++;
			return;
		}
	}
	if (audit->entry_count == audit->entry_capacity) {
		size_t capacity = audit->entry_capacity ? 2 * audit->entry_capacity : 8;
		struct entry *grown;

		if (capacity > MAXIMUM_ENTRIES) {
			audit->lost = true;
			return;
		}
		grown = realloc(audit->entries, capacity * sizeof(*grown));
		if (!grown) {
			audit->lost = true;
			return;
		}
		audit->entries = grown;
		audit->entry_capacity = capacity;
	}
	audit->entries[audit->entry_count] = (struct entry){.domain = id, .denial = *denial};
	audit->entries[audit->entry_count++].denial.count = 1;
}

/*
 * A domain's record: `status=allocated ... pid=PID` names the process that
 * created it, read as the kernel's (initial namespace) pid. It is this
 * sandbox's when that process is watched, or its parent is.
 */
static void record_domain(struct moat_landlock_audit *audit, uint64_t id, const char *text,
                          size_t length)
{
	char status[32], number[32];
	struct domain *domain;
	pid_t pid;

	if (!field(text, length, "status", status, sizeof(status)) ||
	    strcmp(status, "allocated") != 0 || !field(text, length, "pid", number, sizeof(number)))
		return;
	domain = add_domain(audit, id);
	if (!domain || domain->owner != OWNER_UNKNOWN)
		return;
	pid = (pid_t)strtol(number, NULL, 10);
	if (is_watched(audit, pid) || is_watched(audit, parent_of(pid))) {
		domain->owner = OWNER_WATCHED;
		return;
	}
	domain->owner = OWNER_FOREIGN;
	forget_domain(audit, id);
}

void moat_landlock_audit_record(struct moat_landlock_audit *audit, int type, const char *text,
                                size_t length)
{
	struct moat_landlock_denial denial;
	char id_text[32];
	uint64_t id;

	if (type != AUDIT_LANDLOCK_ACCESS && type != AUDIT_LANDLOCK_DOMAIN)
		return;
	if (!field(text, length, "domain", id_text, sizeof(id_text)))
		return;
	id = strtoull(id_text, NULL, 16);
	if (type == AUDIT_LANDLOCK_DOMAIN)
		record_domain(audit, id, text, length);
	else if (parse_denial(text, length, &denial))
		record_denial(audit, id, &denial);
}

/* The netlink messages of one datagram of `length` bytes. */
static void read_messages(struct moat_landlock_audit *audit, const char *buffer, size_t length)
{
	for (size_t offset = 0; offset + NLMSG_HDRLEN <= length;) {
		const struct nlmsghdr *header = (const struct nlmsghdr *)(buffer + offset);

		if (header->nlmsg_len < NLMSG_HDRLEN || header->nlmsg_len > length - offset)
			return;
		moat_landlock_audit_record(audit, header->nlmsg_type,
		                           buffer + offset + NLMSG_HDRLEN,
		                           header->nlmsg_len - NLMSG_HDRLEN);
		offset += NLMSG_ALIGN(header->nlmsg_len);
	}
}

int moat_landlock_audit_read(struct moat_landlock_audit *audit)
{
	char buffer[16384] __attribute__((aligned(NLMSG_ALIGNTO)));

	if (audit->fd < 0)
		return 0;
	for (;;) {
		ssize_t length = recv(audit->fd, buffer, sizeof(buffer), MSG_DONTWAIT);

		if (length < 0 && errno == ENOBUFS) {
			audit->lost = true;
			continue;
		}
		if (length < 0 && errno == EINTR)
			continue;
		if (length < 0)
			return errno == EAGAIN ? 0 : -errno;
		read_messages(audit, buffer, (size_t)length);
	}
}

static long milliseconds_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int moat_landlock_audit_drain(struct moat_landlock_audit *audit, int quiet_ms, int limit_ms)
{
	long deadline = milliseconds_now() + limit_ms;
	int result = 0;

	if (audit->fd < 0)
		return 0;
	while (result == 0) {
		struct pollfd ready = {audit->fd, POLLIN, 0};
		long left = deadline - milliseconds_now();

		if (left <= 0)
			break;
		if (poll(&ready, 1, (int)(left < quiet_ms ? left : quiet_ms)) <= 0)
			break;
		result = moat_landlock_audit_read(audit);
	}
	return result;
}

static bool entry_watched(const struct moat_landlock_audit *audit, const struct entry *entry)
{
	for (size_t i = 0; i < audit->domain_count; i++) {
		if (audit->domains[i].id == entry->domain)
			return audit->domains[i].owner == OWNER_WATCHED;
	}
	return false;
}

size_t moat_landlock_audit_count(const struct moat_landlock_audit *audit)
{
	size_t count = 0;

	for (size_t i = 0; i < audit->entry_count; i++)
		count += entry_watched(audit, &audit->entries[i]);
	return count;
}

const struct moat_landlock_denial *
moat_landlock_audit_denial(const struct moat_landlock_audit *audit, size_t index)
{
	for (size_t i = 0; i < audit->entry_count; i++) {
		if (entry_watched(audit, &audit->entries[i]) && index-- == 0)
			return &audit->entries[i].denial;
	}
	return NULL;
}
