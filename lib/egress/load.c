// SPDX-License-Identifier: MIT
/*
 * Loads the embedded programs (programs.bpf.c) with libbpf, writes the
 * allowlist into their map and freezes it, and attaches them to the
 * sandbox's cgroup with BPF_PROG_ATTACH. Not a bpf_link: a link ends when
 * its last descriptor closes, so a moat that crashed would leave the
 * sandbox running unfiltered; an attachment lives as long as the cgroup.
 */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "egress/internal.h"
#include "egress/programs_object.h"
#include "util/error.h"

static const struct {
	const char *program;
	enum bpf_attach_type type;
} attachments[] = {
        {"moat_egress_connect4", BPF_CGROUP_INET4_CONNECT},
        {"moat_egress_connect6", BPF_CGROUP_INET6_CONNECT},
        {"moat_egress_sendmsg4", BPF_CGROUP_UDP4_SENDMSG},
        {"moat_egress_sendmsg6", BPF_CGROUP_UDP6_SENDMSG},
        {"moat_egress_sock_create", BPF_CGROUP_INET_SOCK_CREATE},
};

/* libbpf prints to stderr by default; the library never prints. */
static int quiet(enum libbpf_print_level level, const char *format, va_list arguments)
{
	(void)level, (void)format, (void)arguments;
	return 0;
}

static int fill_rules(struct bpf_object *object, const struct moat_egress_entry *entries,
                      size_t count, struct moat_error *error)
{
	struct bpf_map *map = bpf_object__find_map_by_name(object, "moat_egress_rules");
	int fd = map ? bpf_map__fd(map) : -1;

	if (fd < 0)
		return moat_error_set(error, -ENOENT, "the egress BPF object has no rule map");
	for (__u32 i = 0; i < count; i++) {
		if (bpf_map_update_elem(fd, &i, &entries[i], BPF_ANY) < 0)
			return moat_error_set(error, -errno, "cannot write egress rule %u: %s", i,
			                      strerror(errno));
	}
	/* Nobody, not even a later bpf() call with the map's id, changes the rules. */
	if (bpf_map_freeze(fd) < 0)
		return moat_error_set(error, -errno, "cannot freeze the egress rule map: %s",
		                      strerror(errno));
	return 0;
}

static int attach(struct bpf_object *object, int cgroup, struct moat_error *error)
{
	for (size_t i = 0; i < sizeof(attachments) / sizeof(attachments[0]); i++) {
		struct bpf_program *program =
		        bpf_object__find_program_by_name(object, attachments[i].program);

		if (!program)
			return moat_error_set(error, -ENOENT, "the egress BPF object has no %s",
			                      attachments[i].program);
		if (bpf_prog_attach(bpf_program__fd(program), cgroup, attachments[i].type, 0) < 0)
			return moat_error_set(error, -errno,
			                      "cannot attach %s to the sandbox's cgroup: %s",
			                      attachments[i].program, strerror(errno));
	}
	return 0;
}

/* This build has libbpf; without_libbpf.c stands in for this file otherwise. */
int moat_egress_built_in(struct moat_error *error)
{
	(void)error;
	return 0;
}

int moat_egress_load(int cgroup, const struct moat_egress_entry *entries, size_t count,
                     struct moat_error *error)
{
	libbpf_print_fn_t previous = libbpf_set_print(quiet);
	struct bpf_object *object = bpf_object__open_mem(moat_egress_programs_object,
	                                                 sizeof(moat_egress_programs_object), NULL);
	int result;

	if (!object) {
		result = moat_error_set(error, -errno, "cannot open the egress BPF object: %s",
		                        strerror(errno));
		libbpf_set_print(previous);
		return result;
	}
	result = bpf_object__load(object);
	if (result < 0)
		moat_error_set(error, result,
		               "cannot load cgroup BPF programs: %s (needs root, or CAP_BPF with "
		               "CAP_NET_ADMIN)",
		               strerror(-result));
	if (result == 0)
		result = fill_rules(object, entries, count, error);
	if (result == 0)
		result = attach(object, cgroup, error);
	/* The attachments hold the programs; the object's descriptors may go. */
	bpf_object__close(object);
	libbpf_set_print(previous);
	return result;
}
