// SPDX-License-Identifier: MIT
/*
 * Which namespaces the sandbox gets. The policy's `unshare` list, plus:
 *  - the user namespace, added when the caller lacks CAP_SYS_ADMIN and
 *    asks for any other namespace (as bwrap does): only inside a user
 *    namespace of its own may an unprivileged process create the others;
 *  - minus the time namespace under `unshare all` on a kernel without one
 *    (before 5.6), silently; and under `compat best-effort`, minus any
 *    namespace the kernel lacks that nothing else needs, with a warning.
 * Then, when a user namespace is needed, the system settings that forbid
 * it are checked here, so the refusal names the setting instead of coming
 * back from clone3 as a bare EPERM.
 */
#include "isolate/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/error.h"

static const struct {
	unsigned flag;
	const char *name;      /* the policy's */
	const char *proc_name; /* in /proc/self/ns/ */
} namespace_names[] = {
        {MOAT_NAMESPACE_USER, "user", "user"},       {MOAT_NAMESPACE_MOUNT, "mount", "mnt"},
        {MOAT_NAMESPACE_PID, "pid", "pid"},          {MOAT_NAMESPACE_NET, "net", "net"},
        {MOAT_NAMESPACE_IPC, "ipc", "ipc"},          {MOAT_NAMESPACE_UTS, "uts", "uts"},
        {MOAT_NAMESPACE_CGROUP, "cgroup", "cgroup"}, {MOAT_NAMESPACE_TIME, "time", "time"},
};

#define NAMESPACE_COUNT (sizeof(namespace_names) / sizeof(namespace_names[0]))

static bool caller_has_sys_admin(void)
{
	struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {0};

	if (syscall(SYS_capget, &header, data) < 0)
		return false;
	return data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN);
}

/*
 * Whether the kernel has the namespace; true when /proc cannot tell. The
 * namespace's own file first: /proc/self/ns is only looked at when it is
 * missing, so a kernel that has them all costs one access(2) a namespace.
 */
static bool kernel_has(const char *proc_name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/ns/%s", proc_name);
	if (access(path, F_OK) == 0)
		return true;
	return access("/proc/self/ns", F_OK) < 0;
}

/* The namespaces other steps depend on: dropping one of them is never best effort. */
static unsigned required_namespaces(const struct moat_isolate_plan *plan,
                                    const struct moat_policy *policy)
{
	unsigned required = 0;

	if (policy->mounts.present)
		required |= MOAT_NAMESPACE_MOUNT;
	if (policy->namespaces.hostname)
		required |= MOAT_NAMESPACE_UTS;
	if (plan->user_added || policy->namespaces.has_uid || policy->namespaces.has_gid)
		required |= MOAT_NAMESPACE_USER;
	for (size_t i = 0; i < policy->mounts.count; i++)
		if (policy->mounts.mounts[i].kind == MOAT_MOUNT_PROC)
			required |= MOAT_NAMESPACE_PID;
	return required;
}

static int report_dropped(struct moat_isolate_plan *plan, const char *name,
                          struct moat_error *error)
{
	char line[128];
	const char *copy;

	if (plan->dropped_count == MOAT_ISOLATE_MAX_DROPPED)
		return 0;
	snprintf(line, sizeof(line),
	         "compat best-effort: the kernel has no %s namespace; the sandbox shares the "
	         "caller's",
	         name);
	copy = moat_arena_strdup(&plan->arena, line);
	if (!copy)
		return moat_error_set(error, -ENOMEM, "out of memory building the isolation plan");
	plan->dropped[plan->dropped_count++] = copy;
	return 0;
}

static int drop_missing(struct moat_isolate_plan *plan, const struct moat_policy *policy,
                        struct moat_error *error)
{
	const struct moat_namespaces_section *section = &policy->namespaces;
	unsigned required = required_namespaces(plan, policy);
	int result;

	for (size_t i = 0; i < NAMESPACE_COUNT; i++) {
		unsigned flag = namespace_names[i].flag;

		if (!(plan->namespaces & flag) || kernel_has(namespace_names[i].proc_name))
			continue;
		plan->namespaces &= ~flag;
		if (flag == MOAT_NAMESPACE_TIME && section->unshare_all)
			continue;
		if (policy->compat == MOAT_COMPAT_STRICT || (required & flag))
			return moat_error_set_at(
			        error, -EOPNOTSUPP, &section->unshare_location,
			        "the kernel has no %s namespace%s", namespace_names[i].name,
			        required & flag ? ", which this policy cannot do without"
			                        : " (`compat best-effort` would run without it)");
		result = report_dropped(plan, namespace_names[i].name, error);
		if (result < 0)
			return result;
	}
	return 0;
}

/* A number from a /proc/sys file; -1 when it cannot be read. */
static long read_setting(const char *path)
{
	char text[32];
	ssize_t length;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	length = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (length <= 0)
		return -1;
	text[length] = '\0';
	return strtol(text, NULL, 10);
}

/*
 * An undumpable caller's copies have their /proc files owned by root, so
 * the sandbox could not write its own uid map unless it becomes dumpable
 * again. Whether that is safe depends on why the caller is undumpable,
 * which moat_spawn() decides (moat_isolate_needs_dumpable()).
 */
static void check_dumpable(struct moat_isolate_plan *plan)
{
	plan->caller_undumpable = geteuid() != 0 && prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1;
}

static int check_user_namespaces(struct moat_isolate_plan *plan, bool privileged,
                                 struct moat_error *error)
{
	if (read_setting("/proc/sys/user/max_user_namespaces") == 0)
		return moat_error_set(error, -EOPNOTSUPP,
		                      "user namespaces are disabled on this system "
		                      "(user.max_user_namespaces is 0); raise it with sysctl to "
		                      "run this policy");
	if (!privileged && read_setting("/proc/sys/kernel/unprivileged_userns_clone") == 0)
		return moat_error_set(error, -EOPNOTSUPP,
		                      "this policy needs a user namespace, and unprivileged user "
		                      "namespaces are disabled (kernel.unprivileged_userns_clone "
		                      "is 0); enable them with sysctl or run moat as root");
	check_dumpable(plan);
	return 0;
}

int moat_isolate_namespaces_build(struct moat_isolate_plan *plan, const struct moat_policy *policy,
                                  struct moat_error *error)
{
	bool privileged;
	int result;

	plan->namespaces = policy->namespaces.unshare;
	if (!plan->namespaces)
		return 0;
	privileged = caller_has_sys_admin();
	if (!privileged && !(plan->namespaces & MOAT_NAMESPACE_USER)) {
		plan->namespaces |= MOAT_NAMESPACE_USER;
		plan->user_added = true;
	}
	result = drop_missing(plan, policy, error);
	if (result == 0 && (plan->namespaces & MOAT_NAMESPACE_USER))
		result = check_user_namespaces(plan, privileged, error);
	return result;
}

/* Why the sandbox cannot have a PID namespace of its own; NULL when it can. */
static const char *pid_namespace_missing(bool needs_user)
{
	if (!kernel_has("pid"))
		return "the kernel has no PID namespace";
	if (read_setting("/proc/sys/user/max_pid_namespaces") == 0)
		return "PID namespaces are disabled on this system (user.max_pid_namespaces is 0)";
	if (!needs_user)
		return NULL;
	if (!kernel_has("user"))
		return "an unprivileged caller needs a user namespace to create a PID namespace, "
		       "and the kernel has none";
	if (read_setting("/proc/sys/user/max_user_namespaces") == 0)
		return "an unprivileged caller needs a user namespace to create a PID namespace, "
		       "and user namespaces are disabled (user.max_user_namespaces is 0)";
	if (read_setting("/proc/sys/kernel/unprivileged_userns_clone") == 0)
		return "an unprivileged caller needs a user namespace to create a PID namespace, "
		       "and unprivileged user namespaces are disabled "
		       "(kernel.unprivileged_userns_clone is 0)";
	return NULL;
}

static int refuse_or_drop(struct moat_isolate_plan *plan, const struct moat_policy *policy,
                          const char *missing, const char **dropped, struct moat_error *error)
{
	char line[320];

	if (policy->compat == MOAT_COMPAT_STRICT)
		return moat_error_set(error, -EOPNOTSUPP,
		                      "die-with-parent yes (the default) needs a PID namespace for "
		                      "the sandbox, so that every process it starts dies with "
		                      "moat: %s (`compat best-effort` would bind only the "
		                      "program's own process; `die-with-parent no` binds none)",
		                      missing);
	snprintf(line, sizeof(line),
	         "compat best-effort: %s; die-with-parent kills only the program's own process, "
	         "not the processes it starts",
	         missing);
	*dropped = moat_arena_strdup(&plan->arena, line);
	if (!*dropped)
		return moat_error_set(error, -ENOMEM, "out of memory building the isolation plan");
	return 0;
}

int moat_isolate_plan_bind_to_parent(struct moat_isolate_plan *plan,
                                     const struct moat_policy *policy, const char **dropped,
                                     struct moat_error *error)
{
	bool needs_user;
	const char *missing;

	*dropped = NULL;
	if (!policy->process.die_with_parent || (plan->namespaces & MOAT_NAMESPACE_PID))
		return 0;
	needs_user = !(plan->namespaces & MOAT_NAMESPACE_USER) && !caller_has_sys_admin();
	missing = pid_namespace_missing(needs_user);
	if (missing)
		return refuse_or_drop(plan, policy, missing, dropped, error);
	plan->parent_death = MOAT_NAMESPACE_PID;
	if (needs_user) {
		plan->parent_death |= MOAT_NAMESPACE_USER;
		plan->user_added = true;
	}
	plan->namespaces |= plan->parent_death;
	if (needs_user) {
		moat_isolate_maps_build(plan, policy);
		check_dumpable(plan);
	}
	return 0;
}

bool moat_isolate_plan_unbind_from_parent(struct moat_isolate_plan *plan)
{
	if (!plan->parent_death || plan->namespaces != plan->parent_death)
		return false;
	plan->namespaces = 0;
	plan->parent_death = 0;
	plan->user_added = false;
	plan->caller_undumpable = false;
	return true;
}
