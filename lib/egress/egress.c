// SPDX-License-Identifier: MIT
/* The sandbox's cgroup with the egress programs attached, from setup to removal. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "egress/internal.h"
#include "util/error.h"

static void fill_entry(struct moat_egress_entry *entry, const struct moat_egress_rule *rule)
{
	unsigned words = rule->family == AF_INET ? 1 : 4;

	memset(entry, 0, sizeof(*entry));
	entry->family = rule->family == AF_INET ? MOAT_EGRESS_IPV4 : MOAT_EGRESS_IPV6;
	entry->protocol = (__u8)rule->protocol;
	entry->first_port = rule->first_port;
	entry->last_port = rule->last_port;
	for (unsigned word = 0; word < words; word++) {
		unsigned before = 32 * word;
		unsigned bits = rule->prefix <= before        ? 0
		                : rule->prefix - before >= 32 ? 32
		                                              : rule->prefix - before;
		__u32 mask = bits ? htonl(~0U << (32 - bits)) : 0;

		memcpy(&entry->address[word], rule->address + 4 * word, 4);
		entry->address[word] &= mask;
		entry->mask[word] = mask;
	}
}

static int make_cgroup(struct moat_egress *egress, struct moat_error *error)
{
	char mount_point[PATH_MAX], root[PATH_MAX], parents[2][PATH_MAX];
	int result = moat_egress_find_cgroup2(mount_point, sizeof(mount_point), root, sizeof(root));

	if (result < 0)
		return moat_error_set(error, -EOPNOTSUPP,
		                      "no cgroup v2 hierarchy is mounted (/proc/self/mountinfo "
		                      "lists no cgroup2)");
	if (moat_egress_cgroup2_mounts(egress->mounts, MOAT_EGRESS_MAX_MOUNTS,
	                               &egress->mount_count) < 0)
		return moat_error_set(error, -E2BIG,
		                      "the cgroup v2 hierarchy is mounted at more than %d places",
		                      MOAT_EGRESS_MAX_MOUNTS);
	moat_egress_cgroup_parents(mount_point, root, parents);
	moat_egress_sweep_stale(parents[0]);
	if (strcmp(parents[0], parents[1]) != 0)
		moat_egress_sweep_stale(parents[1]);
	result = moat_egress_cgroup_name(egress->name, sizeof(egress->name));
	if (result < 0)
		return moat_error_set(error, result, "cannot read this process's start time");
	for (int i = 0; i < 2; i++) {
		egress->parent = open(parents[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (egress->parent >= 0 && mkdirat(egress->parent, egress->name, 0755) == 0)
			break;
		result = -errno;
		if (egress->parent >= 0)
			close(egress->parent);
		egress->parent = -1;
	}
	if (egress->parent < 0)
		return moat_error_set(error, result, "cannot create a cgroup under %s: %s",
		                      parents[1], strerror(-result));
	egress->cgroup = openat(egress->parent, egress->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (egress->cgroup < 0)
		return moat_error_set(error, -errno, "cannot open the sandbox's cgroup: %s",
		                      strerror(errno));
	return 0;
}

static int load_rules(struct moat_egress *egress, const struct moat_egress_list *list,
                      struct moat_error *error)
{
	struct moat_egress_entry *entries;
	int result;

	if (list->count > MOAT_EGRESS_MAX_RULES)
		return moat_error_set_at(error, -E2BIG, &list->location,
		                         "the `egress` lines list %zu port ranges; at most %d fit",
		                         list->count, MOAT_EGRESS_MAX_RULES);
	entries = calloc(list->count + 1, sizeof(*entries));
	if (!entries)
		return moat_error_set(error, -ENOMEM, "out of memory");
	for (size_t i = 0; i < list->count; i++)
		fill_entry(&entries[i], &list->rules[i]);
	result = moat_egress_load(egress->cgroup, entries, list->count, error);
	free(entries);
	return result;
}

int moat_egress_setup(struct moat_egress **out, const struct moat_egress_list *list,
                      struct moat_error *error)
{
	struct moat_egress *egress;
	int result;

	*out = NULL;
	if (!list->present)
		return 0;
	/* Without libbpf, no cgroup is made only to find that nothing can be attached. */
	result = moat_egress_built_in(error);
	if (result < 0)
		return result;
	egress = calloc(1, sizeof(*egress));
	if (!egress)
		return moat_error_set(error, -ENOMEM, "out of memory");
	egress->parent = egress->cgroup = -1;
	result = make_cgroup(egress, error);
	if (result == 0)
		result = load_rules(egress, list, error);
	if (result < 0) {
		moat_egress_release(egress);
		return result;
	}
	*out = egress;
	return 0;
}

int moat_egress_cgroup_fd(const struct moat_egress *egress)
{
	return egress ? egress->cgroup : -1;
}

void moat_egress_release(struct moat_egress *egress)
{
	if (!egress)
		return;
	if (egress->cgroup >= 0)
		close(egress->cgroup);
	if (egress->parent >= 0) {
		moat_egress_cgroup_remove(egress->parent, egress->name);
		close(egress->parent);
	}
	free(egress);
}

int moat_egress_probe(struct moat_error *error)
{
	struct moat_egress_list nothing = {.present = true};
	struct moat_egress *egress;
	int result = moat_egress_setup(&egress, &nothing, error);

	moat_egress_release(egress);
	return result;
}
