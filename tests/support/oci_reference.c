// SPDX-License-Identifier: MIT
/* A runc-like reader of OCI seccomp profiles on libseccomp (see oci_reference.h). */
#include "oci_reference.h"

#include <errno.h>
#include <json-c/json.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char docker_capabilities[] =
        "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FSETID,CAP_FOWNER,CAP_MKNOD,CAP_NET_RAW,CAP_SETGID,"
        "CAP_SETUID,CAP_SETFCAP,CAP_SETPCAP,CAP_NET_BIND_SERVICE,CAP_SYS_CHROOT,CAP_KILL,"
        "CAP_AUDIT_WRITE";

static json_object *get(json_object *object, const char *key)
{
	json_object *value = NULL;

	json_object_object_get_ex(object, key, &value);
	return value;
}

/* runc's action table (libcontainer/seccomp/config.go), ERRNO and TRACE default to EPERM. */
static bool action_of(json_object *object, const char *key, const char *errno_key, uint32_t *action)
{
	const char *name = json_object_get_string(get(object, key));
	json_object *errno_object = get(object, errno_key);
	int errno_value = errno_object ? json_object_get_int(errno_object) : EPERM;

	if (!name)
		return false;
	if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
		*action = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
		*action = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(name, "SCMP_ACT_TRAP"))
		*action = SCMP_ACT_TRAP;
	else if (!strcmp(name, "SCMP_ACT_ERRNO"))
		*action = SCMP_ACT_ERRNO((uint32_t)errno_value);
	else if (!strcmp(name, "SCMP_ACT_TRACE"))
		*action = SCMP_ACT_TRACE((uint32_t)errno_value);
	else if (!strcmp(name, "SCMP_ACT_ALLOW"))
		*action = SCMP_ACT_ALLOW;
	else if (!strcmp(name, "SCMP_ACT_LOG"))
		*action = SCMP_ACT_LOG;
	else if (!strcmp(name, "SCMP_ACT_NOTIFY"))
		*action = SCMP_ACT_NOTIFY;
	else
		return false;
	return true;
}

static bool in_list(json_object *list, const char *item)
{
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		if (!strcmp(json_object_get_string(json_object_array_get_idx(list, i)), item))
			return true;
	}
	return false;
}

static bool has_cap(const char *capabilities, const char *cap)
{
	size_t length = strlen(cap);

	for (const char *at = capabilities; (at = strstr(at, cap)); at += length) {
		if ((at == capabilities || at[-1] == ',') && (at[length] == ',' || !at[length]))
			return true;
	}
	return false;
}

/* containers-common's decision for one entry (pkg/seccomp/seccomp_linux.go). */
static bool applies(json_object *entry, const char *capabilities)
{
	json_object *includes = get(entry, "includes"), *excludes = get(entry, "excludes");
	json_object *caps;

	if (excludes && in_list(get(excludes, "arches"), "amd64"))
		return false;
	caps = excludes ? get(excludes, "caps") : NULL;
	for (size_t i = 0; caps && i < json_object_array_length(caps); i++) {
		if (has_cap(capabilities,
		            json_object_get_string(json_object_array_get_idx(caps, i))))
			return false;
	}
	if (includes && get(includes, "arches") &&
	    json_object_array_length(get(includes, "arches")) &&
	    !in_list(get(includes, "arches"), "amd64"))
		return false;
	caps = includes ? get(includes, "caps") : NULL;
	for (size_t i = 0; caps && i < json_object_array_length(caps); i++) {
		if (!has_cap(capabilities,
		             json_object_get_string(json_object_array_get_idx(caps, i))))
			return false;
	}
	return true;
}

static bool comparison_of(json_object *arg, struct scmp_arg_cmp *out)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
	        {"SCMP_CMP_NE", SCMP_CMP_NE},
	        {"SCMP_CMP_LT", SCMP_CMP_LT},
	        {"SCMP_CMP_LE", SCMP_CMP_LE},
	        {"SCMP_CMP_EQ", SCMP_CMP_EQ},
	        {"SCMP_CMP_GE", SCMP_CMP_GE},
	        {"SCMP_CMP_GT", SCMP_CMP_GT},
	        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
	};
	const char *name = json_object_get_string(get(arg, "op"));

	out->arg = (unsigned)json_object_get_int(get(arg, "index"));
	out->datum_a = json_object_get_uint64(get(arg, "value"));
	out->datum_b = json_object_get_uint64(get(arg, "valueTwo"));
	for (size_t i = 0; name && i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!strcmp(ops[i].name, name)) {
			out->op = ops[i].op;
			return true;
		}
	}
	return false;
}

/* runc: one rule with the comparisons ANDed, or one rule each when two share an argument. */
static int add_rule(scmp_filter_ctx context, uint32_t action, int number, json_object *args)
{
	struct scmp_arg_cmp comparisons[16];
	unsigned count = args ? (unsigned)json_object_array_length(args) : 0, seen = 0;
	bool repeated = false;
	int rc = 0;

	if (count > 16)
		return -E2BIG;
	for (unsigned i = 0; i < count; i++) {
		if (!comparison_of(json_object_array_get_idx(args, i), &comparisons[i]))
			return -EINVAL;
		repeated |= (seen >> comparisons[i].arg) & 1;
		seen |= 1U << comparisons[i].arg;
	}
	if (!repeated)
		return seccomp_rule_add_array(context, action, number, count, comparisons);
	for (unsigned i = 0; i < count && rc == 0; i++)
		rc = seccomp_rule_add_array(context, action, number, 1, &comparisons[i]);
	return rc;
}

static int add_entry(scmp_filter_ctx context, json_object *entry, uint32_t default_action,
                     const char *capabilities)
{
	json_object *names = get(entry, "names");
	uint32_t action;

	if (!action_of(entry, "action", "errnoRet", &action))
		return -EINVAL;
	if (!applies(entry, capabilities) || action == default_action)
		return 0; /* runc skips a rule that repeats the default */
	for (size_t i = 0; names && i < json_object_array_length(names); i++) {
		int number = seccomp_syscall_resolve_name(
		        json_object_get_string(json_object_array_get_idx(names, i)));
		int rc;

		if (number == __NR_SCMP_ERROR)
			continue; /* runc ignores names this architecture lacks */
		rc = add_rule(context, action, number, get(entry, "args"));
		if (rc < 0)
			return rc;
	}
	return 0;
}

static struct sock_filter *export_program(scmp_filter_ctx context, size_t *length)
{
	int fd = memfd_create("oci-reference", MFD_CLOEXEC);
	struct sock_filter *program = NULL;
	off_t size;

	if (fd < 0)
		return NULL;
	if (seccomp_export_bpf(context, fd) == 0 && (size = lseek(fd, 0, SEEK_END)) > 0 &&
	    (program = malloc((size_t)size)) &&
	    pread(fd, program, (size_t)size, 0) != (ssize_t)size) {
		free(program);
		program = NULL;
	}
	close(fd);
	*length = program ? (size_t)size / sizeof(*program) : 0;
	return program;
}

struct sock_filter *oci_reference_compile(const char *json, const char *capabilities,
                                          size_t *length, char *why, size_t why_size)
{
	json_object *root = json_tokener_parse(json), *profile, *syscalls;
	struct sock_filter *program = NULL;
	scmp_filter_ctx context = NULL;
	uint32_t default_action;
	int rc = 0;

	*length = 0;
	profile = root && get(root, "linux") ? get(get(root, "linux"), "seccomp") : root;
	if (!profile || !action_of(profile, "defaultAction", "defaultErrnoRet", &default_action)) {
		snprintf(why, why_size, "not a profile with a defaultAction");
		goto out;
	}
	context = seccomp_init(default_action);
	if (!context) {
		snprintf(why, why_size, "seccomp_init failed");
		goto out;
	}
	syscalls = get(profile, "syscalls");
	for (size_t i = 0; syscalls && i < json_object_array_length(syscalls) && rc == 0; i++)
		rc = add_entry(context, json_object_array_get_idx(syscalls, i), default_action,
		               capabilities ? capabilities : docker_capabilities);
	if (rc < 0)
		snprintf(why, why_size, "libseccomp refused entry rules: %s", strerror(-rc));
	else if (!(program = export_program(context, length)))
		snprintf(why, why_size, "seccomp_export_bpf failed");
out:
	seccomp_release(context);
	json_object_put(root);
	return program;
}
