// SPDX-License-Identifier: MIT
/*
 * Why execve said ENOENT for a program that is there.
 *
 * The kernel answers ENOENT both for a missing program and for a program
 * whose ELF interpreter (PT_INTERP) or `#!` interpreter is missing, and a
 * new root that binds the program but not /lib is the usual cause. The
 * child cannot look (its filter is installed by then), so the parent
 * answers from the plan: it walks the sandbox path through the plan's
 * binds and symlinks to the host file behind it, as the kernel would walk
 * it inside the new root, and names the first file on the way to the
 * program's interpreter that the new root lacks.
 */
#include "isolate/internal.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"

#define MAXIMUM_LINKS 40

/* `first`/`second` into `out`; false when it does not fit. */
static bool join(char *out, size_t size, const char *first, const char *second)
{
	int length = snprintf(out, size, "%s/%s", first, second);

	return length >= 0 && (size_t)length < size;
}

/* A destination inside the new root, without the NEW_ROOT prefix. */
static const char *destination_of(const struct moat_isolate_mount *mount)
{
	return mount->target + strlen(MOAT_ISOLATE_NEW_ROOT);
}

/* True when `prefix` is `path` or a directory above it. */
static bool path_at_or_below(const char *path, const char *prefix)
{
	size_t length = strlen(prefix);

	if (length == 1) /* the root */
		return true;
	return !strncmp(path, prefix, length) && (path[length] == '\0' || path[length] == '/');
}

/*
 * The host file behind sandbox path `path` (absolute, no `.` or `..`, no
 * symlink of the plan on the way), written to `host`: 1 when a bind holds
 * it, 0 when the new root has nothing there, -1 when a symlink entry of the
 * plan is `path` itself (its target in `host`).
 */
static int host_file(const struct moat_isolate_plan *plan, const char *path, char *host,
                     size_t size)
{
	const struct moat_isolate_mount *best = NULL;

	for (size_t i = 0; i < plan->mount_count; i++) {
		const char *destination = destination_of(&plan->mounts[i]);

		if (path_at_or_below(path, destination) &&
		    (!best || strlen(destination) >= strlen(destination_of(best))))
			best = &plan->mounts[i];
	}
	if (!best)
		return 0;
	if (best->entry->kind == MOAT_MOUNT_SYMLINK) {
		if (strcmp(path, destination_of(best)) != 0)
			return 0;
		snprintf(host, size, "%s", best->source);
		return -1;
	}
	if (best->entry->kind != MOAT_MOUNT_BIND)
		return 0; /* tmpfs, proc, dev: nothing of the host, and empty at exec */
	snprintf(host, size, "%s%s", best->source + strlen(MOAT_ISOLATE_OLD_ROOT),
	         path + strlen(destination_of(best)));
	return 1;
}

/* True when some entry of the plan lies below `path`: moat made it a directory. */
static bool made_directory(const struct moat_isolate_plan *plan, const char *path)
{
	for (size_t i = 0; i < plan->mount_count; i++) {
		const char *destination = destination_of(&plan->mounts[i]);

		if (strcmp(destination, path) != 0 && path_at_or_below(destination, path))
			return true;
	}
	return false;
}

/* The link target of the sandbox path `path`, if it is a symlink: 1, else 0; -1 if absent. */
static int read_link(const struct moat_isolate_plan *plan, const char *path, char *target,
                     size_t size)
{
	char host[PATH_MAX];
	struct stat status;
	ssize_t length;
	int found = host_file(plan, path, host, sizeof(host));

	if (found < 0) {
		snprintf(target, size, "%s", host);
		return 1;
	}
	if (found == 0)
		return made_directory(plan, path) || !strcmp(path, "/") ? 0 : -1;
	if (lstat(host, &status) < 0)
		return -1;
	if (!S_ISLNK(status.st_mode))
		return 0;
	length = readlink(host, target, size - 1);
	if (length < 0)
		return -1;
	target[length] = '\0';
	return 1;
}

/*
 * Resolves sandbox path `path` as the kernel would inside the new root.
 * Returns 0 with the host file in `host`, or -ENOENT with the first sandbox
 * path that is missing in `missing`.
 */
static int resolve(const struct moat_isolate_plan *plan, const char *path, char *host,
                   size_t host_size, char *missing, size_t missing_size)
{
	char done[PATH_MAX] = "", rest[PATH_MAX], target[PATH_MAX];
	int links = 0;

	snprintf(rest, sizeof(rest), "%s", path);
	while (rest[0]) {
		char *cursor = rest + strspn(rest, "/"), component[NAME_MAX + 1], next[PATH_MAX];
		size_t length = strcspn(cursor, "/");
		int link;

		if (length == 0)
			break;
		snprintf(component, sizeof(component), "%.*s", (int)length, cursor);
		memmove(rest, cursor + length, strlen(cursor + length) + 1);
		if (!strcmp(component, "."))
			continue;
		if (!strcmp(component, "..")) {
			*(strrchr(done, '/') ? strrchr(done, '/') : done) = '\0';
			continue;
		}
		if (!join(next, sizeof(next), done, component))
			return -ENAMETOOLONG;
		link = read_link(plan, next, target, sizeof(target));
		if (link < 0) {
			snprintf(missing, missing_size, "%s", next);
			return -ENOENT;
		}
		if (link == 0) {
			snprintf(done, sizeof(done), "%s", next);
			continue;
		}
		if (++links > MAXIMUM_LINKS)
			return -ELOOP;
		if (target[0] == '/')
			done[0] = '\0';
		if (!join(next, sizeof(next), target, rest))
			return -ENAMETOOLONG;
		memcpy(rest, next, sizeof(rest));
	}
	return host_file(plan, done[0] ? done : "/", host, host_size) == 1 ? 0 : -ENOENT;
}

/* The interpreter a program asks for: its PT_INTERP, or its `#!` line. */
static bool read_interpreter(const char *host, char *interpreter, size_t size)
{
	unsigned char head[256];
	int fd = open(host, O_RDONLY | O_CLOEXEC);
	ssize_t length = fd < 0 ? -1 : pread(fd, head, sizeof(head) - 1, 0);
	bool found = false;

	if (length >= 2 && head[0] == '#' && head[1] == '!') {
		char *start = (char *)head + 2 + strspn((char *)head + 2, " \t");

		head[length] = '\0';
		snprintf(interpreter, size, "%.*s", (int)strcspn(start, " \t\n"), start);
		found = interpreter[0] == '/';
	} else if (length >= (ssize_t)sizeof(Elf64_Ehdr) && !memcmp(head, ELFMAG, SELFMAG) &&
	           head[EI_CLASS] == ELFCLASS64) {
		const Elf64_Ehdr *elf = (const Elf64_Ehdr *)head;

		for (unsigned i = 0; i < elf->e_phnum && !found; i++) {
			Elf64_Phdr header;
			off_t at = (off_t)(elf->e_phoff + (uint64_t)i * elf->e_phentsize);

			if (pread(fd, &header, sizeof(header), at) != (ssize_t)sizeof(header))
				break;
			if (header.p_type == PT_INTERP && header.p_filesz < size &&
			    pread(fd, interpreter, header.p_filesz, (off_t)header.p_offset) ==
			            (ssize_t)header.p_filesz) {
				interpreter[header.p_filesz] = '\0';
				found = interpreter[0] == '/';
			}
		}
	}
	if (fd >= 0)
		close(fd);
	return found;
}

void moat_isolate_explain_missing(const struct moat_isolate_plan *plan, const char *program,
                                  struct moat_error *error)
{
	char host[PATH_MAX], missing[PATH_MAX], interpreter[PATH_MAX];

	if (!plan->new_root || !error || error->code != -ENOENT || program[0] != '/')
		return;
	if (resolve(plan, program, host, sizeof(host), missing, sizeof(missing)) < 0)
		return; /* the program itself is missing: the message says so already */
	if (!read_interpreter(host, interpreter, sizeof(interpreter)))
		return;
	if (resolve(plan, interpreter, host, sizeof(host), missing, sizeof(missing)) == 0)
		return;
	if (snprintf(error->message, sizeof(error->message),
	             "cannot execute %s: its interpreter %s is not in the sandbox's new root "
	             "(%s is missing there: bind it, or link it, at that path)",
	             program, interpreter, missing) >= (int)sizeof(error->message))
		snprintf(error->message, sizeof(error->message),
		         "cannot execute the program: its interpreter is not in the sandbox's "
		         "new root");
}
