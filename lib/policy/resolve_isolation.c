// SPDX-License-Identifier: MIT
/* [namespaces] and [mounts]: what the sandbox unshares and the root it sees. */
#include <string.h>

#include "policy/resolve.h"

static const struct {
	const char *name;
	unsigned flag;
} namespaces[] = {
        {"user", MOAT_NAMESPACE_USER},     {"mount", MOAT_NAMESPACE_MOUNT},
        {"pid", MOAT_NAMESPACE_PID},       {"net", MOAT_NAMESPACE_NET},
        {"ipc", MOAT_NAMESPACE_IPC},       {"uts", MOAT_NAMESPACE_UTS},
        {"cgroup", MOAT_NAMESPACE_CGROUP}, {"time", MOAT_NAMESPACE_TIME},
};

#define ALL_NAMESPACES                                                                             \
	(MOAT_NAMESPACE_USER | MOAT_NAMESPACE_MOUNT | MOAT_NAMESPACE_PID | MOAT_NAMESPACE_NET |    \
	 MOAT_NAMESPACE_IPC | MOAT_NAMESPACE_UTS | MOAT_NAMESPACE_CGROUP | MOAT_NAMESPACE_TIME)

static void resolve_unshare(struct moat_resolver *resolver,
                            const struct moat_ast_statement *statement)
{
	struct moat_namespaces_section *section = &resolver->policy->namespaces;

	if (!section->unshare)
		section->unshare_location = statement->keyword.location;
	for (size_t i = 0; i < statement->argument_count; i++) {
		const struct moat_ast_word *word = &statement->arguments[i];
		size_t k;

		if (!strcmp(word->text, "all")) {
			section->unshare |= ALL_NAMESPACES;
			section->unshare_all = true;
			continue;
		}
		for (k = 0; k < sizeof(namespaces) / sizeof(namespaces[0]); k++) {
			if (!strcmp(word->text, namespaces[k].name)) {
				section->unshare |= namespaces[k].flag;
				break;
			}
		}
		if (k == sizeof(namespaces) / sizeof(namespaces[0]))
			moat_resolve_error(resolver, &word->location,
			                   "unknown namespace '%s' (user mount pid net ipc uts "
			                   "cgroup time, or all)",
			                   word->text);
	}
}

/* A hostname the kernel and resolvers accept: up to 64 letters, digits, '-' and '.'. */
static bool valid_hostname(const char *name)
{
	size_t length = strlen(name);

	if (length == 0 || length > 64)
		return false;
	for (size_t i = 0; i < length; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.'))
			return false;
	}
	return true;
}

static void resolve_hostname(struct moat_resolver *resolver, const struct moat_ast_word *word)
{
	struct moat_namespaces_section *section = &resolver->policy->namespaces;
	const char *name = moat_resolve_text(resolver, word);

	if (!name)
		return;
	if (!valid_hostname(name)) {
		moat_resolve_error(resolver, &word->location,
		                   "'%s' is not a hostname (1 to 64 letters, digits, '-', '.')",
		                   name);
		return;
	}
	if (moat_resolve_override(resolver, &resolver->hostname_origin, &word->location, name,
	                          "hostname"))
		section->hostname = name;
}

static void resolve_id(struct moat_resolver *resolver, const struct moat_ast_word *word,
                       struct moat_origin *origin, bool *has, uint32_t *id, const char *what)
{
	uint64_t value;

	if (!moat_resolve_number(resolver, word, word->text, false, &value))
		return;
	/* (uid_t)-1 means "unchanged" to the kernel, so it cannot be an id. */
	if (value >= UINT32_MAX) {
		moat_resolve_error(resolver, &word->location, "%s %s is out of range", what,
		                   word->text);
		return;
	}
	if (moat_resolve_override(resolver, origin, &word->location, word->text, what)) {
		*has = true;
		*id = (uint32_t)value;
	}
}

void moat_resolve_namespaces_statement(struct moat_resolver *resolver,
                                       const struct moat_ast_statement *statement)
{
	struct moat_namespaces_section *section = &resolver->policy->namespaces;
	const char *keyword = statement->keyword.text;

	if (!strcmp(keyword, "unshare"))
		resolve_unshare(resolver, statement);
	else if (!strcmp(keyword, "hostname"))
		resolve_hostname(resolver, &statement->arguments[0]);
	else if (!strcmp(keyword, "uid"))
		resolve_id(resolver, &statement->arguments[0], &resolver->uid_origin,
		           &section->has_uid, &section->uid, "uid");
	else
		resolve_id(resolver, &statement->arguments[0], &resolver->gid_origin,
		           &section->has_gid, &section->gid, "gid");
}

/* ---- [mounts] -------------------------------------------------------- */

static struct moat_mount *add_mount(struct moat_resolver *resolver,
                                    const struct moat_ast_statement *statement,
                                    enum moat_mount_kind kind)
{
	struct moat_mount *mount = moat_resolve_push(resolver, &resolver->mounts, sizeof(*mount));

	if (!resolver->mounts_source)
		resolver->mounts_source = resolver->source;
	if (mount) {
		mount->kind = kind;
		mount->location = statement->keyword.location;
	}
	return mount;
}

static void resolve_bind(struct moat_resolver *resolver, const struct moat_ast_statement *statement)
{
	const struct moat_ast_word *arguments = statement->arguments;
	size_t count = statement->argument_count;
	const char *last = arguments[count - 1].text;
	bool has_mode = count > 1 && (!strcmp(last, "ro") || !strcmp(last, "rw"));
	struct moat_mount mount = {.kind = MOAT_MOUNT_BIND, .read_only = true};
	struct moat_mount *slot;

	if (has_mode)
		count--;
	if (count > 2) {
		moat_resolve_error(resolver, &arguments[count - 1].location,
		                   "expected 'ro' or 'rw', found '%s'", arguments[count - 1].text);
		return;
	}
	mount.source = moat_resolve_path(resolver, &arguments[0], &mount.optional, true);
	mount.destination =
	        count == 2 ? moat_resolve_path(resolver, &arguments[1], NULL, false) : mount.source;
	mount.read_only = !(has_mode && !strcmp(last, "rw"));
	if (!mount.source || !mount.destination)
		return;
	slot = add_mount(resolver, statement, MOAT_MOUNT_BIND);
	if (slot) {
		mount.location = slot->location;
		*slot = mount;
	}
}

static bool tmpfs_option(struct moat_resolver *resolver, const struct moat_ast_word *word,
                         const char *option, size_t length, struct moat_mount *mount)
{
	struct moat_ast_word value = *word;
	char text[64];

	if (length >= sizeof(text))
		length = sizeof(text) - 1;
	memcpy(text, option, length);
	text[length] = '\0';
	if (!strncmp(text, "size=", 5))
		return moat_resolve_number(resolver, &value, text + 5, true, &mount->size);
	if (!strncmp(text, "mode=", 5)) {
		uint64_t mode = 0;
		const char *digits = text + 5;

		/* Modes are octal, as chmod writes them. */
		for (; *digits >= '0' && *digits <= '7'; digits++)
			mode = mode * 8 + (uint64_t)(*digits - '0');
		if (*digits || digits == text + 5 || mode > 07777) {
			moat_resolve_error(resolver, &word->location,
			                   "'%s' is not an octal mode such as mode=1777", text);
			return false;
		}
		mount->has_mode = true;
		mount->mode = (unsigned)mode;
		return true;
	}
	moat_resolve_error(resolver, &word->location,
	                   "unknown tmpfs option '%s' (size=SIZE or mode=OCTAL)", text);
	return false;
}

static void resolve_tmpfs(struct moat_resolver *resolver,
                          const struct moat_ast_statement *statement)
{
	struct moat_mount mount = {.kind = MOAT_MOUNT_TMPFS};
	struct moat_mount *slot;

	mount.destination = moat_resolve_path(resolver, &statement->arguments[0], NULL, false);
	if (!mount.destination)
		return;
	for (size_t i = 1; i < statement->argument_count; i++) {
		const struct moat_ast_word *word = &statement->arguments[i];

		for (const char *option = word->text; *option;) {
			size_t length = strcspn(option, ",");

			if (length && !tmpfs_option(resolver, word, option, length, &mount))
				return;
			option += length + (option[length] == ',');
		}
	}
	slot = add_mount(resolver, statement, MOAT_MOUNT_TMPFS);
	if (slot) {
		mount.location = slot->location;
		*slot = mount;
	}
}

static void resolve_simple_mount(struct moat_resolver *resolver,
                                 const struct moat_ast_statement *statement,
                                 enum moat_mount_kind kind)
{
	const char *destination =
	        moat_resolve_path(resolver, &statement->arguments[0], NULL, false);
	struct moat_mount *mount;

	if (!destination)
		return;
	mount = add_mount(resolver, statement, kind);
	if (mount)
		mount->destination = destination;
}

/*
 * `dev DEST [shm=SIZE]`: the size of the tmpfs at DEST/shm, which every
 * process of the sandbox may fill. tmpfs pages count against no rlimit of
 * the writer (not `as`, not `fsize` per file), so an unbounded one would
 * let the sandbox take half the host's memory.
 */
static bool dev_shm_size(struct moat_resolver *resolver, const struct moat_ast_word *word,
                         uint64_t *size)
{
	struct moat_ast_word value = *word;

	if (strncmp(word->text, "shm=", 4)) {
		moat_resolve_error(resolver, &word->location,
		                   "unknown dev option '%s' (shm=SIZE, such as shm=128M)",
		                   word->text);
		return false;
	}
	if (!moat_resolve_number(resolver, &value, word->text + 4, true, size))
		return false;
	if (*size < MOAT_DEV_SHM_MINIMUM) {
		moat_resolve_error(resolver, &word->location,
		                   "'%s' is below the smallest /dev/shm, %uK (a page; 0 would "
		                   "mean no limit)",
		                   word->text, MOAT_DEV_SHM_MINIMUM / 1024);
		return false;
	}
	return true;
}

static void resolve_dev(struct moat_resolver *resolver, const struct moat_ast_statement *statement)
{
	const char *destination =
	        moat_resolve_path(resolver, &statement->arguments[0], NULL, false);
	uint64_t size = MOAT_DEV_SHM_DEFAULT;
	struct moat_mount *mount;

	if (!destination)
		return;
	if (statement->argument_count > 1 &&
	    !dev_shm_size(resolver, &statement->arguments[1], &size))
		return;
	mount = add_mount(resolver, statement, MOAT_MOUNT_DEV);
	if (mount) {
		mount->destination = destination;
		mount->size = size;
	}
}

static void resolve_symlink(struct moat_resolver *resolver,
                            const struct moat_ast_statement *statement)
{
	const char *target = moat_resolve_text(resolver, &statement->arguments[0]);
	const char *link = moat_resolve_path(resolver, &statement->arguments[1], NULL, false);
	struct moat_mount *mount;

	if (!target || !link)
		return;
	mount = add_mount(resolver, statement, MOAT_MOUNT_SYMLINK);
	if (mount) {
		mount->source = target;
		mount->destination = link;
	}
}

void moat_resolve_mounts_statement(struct moat_resolver *resolver,
                                   const struct moat_ast_statement *statement)
{
	const char *keyword = statement->keyword.text;

	if (!strcmp(keyword, "bind"))
		resolve_bind(resolver, statement);
	else if (!strcmp(keyword, "tmpfs"))
		resolve_tmpfs(resolver, statement);
	else if (!strcmp(keyword, "proc"))
		resolve_simple_mount(resolver, statement, MOAT_MOUNT_PROC);
	else if (!strcmp(keyword, "dev"))
		resolve_dev(resolver, statement);
	else
		resolve_symlink(resolver, statement);
}

/* Settings that only mean something with a namespace, checked once every file is read. */
void moat_resolve_isolation_finish(struct moat_resolver *resolver)
{
	struct moat_policy *policy = resolver->policy;
	const struct moat_namespaces_section *section = &policy->namespaces;
	unsigned unshare = section->unshare;

	policy->mounts.mounts = resolver->mounts.items;
	policy->mounts.count = resolver->mounts.count;
	if (section->hostname && !(unshare & MOAT_NAMESPACE_UTS))
		moat_resolve_report(resolver, MOAT_SEVERITY_ERROR, resolver->hostname_origin.source,
		                    &resolver->hostname_origin.location,
		                    "'hostname' needs `unshare uts`");
	if (section->has_uid && !(unshare & MOAT_NAMESPACE_USER))
		moat_resolve_report(resolver, MOAT_SEVERITY_ERROR, resolver->uid_origin.source,
		                    &resolver->uid_origin.location, "'uid' needs `unshare user`");
	if (section->has_gid && !(unshare & MOAT_NAMESPACE_USER))
		moat_resolve_report(resolver, MOAT_SEVERITY_ERROR, resolver->gid_origin.source,
		                    &resolver->gid_origin.location, "'gid' needs `unshare user`");
	if (policy->mounts.count && !(unshare & MOAT_NAMESPACE_MOUNT))
		moat_resolve_report(resolver, MOAT_SEVERITY_ERROR, resolver->mounts_source,
		                    &policy->mounts.mounts[0].location,
		                    "[mounts] needs `unshare mount` in [namespaces]");
}
