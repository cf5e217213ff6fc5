// SPDX-License-Identifier: MIT
/*
 * What keeps the sandbox in its cgroup, run in the sandbox's process before
 * it drops its capabilities. The cgroup programs see a socket by the cgroup
 * of the process that made it, so a sandbox that moved itself to another
 * cgroup would make unfiltered sockets. Moving needs write access to the
 * cgroup.procs files of the hierarchy, which a sandbox running as uid 0
 * has (they belong to root, mode 644), even without capabilities:
 *
 * - a cgroup namespace rooted at the sandbox's cgroup forbids the move
 *   when the hierarchy is mounted with nsdelegate;
 * - where it is not, a mount namespace of the sandbox's own (a slave of
 *   the caller's, so mounts still arrive) in which every cgroup v2 mount is
 *   read-only: the files cannot be opened for writing.
 */
#include <errno.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include "egress/internal.h"
#include "util/message.h"

static int fail(struct moat_error *error, const char *what)
{
	struct moat_message message = moat_message_begin(error, -errno);

	moat_message_put(&message, what);
	moat_message_put(&message, ": ");
	moat_message_put_reason(&message, errno);
	return message.code;
}

/* A read-only bind remount keeps the flags a user namespace locks on the mount. */
static int remount_read_only(const char *path)
{
	unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;
	struct statvfs status;

	if (statvfs(path, &status) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (status.f_flag & ST_NOSUID)
		flags |= MS_NOSUID;
	if (status.f_flag & ST_NODEV)
		flags |= MS_NODEV;
	if (status.f_flag & ST_NOEXEC)
		flags |= MS_NOEXEC;
	if (status.f_flag & ST_NOATIME)
		flags |= MS_NOATIME;
	if (status.f_flag & ST_NODIRATIME)
		flags |= MS_NODIRATIME;
	if (status.f_flag & ST_RELATIME)
		flags |= MS_RELATIME;
	return mount(NULL, path, NULL, flags, NULL) < 0 ? -errno : 0;
}

int moat_egress_enter(const struct moat_egress *egress, struct moat_error *error)
{
	if (!egress)
		return 0;
	if (unshare(CLONE_NEWCGROUP) < 0)
		return fail(error, "cannot enter a cgroup namespace of the sandbox's own");
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return fail(error, "cannot enter a mount namespace of the sandbox's own");
	for (size_t i = 0; i < egress->mount_count; i++) {
		int result = remount_read_only(egress->mounts[i]);

		if (result < 0) {
			errno = -result;
			return fail(error, "cannot make the cgroup v2 hierarchy read-only");
		}
	}
	return moat_egress_refuse_packet_sockets(error);
}
