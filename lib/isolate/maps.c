// SPDX-License-Identifier: MIT
/*
 * The uid and gid maps of a new user namespace. The process writes its
 * own: one line that maps the id the policy asks for inside (`uid`, `gid`;
 * by default the caller's own) to the caller's effective id outside. That
 * is the one map the kernel lets a process write without privileges in the
 * parent namespace, and it holds for root too, so the sandbox never gets
 * more ids than the caller's own: files of every other owner show as the
 * overflow id (nobody) inside.
 *
 * A gid map written that way needs "deny" in /proc/self/setgroups first
 * (user_namespaces(7)): otherwise a process could drop a supplementary
 * group that was denying it access. So inside a user namespace made by
 * moat, setgroups(2) fails with EPERM, and the supplementary groups stay
 * what the caller had.
 */
#include "isolate/internal.h"

#include <errno.h>
#include <sys/prctl.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"
#include "util/message.h"

void moat_isolate_maps_build(struct moat_isolate_plan *plan, const struct moat_policy *policy)
{
	const struct moat_namespaces_section *section = &policy->namespaces;
	unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();
	unsigned inside_uid = section->has_uid ? (unsigned)section->uid : uid;
	unsigned inside_gid = section->has_gid ? (unsigned)section->gid : gid;

	if (!(plan->namespaces & MOAT_NAMESPACE_USER))
		return;
	if (plan->has_identity_uid)
		inside_uid = plan->identity_uid;
	if (plan->has_identity_gid)
		inside_gid = plan->identity_gid;
	snprintf(plan->uid_map, sizeof(plan->uid_map), "%u %u 1\n", inside_uid, uid);
	snprintf(plan->gid_map, sizeof(plan->gid_map), "%u %u 1\n", inside_gid, gid);
}

static int check_identity(const struct moat_namespaces_section *section, const char *what,
                          bool has_policy_id, unsigned policy_id, unsigned id,
                          struct moat_error *error)
{
	if (!has_policy_id || policy_id == id)
		return 0;
	return moat_error_set_at(error, -EINVAL, &section->unshare_location,
	                         "the policy's [namespaces] %s %u and the %s %u asked for in "
	                         "the options disagree",
	                         what, policy_id, what, id);
}

int moat_isolate_plan_set_identity(struct moat_isolate_plan *plan, const struct moat_policy *policy,
                                   uid_t uid, gid_t gid, struct moat_error *error)
{
	const struct moat_namespaces_section *section = &policy->namespaces;
	int result = 0;

	if (uid != (uid_t)-1)
		result = check_identity(section, "uid", section->has_uid, (unsigned)section->uid,
		                        (unsigned)uid, error);
	if (result == 0 && gid != (gid_t)-1)
		result = check_identity(section, "gid", section->has_gid, (unsigned)section->gid,
		                        (unsigned)gid, error);
	if (result < 0)
		return result;
	plan->has_identity_uid = uid != (uid_t)-1;
	plan->identity_uid = (unsigned)uid;
	plan->has_identity_gid = gid != (gid_t)-1;
	plan->identity_gid = (unsigned)gid;
	moat_isolate_maps_build(plan, policy);
	return 0;
}

static int write_file(const char *path, const char *text)
{
	size_t length = strlen(text);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t written;

	if (fd < 0)
		return -errno;
	written = write(fd, text, length);
	if (written < 0)
		written = -errno;
	close(fd);
	if (written < 0)
		return (int)written;
	return (size_t)written == length ? 0 : -EIO;
}

int moat_isolate_write_maps(const struct moat_isolate_plan *plan, struct moat_error *error)
{
	static const struct {
		const char *path;
		const char *what;
	} files[] = {
	        {"/proc/self/setgroups", "deny setgroups"},
	        {"/proc/self/gid_map", "write the gid map"},
	        {"/proc/self/uid_map", "write the uid map"},
	};
	const char *texts[] = {"deny", plan->gid_map, plan->uid_map};

	/* Only then are this process's /proc files its own, as writing them needs. */
	if (plan->caller_undumpable && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return moat_message_set_reason(error, -errno, "cannot make the sandbox dumpable");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int result = write_file(files[i].path, texts[i]);

		if (result < 0) {
			struct moat_message message = moat_message_begin(error, result);

			moat_message_put(&message, "cannot ");
			moat_message_put(&message, files[i].what);
			moat_message_put(&message, " in the new user namespace (");
			moat_message_put(&message, files[i].path);
			moat_message_put(&message, "): ");
			moat_message_put_reason(&message, -result);
			return moat_message_end(&message);
		}
	}
	return 0;
}
