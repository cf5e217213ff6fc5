// SPDX-License-Identifier: MIT
/*
 * The identity a sandbox runs as (moat_sandbox_options.identity): uid, gid
 * and supplementary groups, changed before the capabilities are dropped.
 *
 * The order is the one that works: setgroups and setresgid need CAP_SETGID,
 * which a process that left uid 0 has lost unless it kept its capabilities;
 * so groups first, then the gid, then the uid. PR_SET_KEEPCAPS keeps the
 * permitted set through setresuid (which otherwise empties it when root
 * leaves uid 0), and the effective set is raised again after, so that the
 * steps that follow (Landlock's opens, the limits, the bounding set) keep
 * the privileges they use; the capabilities step then drops everything
 * the policy does not keep.
 */
#include "process/plan.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/error.h"
#include "util/message.h"

#define KNOWN_IDENTITY (MOAT_IDENTITY_UID | MOAT_IDENTITY_GID | MOAT_IDENTITY_GROUPS)

int moat_process_identity_build(struct moat_process_plan *plan,
                                const struct moat_sandbox_options *options,
                                struct moat_error *error)
{
	unsigned identity = options ? options->identity : 0;

	if (identity & ~KNOWN_IDENTITY)
		return moat_error_set(error, -EINVAL, "unknown MOAT_IDENTITY_* flags 0x%x",
		                      identity & ~KNOWN_IDENTITY);
	plan->identity = identity;
	if (!identity)
		return 0;
	plan->uid = options->uid;
	plan->gid = options->gid;
	if (!(identity & MOAT_IDENTITY_GROUPS))
		return 0;
	if (options->group_count && !options->groups)
		return moat_error_set(error, -EINVAL, "group_count without groups");
	if (options->group_count > NGROUPS_MAX)
		return moat_error_set(error, -EINVAL,
		                      "%zu supplementary groups; the kernel takes %d",
		                      options->group_count, NGROUPS_MAX);
	plan->group_count = options->group_count;
	if (!plan->group_count)
		return 0;
	plan->groups = moat_arena_copy(&plan->arena, options->groups,
	                               plan->group_count * sizeof(*plan->groups));
	return plan->groups ? 0 : moat_error_set(error, -ENOMEM, "out of memory");
}

void moat_process_identity_ids(const struct moat_process_plan *plan, uid_t *uid, gid_t *gid)
{
	*uid = plan->identity & MOAT_IDENTITY_UID ? plan->uid : (uid_t)-1;
	*gid = plan->identity & MOAT_IDENTITY_GID ? plan->gid : (gid_t)-1;
}

static bool has_capability(uint64_t effective, unsigned capability)
{
	return effective & (UINT64_C(1) << capability);
}

static int check_without_namespace(const struct moat_process_plan *plan, struct moat_error *error)
{
	uid_t real_uid, effective_uid, saved_uid;
	gid_t real_gid, effective_gid, saved_gid;
	uint64_t effective = 0;

	if (getresuid(&real_uid, &effective_uid, &saved_uid) < 0 ||
	    getresgid(&real_gid, &effective_gid, &saved_gid) < 0 ||
	    moat_process_capabilities_effective(&effective) < 0)
		return moat_error_set(error, -errno, "cannot read this process's ids");
	if ((plan->identity & MOAT_IDENTITY_UID) && !has_capability(effective, CAP_SETUID) &&
	    plan->uid != real_uid && plan->uid != effective_uid && plan->uid != saved_uid)
		return moat_error_set(error, -EPERM,
		                      "cannot run as uid %u: this process is uid %u and lacks "
		                      "CAP_SETUID",
		                      (unsigned)plan->uid, (unsigned)effective_uid);
	if ((plan->identity & MOAT_IDENTITY_GID) && !has_capability(effective, CAP_SETGID) &&
	    plan->gid != real_gid && plan->gid != effective_gid && plan->gid != saved_gid)
		return moat_error_set(error, -EPERM,
		                      "cannot run as gid %u: this process is gid %u and lacks "
		                      "CAP_SETGID",
		                      (unsigned)plan->gid, (unsigned)effective_gid);
	if ((plan->identity & MOAT_IDENTITY_GROUPS) && !has_capability(effective, CAP_SETGID))
		return moat_error_set(error, -EPERM,
		                      "cannot set the supplementary groups: this process lacks "
		                      "CAP_SETGID");
	return 0;
}

int moat_process_identity_check(const struct moat_process_plan *plan, bool in_user_namespace,
                                struct moat_error *error)
{
	if (!plan->identity)
		return 0;
	if (!in_user_namespace)
		return check_without_namespace(plan, error);
	if (plan->identity & MOAT_IDENTITY_GROUPS)
		return moat_error_set(
		        error, -EINVAL,
		        "supplementary groups cannot be set in the user namespace moat "
		        "creates for this sandbox (setgroups is denied there)");
	return 0;
}

static int change_ids(const struct moat_process_plan *plan, bool whole_process,
                      struct moat_error *error)
{
	if ((plan->identity & MOAT_IDENTITY_GROUPS) &&
	    (whole_process ? setgroups(plan->group_count, plan->groups)
	                   : syscall(SYS_setgroups, plan->group_count, plan->groups)) < 0)
		return moat_message_set_reason(error, -errno,
		                               "cannot set the supplementary groups (setgroups)");
	if ((plan->identity & MOAT_IDENTITY_GID) &&
	    (whole_process ? setresgid(plan->gid, plan->gid, plan->gid)
	                   : syscall(SYS_setresgid, plan->gid, plan->gid, plan->gid)) < 0) {
		struct moat_message message = moat_message_begin(error, -errno);

		moat_message_put(&message, "cannot change to gid ");
		moat_message_put_number(&message, (long)plan->gid);
		moat_message_put(&message, " (setresgid): ");
		moat_message_put_reason(&message, -message.code);
		return moat_message_end(&message);
	}
	if ((plan->identity & MOAT_IDENTITY_UID) &&
	    (whole_process ? setresuid(plan->uid, plan->uid, plan->uid)
	                   : syscall(SYS_setresuid, plan->uid, plan->uid, plan->uid)) < 0) {
		struct moat_message message = moat_message_begin(error, -errno);

		moat_message_put(&message, "cannot change to uid ");
		moat_message_put_number(&message, (long)plan->uid);
		moat_message_put(&message, " (setresuid): ");
		moat_message_put_reason(&message, -message.code);
		return moat_message_end(&message);
	}
	return 0;
}

int moat_process_apply_identity(const struct moat_process_plan *plan, bool whole_process,
                                struct moat_error *error)
{
	int keep_caps, result;

	if (!plan->identity)
		return 0;
	keep_caps = prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0);
	/* EPERM: SECBIT_KEEP_CAPS_LOCKED by a sandbox entered before, which left no capability. */
	if (keep_caps == 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 && errno != EPERM)
		return moat_message_set_reason(error, -errno,
		                               "cannot keep the capabilities (PR_SET_KEEPCAPS)");
	result = change_ids(plan, whole_process, error);
	if (keep_caps == 0)
		prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	if (result < 0)
		return result;
	result = moat_process_capabilities_raise_permitted();
	if (result < 0)
		return moat_message_set_reason(error, result,
		                               "cannot raise the capabilities again after changing "
		                               "the ids (capset)");
	return 0;
}
