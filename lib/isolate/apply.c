// SPDX-License-Identifier: MIT
/*
 * The isolation steps in the cloned process, in this order:
 *  1. the uid/gid maps: until they are written the process's ids are
 *     unmapped inside, and it could not own the files it creates;
 *  2. the mount tree, which needs the capabilities the user namespace
 *     gave (and, for a new procfs, being in the new PID namespace);
 *  3. the hostname, and 4. the loopback interface, which need the UTS and
 *     network namespaces and nothing of the filesystem.
 */
#include "isolate/internal.h"

#include <string.h>

int moat_isolate_apply(const struct moat_isolate_plan *plan, struct moat_error *error)
{
	int result = 0;

	if (plan->namespaces & MOAT_NAMESPACE_USER)
		result = moat_isolate_write_maps(plan, error);
	if (result == 0)
		result = moat_isolate_build_root(plan, error);
	if (result == 0)
		result = moat_isolate_set_hostname(plan, error);
	if (result == 0 && (plan->namespaces & MOAT_NAMESPACE_NET))
		result = moat_isolate_loopback_up(error);
	return result;
}

/* strerrordesc_np returns a constant string, unlike strerror, which may format one. */
const char *moat_isolate_strerror(int code)
{
	const char *text = strerrordesc_np(-code);

	return text ? text : "unknown error";
}
