// SPDX-License-Identifier: MIT
/*
 * The collapsing rule: from the paths a run used to the [filesystem] grants
 * of the learned policy. docs/learning.md states it with examples; in
 * short, a file grants its directory unless that directory is a broad one,
 * where it grants the file alone; creating or removing grants the directory
 * it happened in; executing grants the file (and its interpreter); grants
 * that a grant above already covers are dropped.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "learn/learn.h"
#include "util/error.h"

/* Directories a grant never covers as a whole for what was read below them. */
static const char *const broad_directories[] = {
        "/",          "/bin",           "/boot",          "/dev",       "/etc",
        "/home",      "/lib",           "/lib32",         "/lib64",     "/media",
        "/mnt",       "/opt",           "/proc",          "/root",      "/run",
        "/sbin",      "/srv",           "/sys",           "/tmp",       "/usr",
        "/usr/bin",   "/usr/lib",       "/usr/lib32",     "/usr/lib64", "/usr/libexec",
        "/usr/local", "/usr/local/bin", "/usr/local/lib", "/usr/sbin",  "/usr/share",
        "/var",       "/var/lib",       "/var/tmp",
};

bool moat_learn_is_broad(const char *directory, const char *home)
{
	if (home && home[0] && !strcmp(directory, home))
		return true;
	for (size_t i = 0; i < sizeof(broad_directories) / sizeof(broad_directories[0]); i++) {
		if (!strcmp(directory, broad_directories[i]))
			return true;
	}
	return false;
}

static void parent_of(const char *path, char *parent)
{
	const char *slash = strrchr(path, '/');
	size_t length = slash && slash != path ? (size_t)(slash - path) : 1;

	memcpy(parent, path, length);
	parent[length] = '\0';
}

unsigned moat_learn_collapse_one(const char *path, unsigned access,
                                 const struct moat_learn_path_facts *facts, const char *home,
                                 char *grant)
{
	char directory[PATH_MAX];

	parent_of(path, directory);
	if (access & (MOAT_LEARN_CREATE | MOAT_LEARN_REMOVE)) {
		strcpy(grant, directory);
		return MOAT_LEARN_GRANT_WRITE;
	}
	if (!facts->exists)
		return 0; /* a failed lookup: Landlock answers ENOENT as the run saw it */
	if (facts->directory) {
		strcpy(grant, path);
		if (!(access & MOAT_LEARN_READ))
			return 0;
		return moat_learn_is_broad(path, home) ? MOAT_LEARN_GRANT_LIST
		                                       : MOAT_LEARN_GRANT_READ;
	}
	if (access & MOAT_LEARN_EXEC) {
		strcpy(grant, path);
		return MOAT_LEARN_GRANT_EXEC;
	}
	if (facts->device) {
		strcpy(grant, path);
		return MOAT_LEARN_GRANT_IOCTL |
		       (access & MOAT_LEARN_WRITE ? MOAT_LEARN_GRANT_WRITE : MOAT_LEARN_GRANT_READ);
	}
	strcpy(grant, moat_learn_is_broad(directory, home) ? path : directory);
	return access & MOAT_LEARN_WRITE ? MOAT_LEARN_GRANT_WRITE : MOAT_LEARN_GRANT_READ;
}

/* Kinds that `kinds` of an ancestor, or of the same path, already give. */
static unsigned covered_by(unsigned kinds)
{
	unsigned covered = 0;

	if (kinds & MOAT_LEARN_GRANT_WRITE)
		covered |= MOAT_LEARN_GRANT_WRITE | MOAT_LEARN_GRANT_READ | MOAT_LEARN_GRANT_LIST;
	if (kinds & MOAT_LEARN_GRANT_EXEC)
		covered |= MOAT_LEARN_GRANT_EXEC | MOAT_LEARN_GRANT_READ | MOAT_LEARN_GRANT_LIST;
	if (kinds & MOAT_LEARN_GRANT_READ)
		covered |= MOAT_LEARN_GRANT_READ | MOAT_LEARN_GRANT_LIST;
	if (kinds & MOAT_LEARN_GRANT_LIST)
		covered |= MOAT_LEARN_GRANT_LIST;
	return covered;
}

static bool is_below(const char *path, const char *ancestor)
{
	size_t length = strlen(ancestor);

	if (!strcmp(ancestor, "/"))
		return strcmp(path, "/") != 0;
	return !strncmp(path, ancestor, length) && path[length] == '/';
}

/* What a grant keeps of its own kinds, given every other grant (unchanged). */
static unsigned kept_kinds(const struct moat_learn_grant *grants, size_t count, size_t i)
{
	unsigned own = grants[i].kinds, kinds = own;

	/* The same path: write or exec make read redundant, read makes list so. */
	if (own & (MOAT_LEARN_GRANT_WRITE | MOAT_LEARN_GRANT_EXEC))
		kinds &= ~(MOAT_LEARN_GRANT_READ | MOAT_LEARN_GRANT_LIST);
	if (own & MOAT_LEARN_GRANT_READ)
		kinds &= ~MOAT_LEARN_GRANT_LIST;
	for (size_t j = 0; j < count && kinds; j++) {
		if (j != i && is_below(grants[i].path, grants[j].path))
			kinds &= ~(covered_by(grants[j].kinds) & ~MOAT_LEARN_GRANT_IOCTL);
	}
	return kinds;
}

size_t moat_learn_simplify(struct moat_learn_grant *grants, size_t count)
{
	unsigned *kept_kinds_of = calloc(count ? count : 1, sizeof(*kept_kinds_of));
	size_t kept = 0;

	/* Without memory the grants stay as they are: more lines, the same access. */
	if (!kept_kinds_of)
		return count;
	/* Decided against the grants as they came, before any is dropped. */
	for (size_t i = 0; i < count; i++)
		kept_kinds_of[i] = kept_kinds(grants, count, i);
	for (size_t i = 0; i < count; i++) {
		if (!kept_kinds_of[i]) {
			free(grants[i].path);
			continue;
		}
		grants[i].kinds = kept_kinds_of[i];
		grants[kept++] = grants[i];
	}
	free(kept_kinds_of);
	return kept;
}

/* ---- from observations to grants ------------------------------------------ */

struct grant_list {
	struct moat_learn_grant *items;
	size_t count, capacity;
};

static int add_grant(struct grant_list *list, const char *path, unsigned kinds)
{
	for (size_t i = 0; i < list->count; i++) {
		if (!strcmp(list->items[i].path, path)) {
			list->items[i].kinds |= kinds;
			return 0;
		}
	}
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? 2 * list->capacity : 32;
		struct moat_learn_grant *grown = realloc(list->items, capacity * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		list->items = grown;
		list->capacity = capacity;
	}
	list->items[list->count].path = strdup(path);
	if (!list->items[list->count].path)
		return -ENOMEM;
	list->items[list->count++].kinds = kinds;
	return 0;
}

/*
 * /proc/PID/..., /proc/self/... and the /dev/fd links name the process that
 * looks: a grant cannot name the sandbox's own pid before it starts, so they
 * grant /proc.
 */
static bool is_per_process(const char *path)
{
	const char *rest;

	if (!strncmp(path, "/dev/fd", 7) || !strcmp(path, "/dev/stdin") ||
	    !strcmp(path, "/dev/stdout") || !strcmp(path, "/dev/stderr"))
		return true;
	if (strncmp(path, "/proc/", 6) != 0)
		return false;
	rest = path + 6;
	if (!strncmp(rest, "self", 4) || !strncmp(rest, "thread-self", 11))
		return true;
	return *rest >= '0' && *rest <= '9';
}

/* The ELF interpreter (PT_INTERP) or the #! interpreter of `path`, if any. */
static bool interpreter_of(const char *path, char *interpreter)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char head[256];
	Elf64_Ehdr header;
	ssize_t got;
	bool found = false;

	if (fd < 0)
		return false;
	got = pread(fd, head, sizeof(head) - 1, 0);
	if (got > 2 && head[0] == '#' && head[1] == '!') {
		char *start = (char *)head + 2, *end;

		head[got] = '\0';
		start += strspn(start, " \t");
		end = start + strcspn(start, " \t\n");
		*end = '\0';
		found = start[0] == '/' && strlen(start) < PATH_MAX;
		if (found)
			strcpy(interpreter, start);
	} else if (got >= (ssize_t)sizeof(header) && !memcmp(head, ELFMAG, SELFMAG) &&
	           head[EI_CLASS] == ELFCLASS64) {
		memcpy(&header, head, sizeof(header));
		for (unsigned i = 0; i < header.e_phnum && !found; i++) {
			Elf64_Phdr program;

			if (pread(fd, &program, sizeof(program),
			          (off_t)(header.e_phoff + i * header.e_phentsize)) !=
			    (ssize_t)sizeof(program))
				break;
			if (program.p_type != PT_INTERP || program.p_filesz >= PATH_MAX)
				continue;
			found = pread(fd, interpreter, program.p_filesz, (off_t)program.p_offset) ==
			        (ssize_t)program.p_filesz;
			interpreter[found ? program.p_filesz : 0] = '\0';
		}
	}
	close(fd);
	return found;
}

static void facts_of(const char *path, struct moat_learn_path_facts *facts)
{
	struct stat status;

	memset(facts, 0, sizeof(*facts));
	if (stat(path, &status) < 0)
		return;
	facts->exists = true;
	facts->directory = S_ISDIR(status.st_mode);
	facts->device = S_ISCHR(status.st_mode) || S_ISBLK(status.st_mode);
}

/* Canonical: symbolic links resolved, or the parent's when the path is gone. */
static bool canonical(const char *path, char *resolved)
{
	char parent[PATH_MAX], real_parent[PATH_MAX];
	const char *name;

	if (realpath(path, resolved))
		return true;
	parent_of(path, parent);
	name = strrchr(path, '/');
	if (!name || !realpath(parent, real_parent))
		return false;
	return snprintf(resolved, PATH_MAX, "%s%s", strcmp(real_parent, "/") ? real_parent : "",
	                name) < PATH_MAX;
}

static int grant_path(struct grant_list *list, const char *observed, unsigned access,
                      const char *home, int depth)
{
	char path[PATH_MAX], grant[PATH_MAX], interpreter[PATH_MAX];
	struct moat_learn_path_facts facts;
	unsigned kinds;
	int result;

	if (is_per_process(observed))
		return add_grant(list, "/proc",
		                 access & MOAT_LEARN_WRITE ? MOAT_LEARN_GRANT_WRITE
		                                           : MOAT_LEARN_GRANT_READ);
	if (!canonical(observed, path))
		return 0;
	facts_of(path, &facts);
	kinds = moat_learn_collapse_one(path, access, &facts, home, grant);
	if (!kinds)
		return 0;
	result = add_grant(list, grant, kinds);
	/* The kernel opens the interpreter of what it executes: that needs exec too. */
	if (result == 0 && (kinds & MOAT_LEARN_GRANT_EXEC) && depth < 4 &&
	    interpreter_of(path, interpreter))
		result = grant_path(list, interpreter, MOAT_LEARN_EXEC, home, depth + 1);
	return result;
}

static int compare_grants(const void *a, const void *b)
{
	return strcmp(((const struct moat_learn_grant *)a)->path,
	              ((const struct moat_learn_grant *)b)->path);
}

int moat_learn_grants(const struct moat_learn_observations *observations, const char *home,
                      struct moat_learn_grant **grants, size_t *count, struct moat_error *error)
{
	struct grant_list list = {0};

	for (size_t i = 0; i < observations->path_count; i++) {
		if (grant_path(&list, observations->paths[i].path, observations->paths[i].access,
		               home, 0) < 0) {
			for (size_t j = 0; j < list.count; j++)
				free(list.items[j].path);
			free(list.items);
			return moat_error_set(error, -ENOMEM, "out of memory");
		}
	}
	if (list.count)
		qsort(list.items, list.count, sizeof(*list.items), compare_grants);
	*count = moat_learn_simplify(list.items, list.count);
	*grants = list.items;
	return 0;
}
