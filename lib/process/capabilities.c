// SPDX-License-Identifier: MIT
/*
 * `capabilities none|keep CAP...`: the sandboxed program holds exactly the
 * kept capabilities, can gain no other through execve, and passes the kept
 * ones on through execve of an ordinary program.
 *
 * How execve computes capabilities (capabilities(7)), and what closes each
 * way back in:
 *  - file capabilities and set-user-ID root programs: P'(permitted) includes
 *    F(permitted) & bounding set. The bounding set is emptied of everything
 *    not kept, and no_new_privs (applied next) clips any gain to the old
 *    permitted set.
 *  - uid 0: execve treats every program as if it had all file capabilities,
 *    so root gets the bounding set back. SECBIT_NOROOT (locked) turns that
 *    off; the empty bounding set and no_new_privs close it too.
 *  - setuid() to or from 0 adjusts the sets unless SECBIT_NO_SETUID_FIXUP;
 *    it is set and locked so capabilities depend on nothing but these sets,
 *    and SECBIT_KEEP_CAPS is locked off.
 *  - the ambient set is the only way a non-root program keeps a capability
 *    across execve of a program without file capabilities: the kept ones
 *    are raised there, everything else is cleared.
 * Changing the bounding set and the securebits needs CAP_SETPCAP. A process
 * without it (an unprivileged caller outside a user namespace) skips both:
 * it has no capability to keep, and no_new_privs stops execve from granting
 * one.
 */
#include "process/plan.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "policy/constants.h"
#include "util/error.h"
#include "util/message.h"

#define BIT(capability) (UINT64_C(1) << (capability))

/* The securebits every sandbox gets, on and locked; SECBIT_KEEP_CAPS off and locked. */
#define LOCKED_SECUREBITS                                                                          \
	(SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |                           \
	 SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED)

struct capability_sets {
	uint64_t effective;
	uint64_t permitted;
	uint64_t inheritable;
};

static int get_sets(struct capability_sets *sets)
{
	struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {0};

	if (syscall(SYS_capget, &header, data) < 0)
		return -errno;
	sets->effective = data[0].effective | (uint64_t)data[1].effective << 32;
	sets->permitted = data[0].permitted | (uint64_t)data[1].permitted << 32;
	sets->inheritable = data[0].inheritable | (uint64_t)data[1].inheritable << 32;
	return 0;
}

static int set_sets(const struct capability_sets *sets)
{
	struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {
	        {(uint32_t)sets->effective, (uint32_t)sets->permitted, (uint32_t)sets->inheritable},
	        {(uint32_t)(sets->effective >> 32), (uint32_t)(sets->permitted >> 32),
	         (uint32_t)(sets->inheritable >> 32)},
	};

	return syscall(SYS_capset, &header, data) < 0 ? -errno : 0;
}

/* For messages: "CAP_NET_BIND_SERVICE"; a constant string, so async-signal-safe. */
static const char *capability_name(unsigned capability)
{
	const char *name = moat_capability_name((int)capability);

	return name ? name : "unnamed";
}

int moat_process_capabilities_effective(uint64_t *effective)
{
	struct capability_sets sets = {0};
	int result = get_sets(&sets);

	if (result == 0)
		*effective = sets.effective;
	return result;
}

int moat_process_capabilities_raise_permitted(void)
{
	struct capability_sets sets = {0};
	int result = get_sets(&sets);

	if (result < 0 || sets.effective == sets.permitted)
		return result;
	sets.effective = sets.permitted;
	return set_sets(&sets);
}

/*
 * The running kernel's highest capability: PR_CAPBSET_READ answers EINVAL
 * above it, exactly the bound /proc/sys/kernel/cap_last_cap shows, and it
 * works where /proc is not mounted.
 */
static unsigned last_capability(void)
{
	unsigned capability = CAP_LAST_CAP;

	while (capability < 63 && prctl(PR_CAPBSET_READ, capability + 1, 0, 0, 0) >= 0)
		capability++;
	while (capability > 0 && prctl(PR_CAPBSET_READ, capability, 0, 0, 0) < 0)
		capability--;
	return capability;
}

int moat_process_capabilities_build(struct moat_process_plan *plan,
                                    const struct moat_process_section *process,
                                    struct moat_error *error)
{
	unsigned capability;

	plan->capability_last = last_capability();
	plan->capabilities_keep = process->capabilities_keep;
	for (capability = plan->capability_last + 1; capability < 64; capability++)
		if (process->capabilities_keep & BIT(capability))
			return moat_error_set_at(
			        error, -EINVAL, &process->capabilities_location,
			        "capabilities keep: capability %u (%s) is unknown to the "
			        "running kernel, whose last is %u",
			        capability, capability_name(capability), plan->capability_last);
	return 0;
}

/* "`before`N (NAME)`after`": the apply steps run in the child, so no printf. */
static int capability_failed(struct moat_error *error, int code, const char *before,
                             unsigned capability, const char *after)
{
	struct moat_message message = moat_message_begin(error, code);

	moat_message_put(&message, before);
	moat_message_put_number(&message, capability);
	moat_message_put(&message, " (");
	moat_message_put(&message, capability_name(capability));
	moat_message_put(&message, ")");
	moat_message_put(&message, after);
	return moat_message_end(&message);
}

static int drop_bounding_set(const struct moat_process_plan *plan, struct moat_error *error)
{
	unsigned capability;

	for (capability = 0; capability <= plan->capability_last; capability++) {
		if (plan->capabilities_keep & BIT(capability))
			continue;
		if (prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) < 0)
			return capability_failed(error, -errno, "cannot drop capability ",
			                         capability, " from the bounding set");
	}
	return 0;
}

static int lock_securebits(struct moat_error *error)
{
	int current = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	unsigned long wanted;

	if (current < 0)
		return moat_message_set(error, -errno, "cannot read the securebits");
	wanted = ((unsigned long)current & ~(unsigned long)SECBIT_KEEP_CAPS) | LOCKED_SECUREBITS;
	if (wanted != (unsigned long)current && prctl(PR_SET_SECUREBITS, wanted, 0, 0, 0) < 0)
		return moat_message_set(error, -errno,
		                        "cannot set and lock the securebits (NOROOT, "
		                        "NO_SETUID_FIXUP, KEEP_CAPS off)");
	return 0;
}

/* Everything that needs CAP_SETPCAP, done while the process still has it. */
static int restrict_with_setpcap(const struct moat_process_plan *plan,
                                 const struct capability_sets *current, struct moat_error *error)
{
	struct capability_sets raised = *current;
	int result;

	raised.effective |= BIT(CAP_SETPCAP);
	if (raised.effective != current->effective) {
		result = set_sets(&raised);
		if (result < 0)
			return moat_message_set(error, result,
			                        "cannot raise CAP_SETPCAP to drop capabilities");
	}
	result = drop_bounding_set(plan, error);
	if (result == 0)
		result = lock_securebits(error);
	return result;
}

/*
 * Exactly the kept capabilities in the ambient set; capset() has made them
 * permitted and inheritable, which raising them there requires.
 */
static int set_ambient(uint64_t keep, unsigned last, struct moat_error *error)
{
	unsigned capability;

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    (errno != EINVAL || keep != 0))
		/* EINVAL: a kernel before 4.3 has no ambient set to clear. */
		return moat_message_set(error, -errno, "cannot clear the ambient capabilities");
	for (capability = 0; capability <= last; capability++)
		if ((keep & BIT(capability)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, capability, 0, 0) < 0)
			return capability_failed(error, -errno, "cannot raise kept capability ",
			                         capability, " in the ambient set");
	return 0;
}

/*
 * The kernel keeps the ambient set within permitted and inheritable: when
 * those hold only kept capabilities and nothing is kept, the ambient set is
 * empty too. Without CAP_SETPCAP the bounding set and the securebits cannot
 * change, so the process is then already as narrow as the plan asks.
 */
static bool already_narrow(const struct capability_sets *current, uint64_t keep)
{
	return keep == 0 && current->effective == 0 && current->permitted == 0 &&
	       current->inheritable == 0;
}

int moat_process_apply_capabilities(const struct moat_process_plan *plan, struct moat_error *error)
{
	uint64_t keep = plan->capabilities_keep;
	struct capability_sets current;
	struct capability_sets kept = {keep, keep, keep};
	int result;

	result = get_sets(&current);
	if (result < 0)
		return moat_message_set(error, result, "cannot read the capabilities (capget)");
	if (keep & ~current.permitted) {
		unsigned missing = (unsigned)__builtin_ctzll(keep & ~current.permitted);

		return capability_failed(error, -EPERM,
		                         "capabilities keep: the process does not hold capability ",
		                         missing, "");
	}
	if (current.permitted & BIT(CAP_SETPCAP)) {
		result = restrict_with_setpcap(plan, &current, error);
		if (result < 0)
			return result;
	} else if (already_narrow(&current, keep)) {
		/* A sandbox entered before left no more: nothing to do, nothing to ask its filter.
		 */
		return 0;
	}
	result = set_sets(&kept);
	if (result < 0)
		return moat_message_set(error, result,
		                        "cannot set the effective, permitted and inheritable "
		                        "capabilities (capset)");
	return set_ambient(keep, plan->capability_last, error);
}
